// The user's Adam (my_adam.hpp) against gradref's exact reference under PyTorch's
// conventions: random cases from gradref's generators, hard cases included, each
// output element within the error bound of a float/double implementation.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <gradref/testing/testing.hpp>

#include "my_adam.hpp"

namespace {

namespace gt = gradref::testing;
using gradref::testing::Case;
using gradref::testing::Dtype;

// The fields my Adam takes; the rest (eps placement, AMSGrad, ...) stay PyTorch's.
const std::vector<std::string> kMyFields = {"lr", "beta1", "beta2", "eps", "weight_decay"};

/// Runs my Adam on the case: one step per row of grad ([steps, n] or [n]).
template <class T>
gt::Outputs<T> run_my_adam(const Case& c, my::Eps mistake) {
  const my::AdamConfig h{gt::number(c, "lr"), gt::number(c, "beta1"), gt::number(c, "beta2"), gt::number(c, "eps"),
                         gt::number(c, "weight_decay")};
  std::vector<T> param = gt::input<T>(c, "param");
  std::vector<T> exp_avg = gt::input<T>(c, "exp_avg");
  std::vector<T> exp_avg_sq = gt::input<T>(c, "exp_avg_sq");
  const std::vector<T> grads = gt::input<T>(c, "grad");
  auto step = static_cast<std::int64_t>(gt::input<double>(c, "step")[0]);
  const std::size_t n = param.size();
  for (std::size_t k = 0; k < grads.size() / n; ++k) {
    const std::vector<T> grad(grads.begin() + static_cast<std::ptrdiff_t>(k * n),
                              grads.begin() + static_cast<std::ptrdiff_t>((k + 1) * n));
    my::adam_step(h, param, exp_avg, exp_avg_sq, grad, step, mistake);
  }
  return {{"param", param}, {"exp_avg", exp_avg}, {"exp_avg_sq", exp_avg_sq}, {"step", {static_cast<T>(step)}}};
}

TEST(CorrectAdam, MatchesPytorchInFloat32) {
  for (const Case& c : gt::sample(gt::cases("adam", Dtype::float32, "pytorch", kMyFields), 200, 2026))
    ASSERT_THAT(run_my_adam<float>(c, my::Eps::outside), gt::MatchesReference(c, Dtype::float32));
}

TEST(CorrectAdam, MatchesPytorchInFloat64) {
  for (const Case& c : gt::sample(gt::cases("adam", Dtype::float64, "pytorch", kMyFields), 200, 2026))
    ASSERT_THAT(run_my_adam<double>(c, my::Eps::outside), gt::MatchesReference(c, Dtype::float64));
}

// The same as a RapidCheck property: RapidCheck draws the cases and shrinks a failure.
RC_GTEST_PROP(CorrectAdam, IsAPropertyToo, ()) {
  const Case c = *gt::cases("adam", Dtype::float32, "pytorch", kMyFields);
  const gt::Verdict v = gt::check(c, Dtype::float32, gt::widen(run_my_adam<float>(c, my::Eps::outside)));
  if (!v.passed) RC_FAIL(v.message);
}

TEST(BuggyAdam, MatchesPytorchInFloat32) {
  for (const Case& c : gt::sample(gt::cases("adam", Dtype::float32, "pytorch", kMyFields), 200, 2026))
    ASSERT_THAT(run_my_adam<float>(c, my::Eps::inside_by_mistake), gt::MatchesReference(c, Dtype::float32));
}

}  // namespace
