#pragma once
// Parameters for generic tests: every catalog entry, in each dtype. Tests select
// entries by capability (has gradients, has wrong variants), never by name.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gradref/catalog/catalog.hpp"

namespace gradref::properties {

struct OpInDtype {
  const catalog::Entry* entry;
  catalog::Dtype dtype;
};

inline std::vector<OpInDtype> every_op_in_every_dtype() {
  std::vector<OpInDtype> out;
  for (const catalog::Entry* e : catalog::all())
    for (catalog::Dtype d : {catalog::Dtype::float32, catalog::Dtype::float64}) out.push_back({e, d});
  return out;
}

inline std::vector<const catalog::Entry*> every_op() { return catalog::all(); }

/// Ops with an optimized kernel, in each dtype (the graph engine and the model
/// objectives are reference-only: their `fast` is empty).
inline std::vector<OpInDtype> ops_with_fast_kernel_in_every_dtype() {
  std::vector<OpInDtype> out;
  for (const OpInDtype& o : every_op_in_every_dtype())
    if (o.entry->fast) out.push_back(o);
  return out;
}

inline std::string param_name(const testing::TestParamInfo<OpInDtype>& info) {
  return info.param.entry->name + "_" + catalog::dtype_name(info.param.dtype);
}
inline std::string entry_name(const testing::TestParamInfo<const catalog::Entry*>& info) {
  return info.param->name;
}

}  // namespace gradref::properties
