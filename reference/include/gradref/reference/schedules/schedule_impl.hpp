#pragma once
// Definition of reference::schedule (instantiated in reference/src).
//
// Integer parts (floor(t / step_size), the cosine cycle, t - W) are computed in
// integers, exactly, as the fast kernel does. Every other quantity is a value of T
// formed in the fast kernel's order; a spec constant or an integer enters as
// `held(x, t)`: the exact double x, held by a float32 (bfloat16) kernel as x rounded
// to float32 (bfloat16), the distance counted as its error; by a float64 kernel exactly.
//   step:         eta0 * pow(gamma, j)           j = t / step_size (integer division, then held)
//   exponential:  eta0 * pow(gamma, q)           q = staircase ? held(t / d) : held(t) / held(d)
//   inverse_time: eta0 / (1 + k * q)
//   polynomial:   eta0 / pow(t + b, p)
//   cosine:       c = 1 + cos((pi * t_cur) / t_i), 0 at the floor
//                 eta_min floor: eta_min + ((eta0 - eta_min) * c) / 2
//                 alpha floor:   eta0 * ((1 - alpha) * (0.5 * c) + alpha)
//   warmup:       f = s + ((1 - s) * t) / W;  sequential: eta0 * f;  multiply: schedule * f
#include <cstdint>
#include <string>

#include "gradref/reference/math.hpp"
#include "gradref/reference/real.hpp"
#include "gradref/reference/schedules/schedule.hpp"
#include "gradref/reference/tracked.hpp"
#include "gradref/reference/tracked_trig.hpp"

namespace gradref::reference {
namespace detail {

inline Real held(double x, const Real&) { return exact(x); }
inline Tracked held(double x, const Tracked& like) { return Tracked::held_in(exact(x), like.format()); }

/// pi at the working precision; a kernel holds the double pi, rounded to its format.
inline Real held_pi(const Real&) { return 4 * atan(Real(1)); }
inline Tracked held_pi(const Tracked& like) {
  const Real pi = 4 * atan(Real(1));
  const Real kernel = rounded_to(exact(round_to_double(pi)), like.format());
  return Tracked(pi, abs(kernel - pi), like.format());
}

inline const Real& exact_of(const Real& x) { return x; }
inline const Real& exact_of(const Tracked& x) { return x.value(); }

/// The schedule without warmup at step m; `like` gives the kernel's format.
template <class T>
T decayed(const spec::Schedule& s, std::int64_t m, const T& like) {
  using spec::ScheduleFamily;
  const auto c = [&like](double x) { return held(x, like); };
  const auto count = [&c](std::int64_t x) { return c(static_cast<double>(x)); };
  const T eta0 = c(s.eta0);
  const auto time = [&] { return s.staircase ? count(m / s.decay_steps) : count(m) / count(s.decay_steps); };
  switch (s.family) {
    case ScheduleFamily::constant:
      return eta0;
    case ScheduleFamily::step:
      return eta0 * pow(c(s.gamma), count(m / s.step_size));
    case ScheduleFamily::exponential:
      return eta0 * pow(c(s.gamma), time());
    case ScheduleFamily::inverse_time:
      return eta0 / (c(1.0) + c(s.k) * time());
    case ScheduleFamily::polynomial:
      return eta0 / pow(count(m) + c(s.b), c(s.p));
    case ScheduleFamily::cosine: {
      const spec::CosineCycle cycle = spec::cosine_cycle(s, m);
      const T one_plus_cos = cycle.at_floor ? c(0.0) : c(1.0) + cos(held_pi(like) * count(cycle.t_cur) / count(cycle.t_i));
      if (s.floor == spec::CosineFloor::eta_min) return c(s.eta_min) + (eta0 - c(s.eta_min)) * one_plus_cos / c(2.0);
      return eta0 * ((c(1.0) - c(s.alpha)) * (c(0.5) * one_plus_cos) + c(s.alpha));
    }
  }
  return eta0;
}

/// The schedule at step n, warmup included.
template <class T>
T eta_at(const spec::Schedule& s, std::int64_t n, const T& like) {
  const std::int64_t w = s.warmup_steps;
  if (n >= w) return decayed(s, s.warmup_composition == spec::WarmupComposition::sequential ? n - w : n, like);
  const auto c = [&like](double x) { return held(x, like); };
  const T start = c(s.warmup_start_factor);
  const T f = start + (c(1.0) - start) * c(static_cast<double>(n)) / c(static_cast<double>(w));
  return (s.warmup_composition == spec::WarmupComposition::sequential ? c(s.eta0) : decayed(s, n, like)) * f;
}

}  // namespace detail

template <class T>
ScheduleResult<T> schedule(const spec::Schedule& s, const Array<T>& t) {
  validate(s);
  spec::schedule_size(t.shape());
  Array<T> eta(t.shape(), T(0.0));
  for (std::int64_t i = 0; i < t.size(); ++i) {
    const Real& x = detail::exact_of(t[i]);
    const bool integral = !isnan(x) && !isinf(x) && floor(x) == x && abs(x) <= Real(9007199254740992.0);
    const double value = integral ? x.convert_to<double>() : -1.0;
    spec::check_step_index(s, value, static_cast<std::size_t>(i), to_decimal(x, 20));
    eta[i] = detail::eta_at(s, static_cast<std::int64_t>(value), t[i]);
  }
  return {std::move(eta), spec::robbins_monro(s)};
}

}  // namespace gradref::reference
