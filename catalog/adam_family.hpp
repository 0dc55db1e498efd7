#pragma once
// What Adam's and AdamW's catalog entries share (spec::AdamCore): drawing the
// shared hyperparameters and reachable moments, the shared bad fields and
// convention flips, and the deviations of the shared update.
#include <vector>

#include "gradref/spec/adam.hpp"
#include "rule_entry.hpp"

namespace gradref::catalog::adam_family {

/// Redraws the shared fields of a spec a preset has set (inside rc::gen::exec).
void vary_core(spec::AdamCore& s, Dtype dtype);

/// exp_avg_sq >= 0, |exp_avg| within reach of it, max_exp_avg_sq >= exp_avg_sq.
void draw_slots(const spec::AdamCore& s, Dtype dtype, std::int64_t n, NamedArrays<Real>& inputs);

std::vector<rules::BadField> bad_fields();
std::vector<rules::Flip> flips();
std::vector<WrongVariant> extra_variants(std::function<rc::Gen<Case>(Dtype)> generator,
                                         std::function<NamedArrays<double>(const Case&, Dtype)> fast);
std::vector<Deviation> deviations();

inline const std::vector<Port>& slot_ports() {
  static const std::vector<Port> ports{
      {"exp_avg", "[*param]", "first moment m"},
      {"exp_avg_sq", "[*param]", "second moment v"},
      {"max_exp_avg_sq", "[*param]", "running max of v, or of v / bc2 with amsgrad_max v_hat (amsgrad only)", false,
       true}};
  return ports;
}

}  // namespace gradref::catalog::adam_family
