// Fast learning-rate schedule: the reference's operations (schedule_impl.hpp) in
// T, one element at a time; integer parts in integers; pow and cos from the C library.
#include "gradref/fast/schedules/schedule.hpp"

#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>

namespace gradref::fast {
namespace {

template <class T>
T count(std::int64_t x) {
  return static_cast<T>(static_cast<double>(x));
}

template <class T>
T decayed(const spec::Schedule& s, std::int64_t m) {
  using spec::ScheduleFamily;
  const T eta0 = static_cast<T>(s.eta0);
  const auto time = [&] { return s.staircase ? count<T>(m / s.decay_steps) : count<T>(m) / count<T>(s.decay_steps); };
  switch (s.family) {
    case ScheduleFamily::constant:
      return eta0;
    case ScheduleFamily::step:
      return eta0 * std::pow(static_cast<T>(s.gamma), count<T>(m / s.step_size));
    case ScheduleFamily::exponential:
      return eta0 * std::pow(static_cast<T>(s.gamma), time());
    case ScheduleFamily::inverse_time:
      return eta0 / (T(1) + static_cast<T>(s.k) * time());
    case ScheduleFamily::polynomial:
      return eta0 / std::pow(count<T>(m) + static_cast<T>(s.b), static_cast<T>(s.p));
    case ScheduleFamily::cosine: {
      const spec::CosineCycle cycle = spec::cosine_cycle(s, m);
      const T pi = static_cast<T>(std::numbers::pi);
      const T one_plus_cos = cycle.at_floor ? T(0) : T(1) + std::cos(pi * count<T>(cycle.t_cur) / count<T>(cycle.t_i));
      const T eta_min = static_cast<T>(s.eta_min), alpha = static_cast<T>(s.alpha);
      if (s.floor == spec::CosineFloor::eta_min) return eta_min + (eta0 - eta_min) * one_plus_cos / T(2);
      return eta0 * ((T(1) - alpha) * (T(0.5) * one_plus_cos) + alpha);
    }
  }
  return eta0;
}

template <class T>
T eta_at(const spec::Schedule& s, std::int64_t n) {
  const std::int64_t w = s.warmup_steps;
  const bool sequential = s.warmup_composition == spec::WarmupComposition::sequential;
  if (n >= w) return decayed<T>(s, sequential ? n - w : n);
  const T start = static_cast<T>(s.warmup_start_factor);
  const T f = start + (T(1) - start) * count<T>(n) / count<T>(w);
  return (sequential ? static_cast<T>(s.eta0) : decayed<T>(s, n)) * f;
}

}  // namespace

template <class T>
void schedule(const spec::Schedule& s, std::span<const T> t, std::span<T> eta) {
  spec::validate(s);
  spec::schedule_size(Shape{static_cast<std::int64_t>(t.size())});
  for (std::size_t i = 0; i < t.size(); ++i) {
    spec::check_step_index(s, static_cast<double>(t[i]), i, std::to_string(t[i]));
    eta[i] = eta_at<T>(s, static_cast<std::int64_t>(t[i]));
  }
}

template void schedule<float>(const spec::Schedule&, std::span<const float>, std::span<float>);
template void schedule<double>(const spec::Schedule&, std::span<const double>, std::span<double>);

}  // namespace gradref::fast
