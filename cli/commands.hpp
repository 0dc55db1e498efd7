#pragma once
// The `gradref` subcommands. Each one registers its options on the app and returns
// what to run once the command line is parsed. Results go to stdout as JSON (or a
// table for people); errors propagate as exceptions to main, which prints them as
// JSON and chooses the exit code.
#include <functional>

#include "gradref/catalog/catalog.hpp"

namespace CLI {
class App;
}

namespace gradref::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_internal = 1;  ///< a bug in gradref (a JSON error on stdout says so)
inline constexpr int exit_usage = 2;     ///< bad input or command line
/// `gradref verify`: some case failed its check. The same code as exit_internal,
/// as the issue asks (0 pass, 1 fail, 2 bad input); an internal error is told
/// apart by the JSON error it prints instead of a report.
inline constexpr int exit_check_failed = 1;

struct Subcommand {
  CLI::App* app;
  std::function<int()> run;
};

Subcommand add_ops(CLI::App& parent);
Subcommand add_eval(CLI::App& parent);
Subcommand add_conventions(CLI::App& parent);
Subcommand add_run(CLI::App& parent);
Subcommand add_train(CLI::App& parent);
Subcommand add_gan(CLI::App& parent);
Subcommand add_golden(CLI::App& parent);
Subcommand add_verify(CLI::App& parent);

/// Writes `j` and a newline to stdout: indented by 2, or on one line.
void print_json(const catalog::Json& j, bool compact = false);

}  // namespace gradref::cli
