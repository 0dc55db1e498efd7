#pragma once
// GAN objectives for an affine generator G(z) = A z + c and a discriminator on
// R^d: logistic D(x) = sigmoid(w . x + b), or the affine critic f(x) = w . x + b
// of WGAN. With real samples x_1..x_M (rows of x [M, d]), noise z_1..z_M (rows of
// z [M, k]), t_i = w . x_i + b and s_j = w . G(z_j) + b:
//   minimax           V = (1/M) sum_i log D(x_i) + (1/M) sum_j log(1 - D(G(z_j)))
//                       = -(1/M) sum_i softplus(-t_i) - (1/M) sum_j softplus(s_j)
//   non_saturating    -(1/M) sum_j log D(G(z_j)) = (1/M) sum_j softplus(-s_j)
//   wgan_critic       (1/M) sum_j f(G(z_j)) - (1/M) sum_i f(x_i)   (the critic minimizes it)
//   gradient_penalty  (lambda/M) sum_i (||grad_x D(xhat_i)||_2 - 1)^2,
//                     xhat_i = a_i x_i + (1 - a_i) G(z_i)
// Each with its gradient with respect to w, b, A and c. The checks here are shared
// by the reference and by every caller (the GAN dynamics).
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>

#include "gradref/spec/bce.hpp"  // require_values_in, largest_double
#include "gradref/spec/fields.hpp"
#include "gradref/spec/preset.hpp"
#include "gradref/spec/shape.hpp"

namespace gradref::spec {

enum class GanObjective { minimax, non_saturating, wgan_critic, gradient_penalty };
enum class GanDiscriminator { logistic, affine };

inline constexpr std::array gan_objectives{
    Alternative<GanObjective>{"minimax", GanObjective::minimax},
    Alternative<GanObjective>{"non_saturating", GanObjective::non_saturating},
    Alternative<GanObjective>{"wgan_critic", GanObjective::wgan_critic},
    Alternative<GanObjective>{"gradient_penalty", GanObjective::gradient_penalty}};

inline constexpr std::array gan_discriminators{
    Alternative<GanDiscriminator>{"logistic", GanDiscriminator::logistic},
    Alternative<GanDiscriminator>{"affine", GanDiscriminator::affine}};

struct Gan {
  static constexpr const char* op = "gan";

  GanObjective objective = GanObjective::minimax;
  GanDiscriminator discriminator = GanDiscriminator::logistic;
  double lambda = 10.0;

  template <class V>
  void describe(V& v) {
    v.choice("objective", objective, gan_objectives,
             "minimax: V(D, G) = mean log D(x) + mean log(1 - D(G(z))) (D ascends, G descends); non_saturating: "
             "the generator's loss -mean log D(G(z)); wgan_critic: mean f(G(z)) - mean f(x) (the critic "
             "minimizes); gradient_penalty: lambda mean (||grad_x D(xhat)|| - 1)^2 at xhat = a x + (1 - a) G(z) "
             "(input a)");
    v.choice("discriminator", discriminator, gan_discriminators,
             "logistic: D(x) = sigmoid(w . x + b); affine: the critic f(x) = w . x + b (wgan_critic and "
             "gradient_penalty only)");
    v.number("lambda", lambda, "gradient_penalty: the penalty's weight; finite, >= 0");
  }
};

inline void validate(const Gan& s) {
  require_finite_at_least(s.lambda, 0.0, Gan::op, "lambda", "a finite number >= 0");
  if (s.discriminator == GanDiscriminator::affine &&
      (s.objective == GanObjective::minimax || s.objective == GanObjective::non_saturating))
    throw InvalidInput(Gan::op, "discriminator", "affine",
                       "logistic for minimax and non_saturating (they take log D, D in (0, 1))");
}

inline constexpr std::array<Preset<Gan>, 2> gan_presets{{
    {"textbook",
     "Goodfellow et al., Generative Adversarial Nets, NeurIPS 2014, eq. (1) and sec. 3 (the non-saturating "
     "generator loss); Goodfellow, Bengio and Courville, Deep Learning, 2016, sec. 20.10.4: the minimax value "
     "with a logistic discriminator",
     [](Gan& s) { s = Gan{}; }},
    {"wgan_gp",
     "Gulrajani et al., Improved Training of Wasserstein GANs, NeurIPS 2017, Algorithm 1 (lambda = 10, "
     "xhat = eps x + (1 - eps) G(z), eps ~ U[0, 1]): the penalty on the affine critic; its critic loss is the "
     "sum of this and wgan_critic (Arjovsky et al. 2017, Algorithm 1)",
     [](Gan& s) {
       s = Gan{};
       s.objective = GanObjective::gradient_penalty;
       s.discriminator = GanDiscriminator::affine;
       s.lambda = 10.0;
     }},
}};
inline const auto& presets_of(const Gan*) { return gan_presets; }

/// The sizes of a GAN case: M samples, data dimension d, noise dimension k.
struct GanDims {
  std::int64_t m = 0, d = 0, k = 0;
};

/// Checks x [M, d] (M, d >= 1), z [M, k] (k >= 1), A [d, k], c [d], w [d], b [],
/// and a [M], which gradient_penalty takes (`a` null: absent) and no other
/// objective does.
inline GanDims gan_dims(const Gan& s, const Shape& x, const Shape& z, const Shape& A, const Shape& c,
                        const Shape& w, const Shape& b, const Shape* a) {
  const char* op = Gan::op;
  if (x.size() != 2 || x[0] < 1 || x[1] < 1)
    throw InvalidInput(op, "x.shape", shape_text(x), "shape [M, d] with M, d >= 1 (real samples as rows)");
  const std::int64_t m = x[0], d = x[1];
  if (z.size() != 2 || z[0] != m || z[1] < 1)
    throw InvalidInput(op, "z.shape", shape_text(z), "shape [M, k] with M = x's and k >= 1 (noise samples as rows)");
  const std::int64_t k = z[1];
  require_shape(op, "A", A, {d, k});
  require_shape(op, "c", c, {d});
  require_shape(op, "w", w, {d});
  require_shape(op, "b", b, {});
  const bool penalty = s.objective == GanObjective::gradient_penalty;
  if (penalty && !a) throw InvalidInput(op, "inputs.a", "missing", "the mixing weights a [M] for gradient_penalty");
  if (!penalty && a) throw InvalidInput(op, "inputs.a", "given", "no a input (only gradient_penalty takes one)");
  if (a) require_shape(op, "a", *a, {m});
  return {m, d, k};
}

/// The value checks: every input finite, each a_i in [0, 1].
template <class V, class Text>
void check_gan_values(std::span<const V> x, std::span<const V> z, std::span<const V> A, std::span<const V> c,
                      std::span<const V> w, std::span<const V> b, std::span<const V> a, const Text& text) {
  const char* op = Gan::op;
  require_values_in(op, "x", x, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "z", z, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "A", A, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "c", c, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "w", w, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "b", b, -largest_double, largest_double, "a finite number", text);
  require_values_in(op, "a", a, 0.0, 1.0, "a mixing weight in [0, 1]", text);
}

}  // namespace gradref::spec
