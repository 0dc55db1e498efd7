// The multi-tensor step (fast/rules/multi_tensor.hpp) gives, for every rule, bitwise
// the results of stepping each tensor alone, for 1, 2 and 3 threads: groups of every
// preset (and a decayed, maximizing variant), tensors of sizes 0, 1, odd and across
// the thread grain, at different step counters and with one or two gradients. Bad
// input in one group or tensor is refused, naming it, and changes nothing.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "gradref/fast/rules/adadelta.hpp"
#include "gradref/fast/rules/adagrad.hpp"
#include "gradref/fast/rules/adam.hpp"
#include "gradref/fast/rules/adamax.hpp"
#include "gradref/fast/rules/adamw.hpp"
#include "gradref/fast/rules/lion.hpp"
#include "gradref/fast/rules/multi_tensor.hpp"
#include "gradref/fast/rules/nadam.hpp"
#include "gradref/fast/rules/radam.hpp"
#include "gradref/fast/rules/rmsprop.hpp"
#include "gradref/fast/rules/sgd.hpp"
#include "gradref/fast/threads.hpp"

namespace gradref::properties {
namespace {

template <class T>
struct OwnedTensor {
  std::vector<T> param, grads, scalars;
  std::vector<std::vector<T>> slots;
  std::int64_t step = 0;

  fast::RuleBuffers<T> view() {
    fast::RuleBuffers<T> b;
    b.param = param;
    b.grads = grads;
    for (auto& s : slots) b.slots.push_back(s);
    b.scalars = scalars;
    b.step = step;
    return b;
  }
  bool operator==(const OwnedTensor& o) const {
    const auto same = [](const std::vector<T>& a, const std::vector<T>& b) {
      return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
    };
    if (!same(param, o.param) || !same(grads, o.grads) || !same(scalars, o.scalars) || step != o.step ||
        slots.size() != o.slots.size())
      return false;
    for (std::size_t i = 0; i < slots.size(); ++i)
      if (!same(slots[i], o.slots[i])) return false;
    return true;
  }
};

template <class Spec, class T>
struct World {
  std::vector<Spec> specs;
  std::vector<std::vector<OwnedTensor<T>>> tensors;

