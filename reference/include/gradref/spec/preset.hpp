#pragma once
// A named preset sets every convention field (and the framework's defaults) of a
// spec at once, so "validate my PyTorch Adam" is one word.
#include <functional>
#include <string>

namespace gradref::spec {

template <class Spec>
struct Preset {
  const char* name;
  const char* source;  ///< where the convention was read from
  void (*apply)(Spec&);
};

}  // namespace gradref::spec
