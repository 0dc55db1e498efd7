#pragma once
// Reference GAN objectives (spec/gan.hpp), generic over the scalar: the value and
// its gradient with respect to the discriminator's parameters (w, b) and the
// generator's (A, c).
#include "gradref/reference/array.hpp"
#include "gradref/spec/gan.hpp"

namespace gradref::reference {

/// The parameters of the generator G(z) = A z + c and the discriminator (w, b).
template <class T>
struct GanParams {
  Array<T> A;  ///< [d, k]
  Array<T> c;  ///< [d]
  Array<T> w;  ///< [d]
  Array<T> b;  ///< []
};

template <class T>
struct GanResult {
  T value;
  Array<T> grad_w;  ///< [d]
  Array<T> grad_b;  ///< []
  Array<T> grad_A;  ///< [d, k]
  Array<T> grad_c;  ///< [d]
};

/// x [M, d] real samples, z [M, k] noise samples, `a` [M] the mixing weights of
/// gradient_penalty (null for the other objectives). Throws InvalidInput.
template <class T>
GanResult<T> gan(const spec::Gan& s, const Array<T>& x, const Array<T>& z, const GanParams<T>& p,
                 const Array<T>* a);

}  // namespace gradref::reference