  std::vector<fast::RuleGroup<Spec, T>> groups() {
    std::vector<fast::RuleGroup<Spec, T>> out;
    for (std::size_t g = 0; g < specs.size(); ++g) {
      out.push_back({specs[g], {}});
      for (auto& t : tensors[g]) out.back().tensors.push_back(t.view());
    }
    return out;
  }
  /// The multi-tensor call, then the step counters copied back from the views.
  void step_all() {
    auto g = groups();
    fast::step(g);
    for (std::size_t i = 0; i < g.size(); ++i)
      for (std::size_t t = 0; t < g[i].tensors.size(); ++t) tensors[i][t].step = g[i].tensors[t].step;
  }
  /// Each tensor alone.
  void step_each() {
    for (std::size_t g = 0; g < specs.size(); ++g)
      for (auto& t : tensors[g]) {
        auto b = t.view();
        fast::step(specs[g], b);
        t.step = b.step;
      }
  }
};

/// Every preset, then the first with weight decay (where the rule has it) and maximize.
template <class Spec>
std::vector<Spec> specs_of() {
  std::vector<Spec> out;
  for (const auto& preset : spec::presets_of(static_cast<const Spec*>(nullptr))) {
    Spec s;
    preset.apply(s);
    out.push_back(s);
  }
  Spec s = out.front();
  if constexpr (requires { s.weight_decay; }) s.weight_decay = 0.01;
  s.maximize = true;
  out.push_back(s);
  return out;
}

template <class Spec, class T>
World<Spec, T> make_world(bool large, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> signed_unit(-1.0, 1.0), unit(0.0, 1.0);
  const auto fill = [&](std::vector<T>& v, std::int64_t n, bool positive) {
    v.resize(static_cast<std::size_t>(n));
    for (T& x : v) x = static_cast<T>(positive ? unit(rng) : signed_unit(rng));
  };
  World<Spec, T> w;
  w.specs = specs_of<Spec>();
  std::vector<std::int64_t> sizes = {0, 1, 7, 33, 1, 5};
  for (std::size_t g = 0; g < w.specs.size(); ++g) {
    if (large && g < 2) sizes = {0, 1, 7, (1 << 15) + 3, 33, 70001};
    else sizes = {0, 1, 7, 33, 1, 5};
    std::vector<OwnedTensor<T>> list;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      OwnedTensor<T> t;
      const std::int64_t n = sizes[i];
      t.step = i % 3 == 0 ? 0 : 5;  // tensors 1 and 2 share a counter (and their per-step scalars)
      fill(t.param, n, false);
      fill(t.grads, (i % 4 == 3 ? 2 : 1) * n, false);  // some take two steps
      t.slots.resize(spec::slots(w.specs[g]).size());
      for (auto& s : t.slots) fill(s, n, true);
      t.scalars.assign(spec::scalar_slots(w.specs[g]).size(), t.step == 0 ? T(1) : T(0.5));
      list.push_back(std::move(t));
    }
    w.tensors.push_back(std::move(list));
  }
  return w;
}

struct ThreadsReset {
  int saved = fast::thread_count();
  ~ThreadsReset() {
    fast::set_thread_count(saved);
    fast::set_grain_limit(0);
  }
};

template <class Spec, class T>
void same_bits_as_each_tensor_alone() {
  const ThreadsReset reset;
  for (const bool large : {false, true}) {
    const auto start = make_world<Spec, T>(large, large ? 7 : 3);
    fast::set_thread_count(1);
    auto expected = start;
    expected.step_each();
    for (std::size_t g = 0; g < start.tensors.size(); ++g)  // the comparison below is not between no-ops
      for (std::size_t t = 0; t < start.tensors[g].size(); ++t)
        if (!start.tensors[g][t].param.empty()) {
          EXPECT_NE(expected.tensors[g][t].param, start.tensors[g][t].param) << "group " << g << " tensor " << t;
        }
    // Grain limit 1 splits even the small world's few dozen elements across threads.
    for (const std::int64_t grain : {0, 1})
      for (const int threads : {1, 2, 3}) {
        fast::set_thread_count(threads);
        fast::set_grain_limit(grain);
        auto got = start;
        got.step_all();
        for (std::size_t g = 0; g < got.tensors.size(); ++g)
          for (std::size_t t = 0; t < got.tensors[g].size(); ++t)
            EXPECT_TRUE(got.tensors[g][t] == expected.tensors[g][t])
                << "group " << g << " tensor " << t << " (size " << got.tensors[g][t].param.size() << "), "
                << threads << " threads, grain limit " << grain << (large ? ", large" : ", small");
      }
  }
}

template <class Spec, class T>
void expect_refused(World<Spec, T> w, const std::string& field_prefix) {
  const auto before = w;
  try {
    w.step_all();
    ADD_FAILURE() << "accepted; expected an error on " << field_prefix;
  } catch (const InvalidInput& e) {
    EXPECT_EQ(e.field().rfind(field_prefix, 0), 0u) << e.what();
  }
  for (std::size_t g = 0; g < w.tensors.size(); ++g)
    for (std::size_t t = 0; t < w.tensors[g].size(); ++t)
      EXPECT_TRUE(w.tensors[g][t] == before.tensors[g][t]) << "group " << g << " tensor " << t << " changed";
}

template <class Spec, class T>
void bad_input_named_and_nothing_changed() {
  const auto start = make_world<Spec, T>(false, 11);

  auto short_param = start;  // param one element short of its gradient and slots
  short_param.tensors[1][2].param.pop_back();
  expect_refused(short_param, "groups[1].tensors[2].");

  auto short_slot = start;  // a state array of the wrong size
  auto& tensor = short_slot.tensors[2][3];
  if (!tensor.slots.empty()) {
    tensor.slots.back().push_back(T(0));
    expect_refused(short_slot, "groups[2].tensors[3].");
  }

  auto bad_spec = start;  // a group's spec
  bad_spec.specs[1].lr = -1.0;
  try {
    Spec s = bad_spec.specs[1];
    spec::validate(s);
  } catch (const InvalidInput& e) {
    expect_refused(bad_spec, "groups[1]." + e.field());
    return;
  }
  ADD_FAILURE() << "lr = -1 accepted by spec::validate";
}

struct RuleCase {
  std::string name;
  void (*same_bits)();
  void (*bad_input)();
};

template <class Spec>
void add(std::vector<RuleCase>& cases) {
  cases.push_back({std::string(Spec::op) + "_float32", same_bits_as_each_tensor_alone<Spec, float>,
                   bad_input_named_and_nothing_changed<Spec, float>});
  cases.push_back({std::string(Spec::op) + "_float64", same_bits_as_each_tensor_alone<Spec, double>,
                   bad_input_named_and_nothing_changed<Spec, double>});
}

std::vector<RuleCase> every_rule() {
  std::vector<RuleCase> cases;
  add<spec::Sgd>(cases);
  add<spec::Adam>(cases);
  add<spec::AdamW>(cases);
  add<spec::Nadam>(cases);
  add<spec::Radam>(cases);
  add<spec::Adamax>(cases);
  add<spec::Lion>(cases);
  add<spec::Adagrad>(cases);
  add<spec::Rmsprop>(cases);
  add<spec::Adadelta>(cases);
  return cases;
}

class MultiTensor : public testing::TestWithParam<RuleCase> {};

TEST_P(MultiTensor, SameBitsAsEachTensorAloneForAnyThreadCount) { GetParam().same_bits(); }
TEST_P(MultiTensor, BadInputNamesItsGroupAndTensorAndChangesNothing) { GetParam().bad_input(); }

INSTANTIATE_TEST_SUITE_P(Rules, MultiTensor, testing::ValuesIn(every_rule()),
                         [](const testing::TestParamInfo<RuleCase>& info) { return info.param.name; });

}  // namespace
}  // namespace gradref::properties
