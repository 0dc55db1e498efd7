// The fast softmax cross-entropy on rows of several blocks (spec::cross_entropy_block
// classes each), which the catalog's generated cases (up to 139 classes) never reach:
//  - within the error model of the reference (blocked online order, run on Tracked)
//    on every SIMD target, for the single-class and the target-mass paths, strided
//    rows, ties and the max in a later block;
//  - rows split across threads (fewer rows than threads) give bitwise the results of
//    one thread, for 1, 2, 3 and 8 threads;
//  - in place (grad_logits = the logits' buffer) gives bitwise the out-of-place result;
//  - a non-finite logit is reported at its flat index, in place too.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/compare.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/fast/dispatch.hpp"
#include "gradref/fast/losses/cross_entropy.hpp"
#include "gradref/fast/threads.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref {
namespace {

constexpr std::int64_t kBlock = spec::cross_entropy_block;

/// A reproducible logit, a multiple of 1/64 in [-8, 8): exact in float and double.
double logit(std::uint64_t i) {
  std::uint64_t h = (i + 1) * 0x9E3779B97F4A7C15ull;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 32;
  return static_cast<double>(h % 1024) / 64.0 - 8.0;
}

/// [rows, classes(, inner)] logits: row 0's max in its last block, row 1 tied at the
/// max in its first and last blocks, row 2 with a class 30 ahead of the rest.
std::vector<double> logits(std::int64_t rows, std::int64_t classes, std::int64_t inner = 1) {
  std::vector<double> z(static_cast<std::size_t>(rows * classes * inner));
  for (std::size_t i = 0; i < z.size(); ++i) z[i] = logit(i);
  const auto at = [&](std::int64_t r, std::int64_t c) -> double& {
    return z[static_cast<std::size_t>((r * classes + c) * inner)];
  };
  if (rows > 0) at(0, classes - 3) = 9;
  if (rows > 1) at(1, 5) = 9, at(1, classes - 1) = 9;
  if (rows > 2) at(2, classes / 2) = 38;
  return z;
}

struct Config {
  std::string name;
  spec::CrossEntropy spec;
  std::int64_t rows, classes, inner = 1;
  bool weighted = false;
  bool ignore_row_1 = false;
};

std::vector<Config> configs() {
  spec::CrossEntropy mean, sum, none, smoothed, probabilities;
  sum.reduction = spec::Reduction::sum;
  none.reduction = spec::Reduction::none;
  smoothed.label_smoothing = 0.1;
  probabilities.target_type = spec::TargetType::probabilities;
  probabilities.label_smoothing = 0.05;
  return {
      {"index_mean_weighted", mean, 3, 2 * kBlock + 37, 1, true, false},
      {"index_sum_one_row", sum, 1, 5 * kBlock + 7, 1, false, false},
      {"index_none_ignored", none, 3, 3 * kBlock, 1, false, true},
      {"smoothed_weighted", smoothed, 3, kBlock + 300, 1, true, false},
      {"probabilities", probabilities, 2, kBlock + 100, 1, true, false},
      {"strided_index", mean, 2, kBlock + 90, 2, false, true},
  };
}

/// Targets: class indices (row r's target is near the end for even r, its max for
/// row 0) or a probability row of the logits' shape.
std::vector<double> targets(const Config& c) {
  if (c.spec.target_type == spec::TargetType::indices) {
    std::vector<double> y(static_cast<std::size_t>(c.rows * c.inner));
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<double>((i * 997 + 11) % static_cast<std::size_t>(c.classes));
    y[0] = static_cast<double>(c.classes - 3);
    if (c.ignore_row_1 && y.size() > 1) y[1] = static_cast<double>(c.spec.ignore_index);
    return y;
  }
  std::vector<double> q(static_cast<std::size_t>(c.rows * c.classes * c.inner));
  for (std::size_t i = 0; i < q.size(); ++i) q[i] = static_cast<double>(i % 7) / 8.0;
  return q;
}

std::vector<double> weights(const Config& c) {
  std::vector<double> w(static_cast<std::size_t>(c.classes));
  for (std::size_t k = 0; k < w.size(); ++k) w[k] = 0.25 + static_cast<double>(k % 5) / 4.0;
  return w;
}

Shape logits_shape(const Config& c) {
  return c.inner > 1 ? Shape{c.rows, c.classes, c.inner} : Shape{c.rows, c.classes};
}
Shape target_shape(const Config& c) {
  if (c.spec.target_type == spec::TargetType::probabilities) return logits_shape(c);
  return c.inner > 1 ? Shape{c.rows, c.inner} : Shape{c.rows};
}

catalog::Case catalog_case(const Config& c) {
  catalog::Case out{"cross_entropy", catalog::spec_to_json(c.spec), {}};
  out.inputs.emplace("logits", catalog::gen::real_array(logits_shape(c), logits(c.rows, c.classes, c.inner)));
  out.inputs.emplace("target", catalog::gen::real_array(target_shape(c), targets(c)));
  if (c.weighted) out.inputs.emplace("weight", catalog::gen::real_array({c.classes}, weights(c)));
  return out;
}

TEST(CrossEntropyBlocks, FastWithinErrorModelOnEveryTarget) {
  const catalog::Entry& entry = catalog::find("cross_entropy");
  for (const Config& config : configs()) {
    const catalog::Case c = catalog_case(config);
    for (catalog::Dtype dtype : {catalog::Dtype::float32, catalog::Dtype::float64})
      for (const fast::Target& target : fast::available_targets()) {
        fast::ScopedTarget scoped(target);
        const catalog::Comparison r = catalog::compare(entry, c, dtype, entry.fast(c, dtype));
        EXPECT_TRUE(r.bound_finite) << config.name;
        EXPECT_TRUE(r.passed) << config.name << " " << catalog::dtype_name(dtype) << " on " << target.name << ": "
                              << r.describe();
      }
  }
}

/// The fast kernel's outputs for one config, in T, in place or not.
template <class T>
struct Outputs {
  std::vector<T> loss, grad, grad_target;
  bool operator==(const Outputs& o) const {
    const auto same = [](const std::vector<T>& a, const std::vector<T>& b) {
      // memcmp's pointers must not be null, even for 0 bytes (an empty vector's data() may be)
      return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
    };
    return same(loss, o.loss) && same(grad, o.grad) && same(grad_target, o.grad_target);
  }
};

template <class T>
std::vector<T> in_dtype(const std::vector<double>& x) {
  return std::vector<T>(x.begin(), x.end());
}

template <class T>
Outputs<T> run(const Config& c, bool in_place, std::vector<T> z) {
  const bool indices = c.spec.target_type == spec::TargetType::indices;
  const std::vector<double> t = targets(c);
  std::vector<std::int64_t> y;
  if (indices)
    for (double v : t) y.push_back(static_cast<std::int64_t>(v));
  const std::vector<T> q = indices ? std::vector<T>() : in_dtype<T>(t);
  const std::vector<T> w = c.weighted ? in_dtype<T>(weights(c)) : std::vector<T>();
  Outputs<T> out;
  out.loss.assign(c.spec.reduction == spec::Reduction::none ? static_cast<std::size_t>(c.rows * c.inner) : 1, T(0));
  out.grad.assign(in_place ? 0 : z.size(), T(0));
  out.grad_target.assign(indices ? 0 : z.size(), T(0));
  std::span<T> grad = in_place ? std::span<T>(z) : std::span<T>(out.grad);
  fast::cross_entropy<T>(c.spec, {z, logits_shape(c), y, q, target_shape(c), w, c.weighted},
                         {out.loss, grad, out.grad_target});
  if (in_place) out.grad = std::move(z);
  return out;
}

class ThreadCount {
 public:
  explicit ThreadCount(int n) : saved_(fast::thread_count()) {
    fast::set_thread_count(n);
    fast::set_grain_limit(1);
  }
  ~ThreadCount() {
    fast::set_thread_count(saved_);
    fast::set_grain_limit(0);
  }

