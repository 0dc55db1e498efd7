// gradref train: mini-batch gradient ascent on the autoregressive model's mean
// log-likelihood (reference::minibatch_ascent), from zero parameters, with a seeded
// batch sampler, a learning-rate schedule and early stopping on a validation set.
// One progress line per epoch on stderr; the result (history, stop reason, the best
// epoch's parameters) as JSON, or the history as CSV, on stdout. The run is done in
// Real at --bits and its numbers printed as the nearest double: a demonstration of
// the method, not certified reference values (`gradref eval` gives those per step).
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "gradref/catalog/json.hpp"
#include "gradref/catalog/spec_json.hpp"
#include "gradref/reference/models/minibatch_ascent.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::cli {

namespace {

using catalog::Json;
constexpr const char* command = "gradref train";

struct TrainOptions {
  std::string train;
  std::string validation;
  double validation_fraction = 0.0;
  std::int64_t batch_size = 8;
  double lr = 0.5;
  std::string schedule;
  std::uint64_t seed = 0;
  std::int64_t max_epochs = 100;
  std::int64_t patience = 5;
  int bits = 64;
  std::string format = "json";
  bool compact = false;
  bool quiet = false;
};

/// Rows of 0/1 values, all of one length, from {"data": [[...], ...]} (other members ignored).
struct Rows {
  std::int64_t count = 0, length = 0;
  std::vector<std::int64_t> values;
};

Rows read_rows(const std::string& path, const char* field) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidInput(command, field, "\"" + path + "\"", "a readable JSON file");
  Json j;
  try {
    j = Json::parse(in);
  } catch (const std::exception& e) {
    throw InvalidInput(command, field, "\"" + path + "\": " + e.what(), "a JSON file");
  }
  const char* expected = "a JSON object whose \"data\" is a non-empty array of equally long, non-empty arrays of 0 and 1";
  if (!j.is_object() || !j.contains("data") || !j["data"].is_array() || j["data"].empty())
    throw InvalidInput(command, field, "\"" + path + "\"", expected);
  Rows r;
  for (const Json& row : j["data"]) {
    if (!row.is_array() || row.empty() || (r.count > 0 && static_cast<std::int64_t>(row.size()) != r.length))
      throw InvalidInput(command, std::string(field) + " row " + std::to_string(r.count), row.dump(), expected);
    r.length = static_cast<std::int64_t>(row.size());
    for (const Json& v : row) {
      if (!v.is_number_integer() || (v.get<std::int64_t>() != 0 && v.get<std::int64_t>() != 1))
        throw InvalidInput(command, std::string(field) + " row " + std::to_string(r.count), v.dump(), "0 or 1");
      r.values.push_back(v.get<std::int64_t>());
    }
    ++r.count;
  }
  return r;
}

spec::Schedule schedule_of(const TrainOptions& o, bool lr_given) {
  if (o.schedule.empty()) {
    spec::Schedule s;
    s.eta0 = o.lr;
    return s;
  }
  if (lr_given) throw InvalidInput(command, "--lr", spec::format_double(o.lr), "no --lr with --schedule (its eta0)");
  std::ifstream in(o.schedule, std::ios::binary);
  if (!in) throw InvalidInput(command, "--schedule", "\"" + o.schedule + "\"", "a readable JSON file");
  const catalog::Case c = catalog::case_from_json(catalog::parse_json_exact(in));
  if (c.op != spec::Schedule::op)
    throw InvalidInput(command, "--schedule", c.op, "a case of the schedule op (examples/schedule.json)");
  return catalog::spec_from_json<spec::Schedule>(c.spec, "");
}

Json schedule_json(const spec::Schedule& s) { return catalog::spec_to_json(s); }

