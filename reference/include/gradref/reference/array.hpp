#pragma once
// Array<T>: a small owning N-d array, shape plus contiguous row-major data. It is
// the one container every backend speaks; kernels take std::span views of it.
// Indices and sizes are 64-bit throughout.
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "gradref/spec/shape.hpp"

namespace gradref {

template <class T>
class Array {
 public:
  Array() = default;
  explicit Array(Shape shape, const T& fill = T())
      : shape_(std::move(shape)), data_(static_cast<std::size_t>(element_count(shape_)), fill) {}
  Array(Shape shape, std::vector<T> data) : shape_(std::move(shape)), data_(std::move(data)) {
    if (static_cast<std::int64_t>(data_.size()) != element_count(shape_))
      throw std::invalid_argument("Array: " + std::to_string(data_.size()) +
                                  " values do not fill shape " + shape_text(shape_));
  }

  const Shape& shape() const noexcept { return shape_; }
  std::int64_t rank() const noexcept { return static_cast<std::int64_t>(shape_.size()); }
  std::int64_t extent(std::int64_t axis) const { return shape_.at(static_cast<std::size_t>(axis)); }
  std::int64_t size() const noexcept { return static_cast<std::int64_t>(data_.size()); }

  T& operator[](std::int64_t i) { return data_[static_cast<std::size_t>(i)]; }
  const T& operator[](std::int64_t i) const { return data_[static_cast<std::size_t>(i)]; }

  T* data() noexcept { return data_.data(); }
  const T* data() const noexcept { return data_.data(); }
  std::span<T> span() noexcept { return data_; }
  std::span<const T> span() const noexcept { return data_; }
  const std::vector<T>& values() const noexcept { return data_; }

  /// Elements [offset, offset + count): one row or one step of a stacked array.
  std::span<T> slice(std::int64_t offset, std::int64_t count) {
    return span().subspan(static_cast<std::size_t>(offset), static_cast<std::size_t>(count));
  }
  std::span<const T> slice(std::int64_t offset, std::int64_t count) const {
    return span().subspan(static_cast<std::size_t>(offset), static_cast<std::size_t>(count));
  }

  /// Same values converted elementwise (e.g. Real -> Tracked, float -> double).
  template <class U, class F>
  Array<U> map(F&& f) const {
    std::vector<U> out;
    out.reserve(data_.size());
    for (const T& x : data_) out.push_back(f(x));
    return Array<U>(shape_, std::move(out));
  }

 private:
  Shape shape_;
  std::vector<T> data_;
};

}  // namespace gradref
