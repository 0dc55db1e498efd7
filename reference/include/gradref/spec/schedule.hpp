#pragma once
// Learning-rate schedules eta_t for integer step indices t >= 0 (t = 0 is the first
// step: PyTorch's last_epoch 0, optax's and Keras' step 0). Families:
//   constant:      eta0
//   step:          eta0 gamma^floor(t / step_size)                         (PyTorch StepLR)
//   exponential:   eta0 gamma^(t / decay_steps), floor(t / decay_steps) when staircase
//                  (per step: decay_steps 1; per epoch: decay_steps = steps per epoch,
//                  staircase; PyTorch ExponentialLR, Keras ExponentialDecay, optax exponential_decay)
//   inverse_time:  eta0 / (1 + k q), q = t / decay_steps, floor(...) when staircase (Keras InverseTimeDecay)
//   polynomial:    eta0 / (t + b)^p                                         (Robbins & Monro 1951)
//   cosine:        eta_min + (eta0 - eta_min) (1 + cos(pi t_cur / T_i)) / 2  (floor eta_min), or
//                  eta0 ((1 - alpha) (1 + cos(pi t_cur / T_i)) / 2 + alpha)  (floor alpha; Keras, optax)
//                  without restarts T_i = period, t_cur = t, and past the period either the cosine
//                  continues (periodic: PyTorch CosineAnnealingLR's closed form) or the floor holds
//                  (hold: Keras CosineDecay, optax cosine_decay_schedule); with restarts (SGDR,
//                  PyTorch CosineAnnealingWarmRestarts, Keras CosineDecayRestarts) cycle i lasts
//                  T_i = period t_mult^i steps and t_cur counts from its start.
// Linear warmup over warmup_steps W > 0 scales by f(t) = s + (1 - s) t / W for t < W (s the
// start factor; PyTorch LinearLR, optax linear_schedule, Keras' warmup) and composes either
// sequentially (eta_t = eta0 f(t) for t < W, then the schedule at t - W: PyTorch SequentialLR,
// optax join_schedules, Keras CosineDecay's warmup) or by multiplication (eta_t = f(min(t, W))
// times the schedule at t: PyTorch ChainedScheduler).
//
// Robbins-Monro (sum eta_t = inf, sum eta_t^2 < inf) is decided analytically by
// robbins_monro() below; warmup changes finitely many terms and never changes it.
#include <array>
#include <cmath>
#include <cstdint>
#include <string>

#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"
#include "gradref/spec/shape.hpp"

namespace gradref::spec {

enum class ScheduleFamily { constant, step, exponential, inverse_time, polynomial, cosine };
enum class AfterPeriod { periodic, hold };
enum class CosineFloor { eta_min, alpha };
enum class WarmupComposition { sequential, multiply };

inline constexpr std::int64_t largest_schedule_count = std::int64_t{1} << 31;
/// Step indices are integers up to 2^53 (every one is a double).
inline constexpr std::int64_t largest_step_index = std::int64_t{1} << 53;

struct Schedule {
  static constexpr const char* op = "schedule";

  ScheduleFamily family = ScheduleFamily::constant;
  double eta0 = 1e-3;
  double gamma = 0.1;
  std::int64_t step_size = 1;
  std::int64_t decay_steps = 1;
  bool staircase = false;
  double k = 1.0;
  double b = 1.0;
  double p = 1.0;
  std::int64_t period = 1;
  bool restarts = false;
  std::int64_t t_mult = 1;
  AfterPeriod after_period = AfterPeriod::periodic;
  CosineFloor floor = CosineFloor::eta_min;
  double eta_min = 0.0;
  double alpha = 0.0;
  std::int64_t warmup_steps = 0;
  double warmup_start_factor = 0.0;
  WarmupComposition warmup_composition = WarmupComposition::sequential;

