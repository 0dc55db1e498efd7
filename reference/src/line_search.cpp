// The only place the line searches are compiled: for Real and Tracked.
#include "gradref/reference/line_search_impl.hpp"

namespace gradref::reference {
#define GRADREF_LINE_SEARCH(T)                                                                                 \
  template T exact_step<T>(const Array<T>&, const Array<T>&, const Array<T>&, const char*);                   \
  template T exact_line_search<T>(const Array<T>&, const Array<T>&, const Array<T>&, const Array<T>&);         \
  template T exact_line_search<T>(const Objective<T>&, const Array<T>&, const Array<T>&);                     \
  template ArmijoResult<T> armijo<T>(const spec::Armijo&, const Objective<T>&, const Array<T>&, const Array<T>&);
GRADREF_LINE_SEARCH(Real)
GRADREF_LINE_SEARCH(Tracked)
#undef GRADREF_LINE_SEARCH
}  // namespace gradref::reference
