#pragma once
// A test objective L(theta) with its exact gradient and Hessian, generic over the
// scalar type: what `gradref run`, the line searches and the theorems drive the
// update rules on. Factories (quadratic, rosenbrock, ...) live beside this header.
#include <cstdint>
#include <functional>
#include <string>

#include "gradref/reference/array.hpp"

namespace gradref::reference {

template <class T>
struct Objective {
  std::string name;
  std::int64_t dimension = 0;                               ///< theta is [dimension]
  std::function<T(const Array<T>& theta)> value;            ///< L(theta)
  std::function<Array<T>(const Array<T>& theta)> gradient;  ///< [dimension]
  std::function<Array<T>(const Array<T>& theta)> hessian;   ///< [dimension, dimension], row-major
};

}  // namespace gradref::reference