  template <class V>
  void describe(V& v) {
    v.choice("family", family,
             std::array{Alternative<ScheduleFamily>{"constant", ScheduleFamily::constant},
                        Alternative<ScheduleFamily>{"step", ScheduleFamily::step},
                        Alternative<ScheduleFamily>{"exponential", ScheduleFamily::exponential},
                        Alternative<ScheduleFamily>{"inverse_time", ScheduleFamily::inverse_time},
                        Alternative<ScheduleFamily>{"polynomial", ScheduleFamily::polynomial},
                        Alternative<ScheduleFamily>{"cosine", ScheduleFamily::cosine}},
             "constant: eta0; step: eta0 gamma^floor(t / step_size); exponential: eta0 gamma^(t / decay_steps); "
             "inverse_time: eta0 / (1 + k t / decay_steps); polynomial: eta0 / (t + b)^p; cosine: annealing "
             "from eta0 to its floor over `period` steps, with or without restarts");
    v.number("eta0", eta0, "the initial (peak) learning rate; finite, > 0");
    v.number("gamma", gamma, "step, exponential: the decay factor; in (0, 1]");
    v.integer("step_size", step_size, "step: steps between decays; in [1, 2^31]");
    v.integer("decay_steps", decay_steps,
              "exponential, inverse_time: the time unit, t is divided by it (Keras decay_steps, optax "
              "transition_steps; steps per epoch for a per-epoch decay); in [1, 2^31]");
    v.flag("staircase", staircase,
           "exponential, inverse_time: floor(t / decay_steps) (a per-epoch decay, Keras staircase=True) "
           "instead of the fraction t / decay_steps");
    v.number("k", k, "inverse_time: the decay rate (Keras decay_rate); finite, >= 0");
    v.number("b", b, "polynomial: the offset; finite, >= 0 (t + b > 0 at every t given)");
    v.number("p", p, "polynomial: the power; finite, >= 0 (Robbins-Monro iff 1/2 < p <= 1)");
    v.integer("period", period,
              "cosine: the half period T_max (PyTorch T_max, Keras and optax decay_steps) or, with restarts, "
              "the first cycle's length T_0 (Keras first_decay_steps); in [1, 2^31]");
    v.flag("restarts", restarts, "cosine: warm restarts (SGDR): cycle i lasts period t_mult^i steps");
    v.integer("t_mult", t_mult, "cosine with restarts: each cycle is t_mult times longer; an integer in [1, 64]");
    v.choice("after_period", after_period,
             std::array{Alternative<AfterPeriod>{"periodic", AfterPeriod::periodic},
                        Alternative<AfterPeriod>{"hold", AfterPeriod::hold}},
             "cosine without restarts, t > period: periodic: the cosine continues and rises again (PyTorch "
             "CosineAnnealingLR); hold: the floor holds (Keras CosineDecay, optax cosine_decay_schedule)");
    v.choice("floor", floor,
             std::array{Alternative<CosineFloor>{"eta_min", CosineFloor::eta_min},
                        Alternative<CosineFloor>{"alpha", CosineFloor::alpha}},
             "cosine: eta_min: eta_min + (eta0 - eta_min) (1 + cos) / 2, an absolute floor (PyTorch); alpha: "
             "eta0 ((1 - alpha) (1 + cos) / 2 + alpha), a floor relative to eta0 (Keras, optax)");
    v.number("eta_min", eta_min, "cosine, floor eta_min: the floor; finite, >= 0");
    v.number("alpha", alpha, "cosine, floor alpha: the floor as a fraction of eta0; in [0, 1]");
    v.integer("warmup_steps", warmup_steps, "linear warmup length W; 0: none; in [0, 2^31]");
    v.number("warmup_start_factor", warmup_start_factor,
             "warmup: the factor s at t = 0, rising linearly to 1 at t = W; in [0, 1]");
    v.choice("warmup_composition", warmup_composition,
             std::array{Alternative<WarmupComposition>{"sequential", WarmupComposition::sequential},
                        Alternative<WarmupComposition>{"multiply", WarmupComposition::multiply}},
             "sequential: eta0 f(t) for t < W, then the schedule at t - W (PyTorch SequentialLR, optax "
             "join_schedules, Keras); multiply: f(min(t, W)) times the schedule at t (PyTorch ChainedScheduler)");
  }
};

inline void require_count(std::int64_t x, std::int64_t lo, std::int64_t hi, const char* field, const char* expected) {
  require(x >= lo && x <= hi, Schedule::op, field, std::to_string(x), expected);
}

inline void validate(const Schedule& s) {
  require(std::isfinite(s.eta0) && s.eta0 > 0, Schedule::op, "eta0", format_double(s.eta0), "a finite number > 0");
  require(s.gamma > 0 && s.gamma <= 1, Schedule::op, "gamma", format_double(s.gamma), "a number in (0, 1]");
  require_count(s.step_size, 1, largest_schedule_count, "step_size", "an integer in [1, 2^31]");
  require_count(s.decay_steps, 1, largest_schedule_count, "decay_steps", "an integer in [1, 2^31]");
  require_finite_at_least(s.k, 0.0, Schedule::op, "k", "a finite number >= 0");
  require_finite_at_least(s.b, 0.0, Schedule::op, "b", "a finite number >= 0");
  require_finite_at_least(s.p, 0.0, Schedule::op, "p", "a finite number >= 0");
  require_count(s.period, 1, largest_schedule_count, "period", "an integer in [1, 2^31]");
  require_count(s.t_mult, 1, 64, "t_mult", "an integer in [1, 64]");
  require_finite_at_least(s.eta_min, 0.0, Schedule::op, "eta_min", "a finite number >= 0");
  require(s.alpha >= 0 && s.alpha <= 1, Schedule::op, "alpha", format_double(s.alpha), "a number in [0, 1]");
  require_count(s.warmup_steps, 0, largest_schedule_count, "warmup_steps", "an integer in [0, 2^31]");
  require(s.warmup_start_factor >= 0 && s.warmup_start_factor <= 1, Schedule::op, "warmup_start_factor",
          format_double(s.warmup_start_factor), "a number in [0, 1]");
}

/// The Robbins-Monro conditions, decided from the family (eta0 > 0 throughout):
/// constant: sum diverges, squares diverge. step, exponential with gamma < 1: both
/// converge (geometric, bounded by eta0 step_size / (1 - gamma) and its square
/// analogue); gamma = 1 is constant. inverse_time with k > 0: eta_t >= c / (t + 1),
/// so the sum diverges, and eta_t <= C / (t + 1) makes the squares converge.
/// polynomial: sum of (t + b)^-p diverges iff p <= 1, of (t + b)^-2p converges iff
/// p > 1/2. cosine: with restarts, or periodic, every cycle contributes at least
/// eta0 / 2 over its first steps: both diverge; hold: eta_t is the floor from the
/// period on, so both diverge for a floor > 0 and both converge for a floor of 0.
/// Warmup changes finitely many terms.
struct RobbinsMonro {
  bool sum_diverges;
  bool squares_converge;
};

inline RobbinsMonro robbins_monro(const Schedule& s) {
  switch (s.family) {
    case ScheduleFamily::constant:
      return {true, false};
    case ScheduleFamily::step:
    case ScheduleFamily::exponential:
      return s.gamma < 1 ? RobbinsMonro{false, true} : RobbinsMonro{true, false};
    case ScheduleFamily::inverse_time:
      return {true, s.k > 0};
    case ScheduleFamily::polynomial:
      return {s.p <= 1, s.p > 0.5};
    case ScheduleFamily::cosine:
      if (!s.restarts && s.after_period == AfterPeriod::hold) {
        const bool floor_zero = s.floor == CosineFloor::eta_min ? s.eta_min == 0 : s.alpha == 0;
        return floor_zero ? RobbinsMonro{false, true} : RobbinsMonro{true, false};
      }
      return {true, false};
  }
  return {true, false};
}

inline bool satisfies_robbins_monro(const Schedule& s) {
  const RobbinsMonro r = robbins_monro(s);
  return r.sum_diverges && r.squares_converge;
}

/// The cycle of step t under cosine: t_cur (steps into the cycle), t_i (its length)
/// and whether t lies at the floor (the periodic trough, or past the period under hold).
struct CosineCycle {
  std::int64_t t_cur = 0;
  std::int64_t t_i = 1;
  bool at_floor = false;
};

inline CosineCycle cosine_cycle(const Schedule& s, std::int64_t t) {
  if (s.restarts) {
    if (s.t_mult == 1) return {t % s.period, s.period, false};
    std::int64_t start = 0, length = s.period;
    while (t - start >= length) {  // at most log2(2^53) cycles: lengths at least double
      start += length;
      length *= s.t_mult;
    }
    return {t - start, length, false};
  }
  if (s.after_period == AfterPeriod::hold) return t >= s.period ? CosineCycle{0, s.period, true} : CosineCycle{t, s.period, false};
  const std::int64_t r = t % (2 * s.period);  // cos(pi t / T) has period 2T
  return r == s.period ? CosineCycle{0, s.period, true} : CosineCycle{r, s.period, false};
}

/// Checks the shape of t, [k] with k >= 1; returns k.
inline std::int64_t schedule_size(const Shape& t) {
  if (t.size() != 1 || t[0] < 1)
    throw InvalidInput(Schedule::op, "t.shape", shape_text(t), "[k] with k >= 1 (one step index per entry)");
  return t[0];
}

/// Checks a step index: an integer in [0, 2^53] with t + b > 0 under polynomial.
inline void check_step_index(const Schedule& s, double t, std::size_t i, const std::string& text) {
  const std::string field = "t[" + std::to_string(i) + "]";
  if (!(t >= 0 && t <= static_cast<double>(largest_step_index) && std::floor(t) == t))
    throw InvalidInput(Schedule::op, field, text, "an integer step index in [0, 2^53]");
  if (s.family == ScheduleFamily::polynomial && t + s.b == 0)
    throw InvalidInput(Schedule::op, field, text, "t + b > 0 under polynomial (t >= 1 when b = 0)");
}

/// PyTorch, Keras and optax classes as presets (each with the arguments the class
/// requires filled in with a typical value, named in `source`), and the textbook
/// Robbins-Monro step eta0 / (t + 1).
inline constexpr std::array<Preset<Schedule>, 11> schedule_presets{{
    {"textbook", "Robbins & Monro 1951: eta_t = eta0 / (t + 1), sum diverges, squares converge; eta0 0.1",
     [](Schedule& s) {
       s = Schedule{};
       s.family = ScheduleFamily::polynomial;
       s.eta0 = 0.1;
     }},
    {"pytorch_step_lr",
     "torch/optim/lr_scheduler.py StepLR (PyTorch 2.15): lr gamma^(last_epoch // step_size), gamma 0.1; "
     "step_size (required) 30, lr 0.1",
     [](Schedule& s) {
       s = Schedule{};
       s.family = ScheduleFamily::step;
       s.eta0 = 0.1;
       s.step_size = 30;
     }},
    {"pytorch_exponential_lr",
     "torch/optim/lr_scheduler.py ExponentialLR (PyTorch 2.15): lr gamma^last_epoch; gamma (required) 0.9, lr 0.1",
     [](Schedule& s) {
       s = Schedule{};
       s.family = ScheduleFamily::exponential;
       s.eta0 = 0.1;
       s.gamma = 0.9;
     }},
    {"pytorch_cosine_annealing_lr",
     "torch/optim/lr_scheduler.py CosineAnnealingLR._get_closed_form_lr (PyTorch 2.15): eta_min + (base_lr - "
     "eta_min) (1 + cos(pi last_epoch / T_max)) / 2, not clamped past T_max; eta_min 0; T_max (required) 100, lr 0.1",
     [](Schedule& s) {
       s = Schedule{};
       s.family = ScheduleFamily::cosine;
       s.eta0 = 0.1;
       s.period = 100;
     }},
    {"pytorch_cosine_warm_restarts",
     "torch/optim/lr_scheduler.py CosineAnnealingWarmRestarts (PyTorch 2.15): T_cur, T_i *= T_mult at each "
     "restart; T_mult 1, eta_min 0; T_0 (required) 10, lr 0.1",
     [](Schedule& s) {
       s = Schedule{};
       s.family = ScheduleFamily::cosine;
       s.eta0 = 0.1;
       s.period = 10;
       s.restarts = true;
     }},
    {"pytorch_linear_lr",
     "torch/optim/lr_scheduler.py LinearLR (PyTorch 2.15): start_factor 1/3, end_factor 1, total_iters 5, "
     "multiplying a constant lr 0.1",
     [](Schedule& s) {
       s = Schedule{};
       s.eta0 = 0.1;
       s.warmup_steps = 5;
       s.warmup_start_factor = 1.0 / 3.0;
       s.warmup_composition = WarmupComposition::multiply;
     }},
    {"keras_exponential_decay",
     "keras/src/optimizers/schedules/learning_rate_schedule.py ExponentialDecay (Keras 3, keras-team/keras 3422977a): initial * rate^(step / "
     "decay_steps), floor when staircase; staircase False; (required) initial 0.1, decay_steps 1000, rate 0.96",
     [](Schedule& s) {
       s = Schedule{};
       s.family = ScheduleFamily::exponential;
       s.eta0 = 0.1;
       s.gamma = 0.96;
       s.decay_steps = 1000;
     }},
    {"keras_inverse_time_decay",
     "keras/src/optimizers/schedules/learning_rate_schedule.py InverseTimeDecay (Keras 3): initial / (1 + rate "
     "step / decay_steps); staircase False; (required) initial 0.1, decay_steps 1000, rate 0.5",
     [](Schedule& s) {
       s = Schedule{};
       s.family = ScheduleFamily::inverse_time;
       s.eta0 = 0.1;
       s.k = 0.5;
       s.decay_steps = 1000;
     }},
    {"keras_cosine_decay",
     "keras/src/optimizers/schedules/learning_rate_schedule.py CosineDecay (Keras 3): step clamped at "
     "decay_steps, initial ((1 - alpha) 0.5 (1 + cos(pi step / decay_steps)) + alpha); alpha 0, no warmup; "
     "(required) initial 0.1, decay_steps 1000",
     [](Schedule& s) {
       s = Schedule{};
       s.family = ScheduleFamily::cosine;
       s.eta0 = 0.1;
       s.period = 1000;
       s.after_period = AfterPeriod::hold;
       s.floor = CosineFloor::alpha;
     }},
    {"keras_cosine_decay_restarts",
     "keras/src/optimizers/schedules/learning_rate_schedule.py CosineDecayRestarts (Keras 3): t_mul 2, m_mul 1, "
     "alpha 0; (required) initial 0.1, first_decay_steps 1000",
     [](Schedule& s) {
       s = Schedule{};
       s.family = ScheduleFamily::cosine;
       s.eta0 = 0.1;
       s.period = 1000;
       s.restarts = true;
       s.t_mult = 2;
       s.floor = CosineFloor::alpha;
     }},
    {"optax_warmup_cosine_decay",
     "optax/schedules/_schedule.py warmup_cosine_decay_schedule (optax 0.2.9.dev, google-deepmind/optax 2edbcbe2): linear_schedule(init, peak, "
     "warmup_steps) joined at warmup_steps with cosine_decay_schedule(peak, decay_steps - warmup_steps, alpha = "
     "end / peak), count clamped; exponent 1; (required) init 0, peak 0.1, warmup 100, decay_steps 1000, end 0",
     [](Schedule& s) {
       s = Schedule{};
       s.family = ScheduleFamily::cosine;
       s.eta0 = 0.1;
       s.period = 900;
       s.after_period = AfterPeriod::hold;
       s.floor = CosineFloor::alpha;
       s.warmup_steps = 100;
     }},
}};
inline const auto& presets_of(const Schedule*) { return schedule_presets; }

}  // namespace gradref::spec
