// Catalog entry for the learning-rate schedules.
#include <algorithm>
#include <cmath>
#include <optional>

#include "case_edits.hpp"
#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/generators.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/fast/schedules/schedule.hpp"
#include "gradref/reference/schedules/schedule.hpp"

namespace gradref::catalog {
namespace {

using spec::Schedule;
using spec::ScheduleFamily;

Schedule spec_of(const Case& c) { return spec_from_json<Schedule>(c.spec, ""); }

Array<Real> flag(bool x) { return Array<Real>(Shape{}, Real(x ? 1 : 0)); }

NamedArrays<Real> run_reference(const Case& c) {
  auto r = reference::schedule(spec_of(c), input(c, "t"));
  NamedArrays<Real> out;
  out.emplace("eta", std::move(r.eta));
  out.emplace("sum_diverges", flag(r.robbins_monro.sum_diverges));
  out.emplace("squares_converge", flag(r.robbins_monro.squares_converge));
  return out;
}

NamedArrays<Real> run_error_model(const Case& c, Dtype dtype) {
  ScopedPrecision precision(default_bits);
  ScopedRoundingModel model(fast_rounding_model());
  auto r = reference::schedule(spec_of(c), tracked(input(c, "t"), dtype));
  NamedArrays<Real> out;
  out.emplace("eta", errors_of(r.eta));
  out.emplace("sum_diverges", flag(false));  // decided, not computed: no error
  out.emplace("squares_converge", flag(false));
  return out;
}

/// The fast kernel under spec `s` on the step indices `steps`.
template <class T>
NamedArrays<double> fast_with(const Schedule& s, const std::vector<T>& steps) {
  std::vector<T> eta(steps.size());
  fast::schedule<T>(s, steps, eta);
  const spec::RobbinsMonro rm = spec::robbins_monro(s);
  NamedArrays<double> out;
  out.emplace("eta", widened<T>(Shape{static_cast<std::int64_t>(steps.size())}, eta));
  out.emplace("sum_diverges", Array<double>(Shape{}, std::vector<double>{rm.sum_diverges ? 1.0 : 0.0}));
  out.emplace("squares_converge", Array<double>(Shape{}, std::vector<double>{rm.squares_converge ? 1.0 : 0.0}));
  return out;
}

/// The fast kernel on `c` under spec `s`, with every step index moved by `shift`.
NamedArrays<double> fast_on(const Schedule& s, const Case& c, Dtype dtype, std::int64_t shift = 0) {
  spec::schedule_size(input(c, "t").shape());
  return with_dtype(dtype, [&](auto zero) {
    using T = decltype(zero);
    std::vector<T> steps = exact_values<T>(input(c, "t"), Schedule::op, "t");
    for (T& x : steps) x = static_cast<T>(static_cast<double>(x) + static_cast<double>(shift));
    return fast_with<T>(s, steps);
  });
}

NamedArrays<double> run_fast(const Case& c, Dtype dtype) { return fast_on(spec_of(c), c, dtype); }

/// How a generated spec is drawn; each member fixed when set.
struct SpecChoice {
  std::optional<ScheduleFamily> family;
  std::optional<bool> staircase;
  std::optional<bool> restarts;
  std::optional<spec::AfterPeriod> after_period;
  std::optional<spec::CosineFloor> floor;
  std::optional<bool> warmup;
  std::optional<spec::WarmupComposition> composition;
  rc::Gen<std::int64_t> decay_steps = rc::gen::element<std::int64_t>(1, 2, 3, 10, 100, 1000);
  rc::Gen<std::int64_t> t_mult = rc::gen::element<std::int64_t>(1, 1, 2, 3);
};

Schedule draw_spec(const SpecChoice& choice) {
  Schedule s;
  s.family = choice.family ? *choice.family
                           : *rc::gen::element(ScheduleFamily::constant, ScheduleFamily::step, ScheduleFamily::exponential,
                                               ScheduleFamily::inverse_time, ScheduleFamily::polynomial,
                                               ScheduleFamily::cosine);
  s.eta0 = *rc::gen::element(1e-3, 0.1, 1.0, 0.01, 0.5, 3e-4, 2.5);
  s.gamma = *rc::gen::element(0.1, 0.5, 0.9, 0.99, 0.999, 1.0, 0.96);
  s.step_size = *rc::gen::element<std::int64_t>(1, 2, 3, 7, 30);
  s.decay_steps = *choice.decay_steps;
  s.staircase = choice.staircase ? *choice.staircase : *rc::gen::arbitrary<bool>();
  s.k = *rc::gen::element(0.0, 0.5, 1e-3, 1.0, 0.1, 3.0);
  s.b = *rc::gen::element(1.0, 0.5, 10.0, 0.0, 2.0, 1e-3);
  s.p = *rc::gen::element(0.0, 0.3, 0.4, 0.5, 0.51, 0.75, 1.0, 1.5, 2.0);
  s.period = *rc::gen::element<std::int64_t>(1, 2, 5, 10, 100, 1000);
  s.restarts = choice.restarts ? *choice.restarts : *rc::gen::arbitrary<bool>();
  s.t_mult = *choice.t_mult;
  s.after_period = choice.after_period ? *choice.after_period
                                       : *rc::gen::element(spec::AfterPeriod::periodic, spec::AfterPeriod::hold);
  s.floor = choice.floor ? *choice.floor : *rc::gen::element(spec::CosineFloor::eta_min, spec::CosineFloor::alpha);
  s.eta_min = s.eta0 * *rc::gen::element(0.0, 0.01, 0.1, 0.5);  // not always a double apart from eta0
  s.alpha = *rc::gen::element(0.0, 0.01, 0.1, 0.5);
  const bool warmup = choice.warmup ? *choice.warmup : *rc::gen::weightedElement<bool>({{2, false}, {1, true}});
  s.warmup_steps = warmup ? *rc::gen::element<std::int64_t>(1, 2, 5, 10, 100) : 0;
  s.warmup_start_factor = *rc::gen::element(0.0, 1.0 / 3.0, 0.1, 0.5, 1.0);
  s.warmup_composition = choice.composition ? *choice.composition
                                            : *rc::gen::element(spec::WarmupComposition::sequential,
                                                                spec::WarmupComposition::multiply);
  return s;
}

/// Step indices: small, up to 2000, up to 10^6 (exact in float32), and next to the
/// spec's boundaries (multiples of step_size, decay_steps, the period; the end of warmup).
rc::Gen<std::int64_t> steps(const Schedule& s) {
  const std::int64_t w = s.warmup_steps;
  const auto near = rc::gen::exec([s, w] {
    const std::int64_t unit = *rc::gen::element(s.step_size, s.decay_steps, s.period, 2 * s.period,
                                                s.period * (1 + s.t_mult));
    const std::int64_t at = w + unit * *rc::gen::inRange<std::int64_t>(0, 4) + *rc::gen::inRange<std::int64_t>(-1, 2);
    return std::max<std::int64_t>(at, 0);
  });
  return rc::gen::weightedOneOf<std::int64_t>({
      {4, rc::gen::inRange<std::int64_t>(0, 41)},
      {2, rc::gen::inRange<std::int64_t>(0, 2001)},
      {1, rc::gen::inRange<std::int64_t>(0, 1000001)},
      {3, near},
  });
}

rc::Gen<Case> case_with(const Schedule& s) {
  return rc::gen::exec([s] {
    const std::int64_t k = *rc::gen::inRange<std::int64_t>(1, 17);
    std::vector<double> t;
    for (std::int64_t i = 0; i < k; ++i) {
      std::int64_t n = *steps(s);
      if (s.family == ScheduleFamily::polynomial && s.b == 0) n = std::max<std::int64_t>(n, 1);  // t + b > 0
      t.push_back(static_cast<double>(n));
    }
    Case c{Schedule::op, spec_to_json(s), {}};
    c.inputs.emplace("t", gen::real_array({k}, t));
    return c;
  });
}

rc::Gen<Case> generate_with(SpecChoice choice) {
  return rc::gen::exec([choice] { return *case_with(draw_spec(choice)); });
}

/// Every family under every convention, with and without warmup. Step indices are
/// integers up to 10^6 + 3000, exact in float32 and float64 alike.
rc::Gen<Case> generate(Dtype) { return generate_with({}); }

Case base_case() {
  Case c{Schedule::op, spec_to_json(Schedule{}), {}};
  c.inputs.emplace("t", gen::real_array({3}, {0, 1, 10}));
  return c;
}

std::vector<InvalidCase> invalid_cases() {
  const double nan = std::nan("");
  const double inf = INFINITY;
  const Case b = base_case();
  const Case poly = with_spec(b, "family", "polynomial");
  return {
      {"unknown family", with_spec(b, "family", "linear"), "family"},
      {"unknown after_period", with_spec(b, "after_period", "clamp"), "after_period"},
      {"unknown floor", with_spec(b, "floor", "relative"), "floor"},
      {"unknown warmup_composition", with_spec(b, "warmup_composition", "chained"), "warmup_composition"},
      {"unknown field", with_spec(b, "lr", 0.1), "lr"},
      {"staircase not a flag", with_spec(b, "staircase", "yes"), "staircase"},
      {"eta0 = 0", with_spec(b, "eta0", 0.0), "eta0"},
      {"negative eta0", with_spec(b, "eta0", -0.1), "eta0"},
      {"eta0 = inf", with_spec(b, "eta0", "inf"), "eta0"},
      {"eta0 = nan", with_spec(b, "eta0", "nan"), "eta0"},
      {"gamma = 0", with_spec(b, "gamma", 0.0), "gamma"},
      {"gamma > 1", with_spec(b, "gamma", 1.5), "gamma"},
      {"step_size = 0", with_spec(b, "step_size", 0), "step_size"},
      {"step_size not an integer", with_spec(b, "step_size", 2.5), "step_size"},
      {"decay_steps = 0", with_spec(b, "decay_steps", 0), "decay_steps"},
      {"negative k", with_spec(b, "k", -1.0), "k"},
      {"negative b", with_spec(b, "b", -1.0), "b"},
      {"negative p", with_spec(b, "p", -0.5), "p"},
      {"p = inf", with_spec(b, "p", "inf"), "p"},
      {"period = 0", with_spec(b, "period", 0), "period"},
      {"period above 2^31", with_spec(b, "period", std::int64_t{1} << 32), "period"},
      {"t_mult = 0", with_spec(b, "t_mult", 0), "t_mult"},
      {"t_mult = 65", with_spec(b, "t_mult", 65), "t_mult"},
      {"t_mult not an integer (Keras takes 1.5)", with_spec(b, "t_mult", 1.5), "t_mult"},
      {"negative eta_min", with_spec(b, "eta_min", -1e-3), "eta_min"},
      {"alpha > 1", with_spec(b, "alpha", 1.5), "alpha"},
      {"negative warmup_steps", with_spec(b, "warmup_steps", -1), "warmup_steps"},
      {"warmup_start_factor > 1", with_spec(b, "warmup_start_factor", 1.5), "warmup_start_factor"},
      {"negative warmup_start_factor", with_spec(b, "warmup_start_factor", -0.5), "warmup_start_factor"},
      {"t missing", without_input(b, "t"), "inputs.t"},
      {"t of rank 2", with_input(b, "t", {1, 3}, {0, 1, 2}), "t.shape"},
      {"t a scalar", with_input(b, "t", {}, {3}), "t.shape"},
      {"t empty", with_input(b, "t", {0}, {}), "t.shape"},
      {"negative t", with_input(b, "t", {3}, {0, -1, 2}), "t[1]"},
      {"fractional t (PyTorch's epoch + i / iters)", with_input(b, "t", {3}, {0, 1.5, 2}), "t[1]"},
      {"t = nan", with_input(b, "t", {3}, {0, 1, nan}), "t[2]"},
      {"t = inf", with_input(b, "t", {3}, {inf, 1, 2}), "t[0]"},
      {"t above 2^53", with_input(b, "t", {2}, {0, 0x1p54}), "t[1]"},
      {"t + b = 0 under polynomial", with_input(with_spec(poly, "b", 0.0), "t", {3}, {1, 0, 2}), "t[1]"},
  };
}

/// Each bug as the fast kernel under an edited spec or shifted step indices.
WrongVariant edited(const char* name, const char* description, SpecChoice choice, void (*edit)(Schedule&),
                    std::int64_t shift = 0) {
  return {name, description, [choice](Dtype) { return generate_with(choice); },
          [edit, shift](const Case& c, Dtype dtype) {
            Schedule s = spec_of(c);
            edit(s);
            return fast_on(s, c, dtype, shift);
          }};
}

std::vector<WrongVariant> wrong_variants() {
  const auto family = [](ScheduleFamily f) {
    SpecChoice c;
    c.family = f;
    return c;
  };
  SpecChoice decaying;
  decaying.decay_steps = rc::gen::element<std::int64_t>(2, 3, 10, 100);
  SpecChoice exp_staircase = decaying, exp_fraction = decaying, inv_time = decaying;
  exp_staircase.family = exp_fraction.family = ScheduleFamily::exponential;
  exp_staircase.staircase = true;
  exp_fraction.staircase = false;
  inv_time.family = ScheduleFamily::inverse_time;
  SpecChoice periodic = family(ScheduleFamily::cosine), hold = periodic;
  periodic.restarts = hold.restarts = false;
  periodic.after_period = spec::AfterPeriod::periodic;
  hold.after_period = spec::AfterPeriod::hold;
  SpecChoice restarts = family(ScheduleFamily::cosine);
  restarts.restarts = true;
  SpecChoice growing = restarts;
  growing.t_mult = rc::gen::element<std::int64_t>(2, 3);
  SpecChoice by_eta_min = family(ScheduleFamily::cosine), by_alpha = by_eta_min;
  by_eta_min.floor = spec::CosineFloor::eta_min;
  by_alpha.floor = spec::CosineFloor::alpha;
  SpecChoice sequential, multiply;
  sequential.warmup = multiply.warmup = true;
  sequential.composition = spec::WarmupComposition::sequential;
  multiply.composition = spec::WarmupComposition::multiply;
  SpecChoice warm;
  warm.warmup = true;
  const SpecChoice stepped = family(ScheduleFamily::step);
  const SpecChoice poly = family(ScheduleFamily::polynomial);
  return {
      edited("counter_from_one", "step decay evaluated at t + 1 (a 1-based counter)", stepped, [](Schedule&) {}, 1),
      edited("cosine_counter_from_one", "cosine evaluated at t + 1", family(ScheduleFamily::cosine), [](Schedule&) {}, 1),
      edited("polynomial_counter_from_one", "polynomial evaluated at t + 1", poly, [](Schedule&) {}, 1),
      edited("warmup_counter_from_one", "warmup and schedule evaluated at t + 1", warm, [](Schedule&) {}, 1),
      edited("staircase_ignored", "exponential: gamma^(t / decay_steps) where the spec asks for floor (per epoch)",
             exp_staircase, [](Schedule& s) { s.staircase = false; }),
      edited("staircase_added", "exponential: floor(t / decay_steps) where the spec asks for the fraction",
             exp_fraction, [](Schedule& s) { s.staircase = true; }),
      edited("inverse_time_staircase_flipped", "inverse_time with the staircase convention flipped", inv_time,
             [](Schedule& s) { s.staircase = !s.staircase; }),
      edited("inverse_time_without_decay_steps", "inverse_time: eta0 / (1 + k t), t not divided by decay_steps (Keras divides)",
             inv_time, [](Schedule& s) { s.decay_steps = 1; }),
      edited("periodic_as_hold", "cosine past the period holds the floor where the spec continues the cosine (PyTorch)",
             periodic, [](Schedule& s) { s.after_period = spec::AfterPeriod::hold; }),
      edited("hold_as_periodic", "cosine past the period rises again where the spec holds the floor (Keras, optax)",
             hold, [](Schedule& s) { s.after_period = spec::AfterPeriod::periodic; }),
      edited("restarts_dropped", "cosine without the warm restarts the spec asks for", restarts,
             [](Schedule& s) { s.restarts = false; }),
      edited("restarts_added", "cosine with warm restarts where the spec has none", periodic,
             [](Schedule& s) { s.restarts = true; }),
      edited("t_mult_ignored", "warm restarts: every cycle as long as the first", growing, [](Schedule& s) { s.t_mult = 1; }),
      edited("eta_min_read_as_alpha", "cosine: the absolute floor eta_min read as a fraction of eta0", by_eta_min,
             [](Schedule& s) {
               s.floor = spec::CosineFloor::alpha;
               s.alpha = std::min(s.eta_min, 1.0);
             }),
      edited("alpha_read_as_eta_min", "cosine: the relative floor alpha read as an absolute eta_min", by_alpha,
             [](Schedule& s) {
               s.floor = spec::CosineFloor::eta_min;
               s.eta_min = s.alpha;
             }),
      edited("sequential_as_multiply", "warmup multiplying the schedule at t where the spec runs it after warmup",
             sequential, [](Schedule& s) { s.warmup_composition = spec::WarmupComposition::multiply; }),
      edited("multiply_as_sequential", "warmup followed by the schedule at t - W where the spec multiplies",
             multiply, [](Schedule& s) { s.warmup_composition = spec::WarmupComposition::sequential; }),
      {"float32_arithmetic", "a float64 kernel that computes in float32", [](Dtype) { return generate_with({}); },
       [](const Case& c, Dtype) { return fast_on(spec_of(c), c, Dtype::float32); }, {Dtype::float64}},
  };
}

}  // namespace

const Entry& schedule_entry() {
  static const Entry entry{
      .name = Schedule::op,
      .kind = "schedule",
      .summary = "learning-rate schedule eta_t: constant, step, exponential, inverse time, polynomial, cosine with or "
                 "without warm restarts, linear warmup; and whether it satisfies the Robbins-Monro conditions",
      .doc = "schedules/schedule.md",
      .fields = fields_of<Schedule>(),
      .presets = presets_of_spec<Schedule>(),
      .inputs = {{"t", "[k]", "step indices, integers in [0, 2^53] (t = 0 is the first step)", true}},
      .outputs = {{"eta", "[k]", "the learning rate at each step index"},
                  {"sum_diverges", "[]", "1 if sum over t of eta_t is infinite, else 0 (decided analytically)"},
                  {"squares_converge", "[]", "1 if sum over t of eta_t^2 is finite, else 0 (decided analytically)"}},
      .make_spec = make_spec_json<Schedule>,
      .reference = run_reference,
      .fast = run_fast,
      .error_bound = run_error_model,
      .generator = generate,
      .derivative_generator = {},
      .invalid_cases = invalid_cases,
      .wrong_variants = wrong_variants(),
      .gradients = {},
      .deviations =
          {{"fractional steps", "PyTorch's CosineAnnealingWarmRestarts.step(epoch + i / iters) and Keras take a "
                                "fractional step; gradref's step indices are integers"},
           {"Keras CosineDecayRestarts m_mul and a fractional t_mul",
            "not modelled: m_mul is 1 and t_mul an integer (Keras' float log also places restarts by rounding)"},
           {"optax cosine exponent", "optax's cosine_decay_schedule exponent (cosine^exponent) is 1 here"},
           {"recursive forms", "PyTorch's chainable get_lr (CosineAnnealingLR's recursion, LinearLR's ratios) has the "
                               "closed form's exact values; its rounding errors accumulate over steps and are not "
                               "modelled: compare against _get_closed_form_lr, or with a looser tolerance"},
           {"warmup start", "Keras and optax warm up linearly from an initial value v to the peak; here from s eta0, "
                            "the same when s = v / eta0 exactly (v = 0 in particular)"}},
  };
  return entry;
}

}  // namespace gradref::catalog
