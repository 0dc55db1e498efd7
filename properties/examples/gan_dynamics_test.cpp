// One step of the GAN dynamics is the gan op's gradients, with the documented signs
// and order: for every game and order, on the gan op's own generated cases, step 1 of
// reference::gan_trajectory equals the parameters moved by lr times the gradients the
// catalog's gan entry reports (the discriminator ascending, the generator descending,
// the alternating generator step taken at the updated discriminator), bit for bit:
// both sides perform the same roundings.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <string>

#include "gradref/catalog/catalog.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/reference/models/gan_dynamics.hpp"

namespace gradref::properties {
namespace {

using reference::GanParams;

struct Gradients {
  std::vector<Real> d;  ///< what D ascends, in (w, b)
  std::vector<Real> g;  ///< what G descends, in (A, c)
};

/// The gan entry's outputs for `objective` at `p` on the samples of `c`.
catalog::NamedArrays<Real> outputs(const catalog::Case& c, const std::string& objective, const std::string& critic,
                                   const GanParams<Real>& p, double lambda) {
  catalog::Case e{"gan", catalog::make_spec_json<spec::Gan>(
                             {{"objective", objective}, {"discriminator", critic}, {"lambda", lambda}}, ""),
                  {}};
  e.inputs.emplace("x", c.inputs.at("x"));
  e.inputs.emplace("z", c.inputs.at("z"));
  if (objective == "gradient_penalty") e.inputs.emplace("a", c.inputs.at("a"));
  e.inputs.emplace("A", p.A);
  e.inputs.emplace("c", p.c);
  e.inputs.emplace("w", p.w);
  e.inputs.emplace("b", p.b);
  return catalog::find("gan").reference(e);
}

std::vector<Real> joined(const Array<Real>& u, const Array<Real>& v) {
  std::vector<Real> out(u.values());
  out.insert(out.end(), v.values().begin(), v.values().end());
  return out;
}

/// The gradients the players follow, with the signs of docs/models/gan_dynamics.md:
/// the wasserstein critic ascends -(L + P) and the generator descends -L.
Gradients gradients(const catalog::Case& c, spec::GanGame game, const GanParams<Real>& p, double lambda) {
  if (game != spec::GanGame::wasserstein) {
    const auto v = outputs(c, "minimax", "logistic", p, lambda);
    const auto g = game == spec::GanGame::minimax ? v : outputs(c, "non_saturating", "logistic", p, lambda);
    return {joined(v.at("grad_w"), v.at("grad_b")), joined(g.at("grad_A"), g.at("grad_c"))};
  }
  const auto l = outputs(c, "wgan_critic", "affine", p, lambda);
  std::vector<Real> d = joined(l.at("grad_w"), l.at("grad_b"));
  if (lambda > 0) {
    const std::vector<Real> penalty = [&] {
      const auto q = outputs(c, "gradient_penalty", "affine", p, lambda);
      return joined(q.at("grad_w"), q.at("grad_b"));
    }();
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = d[i] + penalty[i];
  }
  for (Real& v : d) v = -v;
  std::vector<Real> g = joined(l.at("grad_A"), l.at("grad_c"));
  for (Real& v : g) v = -v;
  return {d, g};
}

/// a + sign lr v, elementwise, into the shape of `like`.
Array<Real> moved(const Array<Real>& like, const std::vector<Real>& flat, std::size_t offset, const Real& lr,
                  const std::vector<Real>& v, bool ascend) {
  Array<Real> out = like;
  for (std::int64_t i = 0; i < like.size(); ++i) {
    const std::size_t k = offset + static_cast<std::size_t>(i);
    const Real step = lr * v[k];
    out[i] = ascend ? flat[k] + step : flat[k] - step;
  }
  return out;
}

TEST(GanDynamics, OneStepIsTheGanOpsGradientsWithTheDocumentedSignsAndOrder) {
  const catalog::Entry& entry = catalog::find("gan");
  const bool ok = rc::check("gan dynamics step vs the gan op's gradients", [&] {
    const catalog::Case c = *entry.derivative_generator(catalog::Dtype::float64);
    const spec::GanGame game =
        *rc::gen::element(spec::GanGame::minimax, spec::GanGame::non_saturating, spec::GanGame::wasserstein);
    const spec::UpdateOrder order = *rc::gen::element(spec::UpdateOrder::simultaneous, spec::UpdateOrder::alternating,
                                                      spec::UpdateOrder::alternating_generator_first);
    const double lambda = c.inputs.count("a") ? *rc::gen::element(0.0, 10.0, 0.5) : 0.0;
    const spec::TwoPlayerDynamics dynamics{order, *rc::gen::element(0.5, 0.1, 0.0625), *rc::gen::element(0.5, 0.01), 1};
    const GanParams<Real> start{c.inputs.at("A"), c.inputs.at("c"), c.inputs.at("w"), c.inputs.at("b")};
    const Array<Real>* a = c.inputs.count("a") ? &c.inputs.at("a") : nullptr;
    const auto path = reference::gan_trajectory<Real>({game, lambda}, dynamics, c.inputs.at("x"), c.inputs.at("z"),
                                                      a, start, "test");
    RC_ASSERT(path.size() == 2u);

    const Real lr_d(dynamics.lr_discriminator), lr_g(dynamics.lr_generator);
    const std::vector<Real> d0 = joined(start.w, start.b), g0 = joined(start.A, start.c);
    const std::size_t dim = static_cast<std::size_t>(start.w.size()), weights = static_cast<std::size_t>(start.A.size());
    const auto d_of = [&](const std::vector<Real>& grad) {
      return std::pair{moved(start.w, d0, 0, lr_d, grad, true), moved(start.b, d0, dim, lr_d, grad, true)};
    };
    const auto g_of = [&](const std::vector<Real>& grad) {
      return std::pair{moved(start.A, g0, 0, lr_g, grad, false), moved(start.c, g0, weights, lr_g, grad, false)};
    };
    const Gradients at_start = gradients(c, game, start, lambda);
    std::pair<Array<Real>, Array<Real>> wb, ac;
    switch (order) {
      case spec::UpdateOrder::simultaneous:
        wb = d_of(at_start.d);
        ac = g_of(at_start.g);
        break;
      case spec::UpdateOrder::alternating:
        wb = d_of(at_start.d);
        ac = g_of(gradients(c, game, {start.A, start.c, wb.first, wb.second}, lambda).g);
        break;
      case spec::UpdateOrder::alternating_generator_first:
        ac = g_of(at_start.g);
        wb = d_of(gradients(c, game, {ac.first, ac.second, start.w, start.b}, lambda).d);
        break;
    }
    const GanParams<Real>& got = path[1].params;
    RC_ASSERT(got.w.values() == wb.first.values());
    RC_ASSERT(got.b.values() == wb.second.values());
    RC_ASSERT(got.A.values() == ac.first.values());
    RC_ASSERT(got.c.values() == ac.second.values());
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace gradref::properties