 private:
  int saved_;
};

template <class T>
void check_threads_and_in_place(const Config& c) {
  const std::vector<T> z = in_dtype<T>(logits(c.rows, c.classes, c.inner));
  Outputs<T> one;
  {
    ThreadCount threads(1);
    one = run<T>(c, false, z);
    EXPECT_TRUE(run<T>(c, true, z) == one) << c.name << ": in place, 1 thread";
  }
  for (int n : {2, 3, 8}) {
    ThreadCount threads(n);
    EXPECT_TRUE(run<T>(c, false, z) == one) << c.name << ": " << n << " threads";
    EXPECT_TRUE(run<T>(c, true, z) == one) << c.name << ": in place, " << n << " threads";
  }
}

// One, two and three rows of up to five blocks: with 2, 3 or 8 threads they are
// split by blocks (fewer rows than threads), with 1 they run whole.
TEST(CrossEntropyBlocks, SplitRowsAndInPlaceGiveTheSameBits) {
  std::vector<Config> all = configs();
  spec::CrossEntropy mean;
  all.push_back({"long_single_row", mean, 1, 32 * kBlock + 5, 1, false, false});
  all.push_back({"short_rows", mean, 5, 40, 1, true, true});
  for (const fast::Target& target : fast::available_targets()) {
    fast::ScopedTarget scoped(target);
    for (const Config& c : all) {
      check_threads_and_in_place<float>(c);
      check_threads_and_in_place<double>(c);
    }
  }
}

std::string refused_field(const Config& c, std::vector<float> z, bool in_place) {
  try {
    run<float>(c, in_place, std::move(z));
  } catch (const InvalidInput& e) {
    return e.field();
  }
  return "";
}

TEST(CrossEntropyBlocks, NonFiniteLogitNamedAtItsFirstIndex) {
  spec::CrossEntropy mean;
  const Config c{"two_rows", mean, 2, 2 * kBlock + 3, 1, false, true};  // row 1 ignored: still checked
  const std::int64_t second_row = 2 * kBlock + 3;
  std::vector<float> z = in_dtype<float>(logits(c.rows, c.classes));
  z[static_cast<std::size_t>(second_row + 7)] = std::numeric_limits<float>::quiet_NaN();
  z[static_cast<std::size_t>(kBlock + 9)] = -std::numeric_limits<float>::infinity();
  for (int n : {1, 3}) {
    ThreadCount threads(n);
    EXPECT_EQ(refused_field(c, z, false), "logits[" + std::to_string(kBlock + 9) + "]");
    EXPECT_EQ(refused_field(c, z, true), "logits[" + std::to_string(kBlock + 9) + "]");
    std::vector<float> one_row = z;
    one_row[static_cast<std::size_t>(kBlock + 9)] = 0;
    EXPECT_EQ(refused_field(c, one_row, false), "logits[" + std::to_string(second_row + 7) + "]");
  }
}

TEST(CrossEntropyBlocks, PartlyOverlappingGradientRefused) {
  spec::CrossEntropy mean;
  std::vector<float> buffer(12, 0.5f), loss(1);
  const std::vector<std::int64_t> y{0, 1};
  const fast::CrossEntropyInputs<float> in{std::span<const float>(buffer.data(), 6), {2, 3}, y, {}, {2}, {}, false};
  try {
    fast::cross_entropy<float>(mean, in, {loss, std::span<float>(buffer.data() + 3, 6), {}});
    ADD_FAILURE() << "overlap accepted";
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.field(), "grad_logits");
  }
  fast::cross_entropy<float>(mean, in, {loss, std::span<float>(buffer.data() + 6, 6), {}});  // apart: fine
}

}  // namespace
}  // namespace gradref
