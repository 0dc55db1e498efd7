// Fast Shannon entropy, one pass over each row, in the reference's order
// (entropy_impl.hpp). Per element, p as probabilities:
//   l = Log(p) (-inf where p = 0: Highway's Log is defined on (0, max] only),
//   t = p * l (0 where p = 0), grad = -(l + 1) * scale
// p as l = log p:  e = Exp(l), t = e * l, grad = -((l + 1) * e) * scale.
// The terms are summed as row_pass-inl.h does, and the row's entropy is minus that
// sum. Row entropies are reduced after all rows are done, with the same blocked
// pairwise sum, so nothing depends on the thread count.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "losses/entropy.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <limits>

#include "losses/entropy_job.hpp"
#include "losses/row_pass-inl.h"

HWY_BEFORE_NAMESPACE();
namespace gradref::fast::detail::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace {

// Below this many elements per thread, a thread costs more than it saves.
constexpr std::int64_t kGrainElements = 1 << 15;

template <class T>
T Row(const EntropyJob<T>& job, std::int64_t row) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  const T* x = job.p + row * job.classes;
  T* grad = job.grad + row * job.classes;
  const V one = hn::Set(d, T(1)), zero = hn::Zero(d), scale = hn::Set(d, job.scale);
  const V minus_infinity = hn::Set(d, -std::numeric_limits<T>::infinity());
  // Lanes past count read 1 and give term 0.
  return -RowSum<T>(job.classes, [&](std::int64_t j, std::int64_t count) {
    const V xv = LoadPart(d, x + j, count);
    V t, g;
    if (job.log_form) {
      const V e = hn::Exp(d, xv);
      t = hn::Mul(e, xv);
      g = hn::Neg(hn::Mul(hn::Add(xv, one), e));
    } else {
      const auto is_zero = hn::Eq(xv, zero);
      const V l = hn::IfThenElse(is_zero, minus_infinity, hn::Log(d, xv));
      t = hn::IfThenZeroElse(is_zero, hn::Mul(xv, l));
      g = hn::Neg(hn::Add(l, one));
    }
    if (job.scaled) g = hn::Mul(g, scale);
    StorePart(d, g, grad + j, count);
    return t;
  });
}

template <class T>
void EntropyRun(const EntropyJob<T>& job) {
  ForEachRow(job.rows, job.classes, kGrainElements, [&job](std::int64_t row) { job.row_loss[row] = Row(job, row); });
}

}  // namespace

void EntropyFloat(const EntropyJob<float>& job) { EntropyRun(job); }
void EntropyDouble(const EntropyJob<double>& job) { EntropyRun(job); }

}  // namespace gradref::fast::detail::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <string>
#include <vector>

#include "dispatch_by_type.hpp"
#include "gradref/fast/losses/entropy.hpp"
#include "gradref/spec/fields.hpp"
#include "losses/buffer_size.hpp"
#include "pairwise.hpp"

namespace gradref::fast {
namespace detail {
namespace {

GRADREF_DISPATCH_FLOAT_DOUBLE(dispatch, EntropyJob, EntropyFloat, EntropyDouble)

}  // namespace
}  // namespace detail

template <class T>
void entropy(const spec::Entropy& s, std::span<const T> p, std::int64_t rows, std::int64_t classes,
             std::span<T> loss, std::span<T> grad_p) {
  spec::entropy_dims(s, Shape{rows, classes});
  if (classes > std::numeric_limits<std::int64_t>::max() / rows)
    throw InvalidInput(spec::Entropy::op, "p.shape", shape_text(Shape{rows, classes}), "fewer than 2^63 elements");
  const bool none = s.reduction == spec::Reduction::none;
  detail::require_buffer(spec::Entropy::op, "p.size", p.size(), rows * classes, "rows * classes");
  detail::require_buffer(spec::Entropy::op, "grad_p.size", grad_p.size(), rows * classes, "rows * classes");
  detail::require_buffer(spec::Entropy::op, "loss.size", loss.size(), none ? rows : 1,
                         none ? "rows for reduction none" : "1 for reduction sum or mean");
  spec::check_distribution(spec::Entropy::op, "p", p, s.p_form,
                           [](T x) { return spec::format_double(static_cast<double>(x)); });

  const bool mean = s.reduction == spec::Reduction::mean;
  std::vector<T> row_losses(none ? 0 : static_cast<std::size_t>(rows));
  const detail::EntropyJob<T> job{p.data(),
                                  none ? loss.data() : row_losses.data(),
                                  grad_p.data(),
                                  rows,
                                  classes,
                                  s.p_form == spec::Form::log,
                                  mean ? static_cast<T>(1.0 / static_cast<double>(rows)) : T(1),
                                  mean && rows > 1};
  detail::dispatch(job);
  if (none) return;
  T total = detail::blocked_sum(row_losses.data(), rows);
  if (mean) total = total / static_cast<T>(rows);
  loss[0] = total;
}

template void entropy<float>(const spec::Entropy&, std::span<const float>, std::int64_t, std::int64_t,
                             std::span<float>, std::span<float>);
template void entropy<double>(const spec::Entropy&, std::span<const double>, std::int64_t, std::int64_t,
                              std::span<double>, std::span<double>);

}  // namespace gradref::fast
#endif  // HWY_ONCE
