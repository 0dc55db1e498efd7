// The only place the test objectives and spectral_quadratic are compiled: for Real and Tracked.
#include "gradref/reference/objectives/spectral_quadratic_impl.hpp"
#include "gradref/reference/objectives/test_objectives_impl.hpp"

namespace gradref::reference {
#define GRADREF_OBJECTIVES(T)                                                                                  \
  template Objective<T> quadratic<T>(const Array<T>&, const Array<T>&, const Array<T>&, const char*);         \
  template Objective<T> rosenbrock<T>(std::int64_t, double, double, const char*);                             \
  template Objective<T> coupled<T>(const char*);                                                              \
  template Objective<T> logistic<T>(const Array<T>&, const Array<T>&, double, const char*);                   \
  template Objective<T> objective_from<T>(const spec::Objective&, const ObjectiveData<T>&, const Array<T>&,   \
                                          const char*);                                                       \
  template SpectralQuadratic<T> spectral_quadratic<T>(const Array<T>&, std::span<const spec::Givens>);
GRADREF_OBJECTIVES(Real)
GRADREF_OBJECTIVES(Tracked)
#undef GRADREF_OBJECTIVES
}  // namespace gradref::reference
