// gradref gan: GAN training dynamics in exact arithmetic. A case of the gan op
// supplies the samples x, z (and a, for the wasserstein game's penalty) and the start
// parameters A, c, w, b (its spec is not used); the players take plain gradient
// steps (reference/models/two_player.hpp) in the order and with the learning rates
// given. The run is done at p and 2p bits and only agreeing digits are reported, as
// `gradref run` does.
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "gradref/catalog/evaluate.hpp"
#include "gradref/catalog/json.hpp"
#include "gradref/catalog/support.hpp"
#include "gradref/reference/models/gan_dynamics.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::cli {

namespace {

using catalog::Json;

constexpr const char* command = "gradref gan";

struct GanOptions {
  std::string path;
  std::string game = "minimax";
  std::string order = "alternating";
  double lr_d = 0.1;
  double lr_g = 0.1;
  double lambda = 10.0;
  std::int64_t steps = 100;
  int bits = static_cast<int>(default_bits);
  bool compact = false;
};

template <class E, std::size_t N>
E choice(const std::array<spec::Alternative<E>, N>& alternatives, const std::string& name) {
  for (const auto& a : alternatives)
    if (name == a.name) return a.value;
  return alternatives[0].value;  // CLI11 has already checked membership
}

Array<Real> at_precision(const Array<Real>& a) {
  return a.map<Real>([](const Real& x) { return at_working_precision(x); });
}

std::vector<reference::GanPoint<Real>> run_at(const catalog::Case& c, const reference::GanGameSpec& game,
                                              const spec::TwoPlayerDynamics& dynamics, unsigned bits) {
  ScopedPrecision precision(bits);
  const auto in = [&c](const char* name) { return at_precision(catalog::input(c, name)); };
  const Array<Real> x = in("x"), z = in("z");
  const reference::GanParams<Real> start{in("A"), in("c"), in("w"), in("b")};
  const bool has_a = c.inputs.count("a") > 0;
  const Array<Real> a = has_a ? in("a") : Array<Real>();
  return reference::gan_trajectory(game, dynamics, x, z, has_a ? &a : nullptr, start, command);
}

catalog::CertifiedArray certified(const Array<Real>& low, const Array<Real>& high, unsigned bits) {
  catalog::CertifiedArray out{high.shape(), {}};
  for (std::int64_t i = 0; i < high.size(); ++i) out.values.push_back(catalog::certify(low[i], high[i], bits));
  return out;
}

Json certified_scalar(const Real& low, const Real& high, unsigned bits) {
  return catalog::certified_to_json({Shape{}, {catalog::certify(low, high, bits)}});
}

int run_gan(const GanOptions& o) {
  if (o.bits < 64 || o.bits > (1 << 14))
    throw InvalidInput(command, "--bits", std::to_string(o.bits), "an integer in [64, 16384]");
  std::ifstream file(o.path, std::ios::binary);
  if (!file) throw InvalidInput(command, "CASE", "\"" + o.path + "\"", "a readable JSON file (a case of the gan op)");
  const catalog::Case c = catalog::case_from_json(catalog::parse_json_exact(file));
  if (c.op != spec::Gan::op) throw InvalidInput(command, "CASE", c.op, "a case of the gan op (x, z, A, c, w, b)");
  const reference::GanGameSpec game{choice(spec::gan_games, o.game), o.lambda};
  const spec::TwoPlayerDynamics dynamics{choice(spec::update_orders, o.order), o.lr_d, o.lr_g, o.steps};

  const unsigned bits = static_cast<unsigned>(o.bits);
  const auto low = run_at(c, game, dynamics, bits);
  const auto high = run_at(c, game, dynamics, 2 * bits);
  ScopedPrecision precision(2 * bits);
  Json points = Json::array();
  for (std::size_t t = 0; t < high.size(); ++t) {
    const reference::GanParams<Real>& l = low[t].params;
    const reference::GanParams<Real>& h = high[t].params;
    points.push_back({{"step", t},
                      {"w", catalog::certified_to_json(certified(l.w, h.w, bits))},
                      {"b", catalog::certified_to_json(certified(l.b, h.b, bits))},
                      {"A", catalog::certified_to_json(certified(l.A, h.A, bits))},
                      {"c", catalog::certified_to_json(certified(l.c, h.c, bits))},
                      {"discriminator_objective",
                       certified_scalar(low[t].discriminator_objective, high[t].discriminator_objective, bits)},
                      {"generator_loss", certified_scalar(low[t].generator_loss, high[t].generator_loss, bits)}});
  }
  print_json({{"game", o.game},
              {"order", o.order},
              {"lr_discriminator", o.lr_d},
              {"lr_generator", o.lr_g},
              {"lambda", o.lambda},
              {"steps", o.steps},
              {"bits", bits},
              {"trajectory", std::move(points)}},
             o.compact);
  return exit_ok;
}

}  // namespace

Subcommand add_gan(CLI::App& parent) {
  auto o = std::make_shared<GanOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "gan", "GAN training dynamics (two-player gradient steps) in exact arithmetic; the certified trajectory");
  cmd->add_option("CASE", o->path, "case file of the gan op: samples x, z (a for the penalty) and start A, c, w, b")
      ->required();
  cmd->add_option("--game", o->game,
                  "minimax: D ascends V, G descends V; non_saturating: G descends -mean log D(G(z)); wasserstein: "
                  "the affine critic ascends -(wgan_critic + gradient_penalty), G descends -wgan_critic")
      ->check(CLI::IsMember({"minimax", "non_saturating", "wasserstein"}))
      ->capture_default_str();
  cmd->add_option("--order", o->order,
                  "simultaneous; alternating (D's step, then G's at the new D); alternating_generator_first")
      ->check(CLI::IsMember({"simultaneous", "alternating", "alternating_generator_first"}))
      ->capture_default_str();
  cmd->add_option("--lr-d", o->lr_d, "the discriminator's learning rate")->capture_default_str();
  cmd->add_option("--lr-g", o->lr_g, "the generator's learning rate")->capture_default_str();
  cmd->add_option("--lambda", o->lambda, "wasserstein: the gradient penalty's weight (0: none)")->capture_default_str();
  cmd->add_option("--steps", o->steps, "number of steps")->capture_default_str();
  cmd->add_option("--bits", o->bits, "working precision p; the run is repeated at 2p to certify digits")
      ->capture_default_str();
  cmd->add_flag("--compact", o->compact, "print the JSON on one line");
  return {cmd, [o] { return run_gan(*o); }};
}

}  // namespace gradref::cli
