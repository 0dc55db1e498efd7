// gradref: the command line. Every outcome is machine-readable: results and errors
// are JSON on stdout; the exit code is 0 on success, 2 for bad input or usage and
// 1 for an internal error (and for `gradref verify`, a failed check: its report,
// not a JSON error, is then on stdout).
#include <exception>
#include <iostream>
#include <stdexcept>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "gradref/catalog/json.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::cli {

void print_json(const catalog::Json& j, bool compact) {
  // Strings echo user text; replace invalid UTF-8 rather than fail on it.
  std::cout << j.dump(compact ? -1 : 2, ' ', false, catalog::Json::error_handler_t::replace) << '\n';
}

namespace {

int report(const InvalidInput& e, int code) {
  print_json(catalog::error_to_json(e));
  return code;
}

int run(int argc, char** argv) {
  CLI::App app{"gradref: exact reference values for losses, gradients and optimizer rules.\n"
               "Results and errors are JSON on stdout; exit code 0 ok, 2 bad input, 1 internal error\n"
               "(gradref verify: 1 when a check fails, with its report on stdout).",
               "gradref"};
  app.set_version_flag("--version", "gradref " GRADREF_VERSION);
  app.require_subcommand(1);
  const std::vector<Subcommand> commands = {add_ops(app),   add_eval(app),  add_conventions(app),
                                           add_run(app),   add_train(app), add_gan(app),
                                           add_golden(app), add_verify(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);  // --help, --version
    return report(InvalidInput("gradref", "command line", e.what(), "a command as `gradref --help` describes"),
                  exit_usage);
  }
  for (const Subcommand& c : commands)
    if (c.app->parsed()) return c.run();
  return exit_internal;
}

}  // namespace
}  // namespace gradref::cli

int main(int argc, char** argv) {
  using namespace gradref;
  using cli::exit_internal, cli::exit_usage, cli::report;
  try {
    return cli::run(argc, argv);
  } catch (const InvalidInput& e) {
    return report(e, exit_usage);
  } catch (const std::invalid_argument& e) {
    return report(InvalidInput("gradref", "input", e.what(), "valid input"), exit_usage);
  } catch (const std::exception& e) {
    return report(InvalidInput("gradref", "internal", e.what(), "no internal error: please report this"),
                  exit_internal);
  } catch (...) {
    return report(InvalidInput("gradref", "internal", "unknown exception", "no internal error: please report this"),
                  exit_internal);
  }
}