int run_train(const TrainOptions& o, bool lr_given) {
  if (o.bits < 24 || o.bits > 4096)
    throw InvalidInput(command, "--bits", std::to_string(o.bits), "an integer in [24, 4096]");
  if (o.batch_size < 1) throw InvalidInput(command, "--batch-size", std::to_string(o.batch_size), "an integer >= 1");
  if (o.max_epochs < 1 || o.max_epochs > 100000)
    throw InvalidInput(command, "--max-epochs", std::to_string(o.max_epochs), "an integer in [1, 100000]");
  if (o.patience < 1) throw InvalidInput(command, "--patience", std::to_string(o.patience), "an integer >= 1");
  if (!o.validation.empty() && o.validation_fraction != 0.0)
    throw InvalidInput(command, "--validation-fraction", spec::format_double(o.validation_fraction),
                       "no --validation-fraction with --validation");
  if (o.validation.empty() && !(o.validation_fraction > 0.0 && o.validation_fraction < 1.0))
    throw InvalidInput(command, "--validation-fraction", spec::format_double(o.validation_fraction),
                       "a number in (0, 1) (or a --validation file)");
  const spec::Schedule schedule = schedule_of(o, lr_given);
  spec::validate(schedule);

  Rows train = read_rows(o.train, "--train");
  Rows validation;
  if (!o.validation.empty()) {
    validation = read_rows(o.validation, "--validation");
    if (validation.length != train.length)
      throw InvalidInput(command, "--validation", "rows of length " + std::to_string(validation.length),
                         "rows of the training set's length " + std::to_string(train.length));
  } else {
    // The last ceil(fraction * M) rows of the file validate; at least one row is left to train on.
    const auto held = static_cast<std::int64_t>(std::ceil(o.validation_fraction * static_cast<double>(train.count)));
    if (held < 1 || held >= train.count)
      throw InvalidInput(command, "--validation-fraction", spec::format_double(o.validation_fraction),
                         "a fraction leaving at least one row to train on and one to validate");
    const auto split = train.values.begin() + (train.count - held) * train.length;
    validation = {held, train.length, std::vector<std::int64_t>(split, train.values.end())};
    train.values.erase(split, train.values.end());
    train.count -= held;
  }

  const std::int64_t d = train.length;
  reference::AscentOptions options;
  options.batch_size = o.batch_size;
  options.schedule = schedule;
  options.seed = o.seed;
  options.max_epochs = o.max_epochs;
  options.patience = o.patience;
  ScopedPrecision precision(static_cast<unsigned>(o.bits));
  auto progress = [&o](const reference::EpochReport<Real>& e) {
    if (o.quiet) return;
    char line[200];
    std::snprintf(line, sizeof line, "epoch %lld: train LL %.6f, validation LL %.6f, best %.6f (epoch %lld)\n",
                  static_cast<long long>(e.epoch), round_to_double(e.train_log_likelihood),
                  round_to_double(e.validation_log_likelihood), round_to_double(e.best_validation_log_likelihood),
                  static_cast<long long>(e.best_epoch));
    std::cerr << line << std::flush;
  };
  const reference::AscentResult<Real> r = reference::minibatch_ascent<Real>(
      options, Array<Real>(Shape{d}, Real(0)), Array<Real>(Shape{d, d}, Real(0)),
      {Shape{train.count, d}, train.values}, {Shape{validation.count, d}, validation.values}, progress);

  if (o.format == "csv") {
    std::cout << "epoch,steps,train_log_likelihood,validation_log_likelihood,best_validation_log_likelihood,best_epoch\n";
    for (const auto& e : r.history) {
      const Json row = {round_to_double(e.train_log_likelihood), round_to_double(e.validation_log_likelihood),
                        round_to_double(e.best_validation_log_likelihood)};
      std::cout << e.epoch << ',' << e.steps << ',' << row[0].dump() << ',' << row[1].dump() << ','
                << row[2].dump() << ',' << e.best_epoch << '\n';
    }
    return exit_ok;
  }
  Json history = Json::array();
  for (const auto& e : r.history)
    history.push_back({{"epoch", e.epoch},
                       {"steps", e.steps},
                       {"train_log_likelihood", round_to_double(e.train_log_likelihood)},
                       {"validation_log_likelihood", round_to_double(e.validation_log_likelihood)}});
  Json a = Json::array(), W = Json::array();
  for (std::int64_t i = 0; i < d; ++i) {
    a.push_back(round_to_double(r.a[i]));
    Json row = Json::array();
    for (std::int64_t j = 0; j < d; ++j) row.push_back(round_to_double(r.W[i * d + j]));
    W.push_back(std::move(row));
  }
  const auto& best = r.history[static_cast<std::size_t>(r.best_epoch)];
  const auto& last = r.history.back();
  print_json({{"model", "autoregressive"},
              {"train", {{"file", o.train}, {"rows", train.count}, {"length", d}}},
              {"validation",
               {{"file", o.validation.empty() ? o.train : o.validation},
                {"rows", validation.count},
                {"fraction", o.validation.empty() ? Json(o.validation_fraction) : Json(nullptr)}}},
              {"batch_size", o.batch_size},
              {"schedule", schedule_json(schedule)},
              {"seed", o.seed},
              {"max_epochs", o.max_epochs},
              {"patience", o.patience},
              {"bits", o.bits},
              {"stop",
               {{"reason", r.stop == reference::StopReason::patience ? "patience" : "max_epochs"},
                {"epochs", last.epoch},
                {"steps", last.steps}}},
              {"best",
               {{"epoch", best.epoch},
                {"steps", best.steps},
                {"train_log_likelihood", round_to_double(best.train_log_likelihood)},
                {"validation_log_likelihood", round_to_double(best.validation_log_likelihood)},
                {"a", std::move(a)},
                {"W", std::move(W)}}},
              {"history", std::move(history)}},
             o.compact);
  return exit_ok;
}

}  // namespace

Subcommand add_train(CLI::App& parent) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* cmd = parent.add_subcommand(
      "train", "Fit the autoregressive model (fully visible sigmoid belief network) to binary data by mini-batch "
               "gradient ascent on the log-likelihood, with early stopping on a validation set");
  cmd->add_option("--train", o->train, "training data: a JSON file {\"data\": [[0, 1, ...], ...]}")->required();
  cmd->add_option("--validation", o->validation, "validation data, in the same form");
  cmd->add_option("--validation-fraction", o->validation_fraction,
                  "without --validation: validate on the last ceil(fraction M) rows of the training file");
  cmd->add_option("--batch-size", o->batch_size, "examples per step (the last batch of an epoch may be shorter)")
      ->capture_default_str();
  CLI::Option* lr = cmd->add_option("--lr", o->lr, "constant learning rate (the schedule's eta0)")->capture_default_str();
  cmd->add_option("--schedule", o->schedule, "case file of the schedule op: step t (from 0) uses eta_t");
  cmd->add_option("--seed", o->seed, "seed of the batch sampler (splitmix64)")->capture_default_str();
  cmd->add_option("--max-epochs", o->max_epochs, "at most this many epochs")->capture_default_str();
  cmd->add_option("--patience", o->patience, "stop after this many epochs without a better validation log-likelihood")
      ->capture_default_str();
  cmd->add_option("--bits", o->bits, "working precision of the run")->capture_default_str();
  cmd->add_option("--format", o->format, "json or csv (the history)")
      ->check(CLI::IsMember({"json", "csv"}))
      ->capture_default_str();
  cmd->add_flag("--compact", o->compact, "print the JSON on one line");
  cmd->add_flag("--quiet", o->quiet, "no progress lines on stderr");
  return {cmd, [o, lr] { return run_train(*o, lr->count() > 0); }};
}

}  // namespace gradref::cli
