// gradref conventions: every op's spec fields against its presets, as Markdown
// tables. docs/conventions.md holds this output (a test keeps it identical), so
// the table of conventions is the code's own, never a second copy to drift.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"

namespace gradref::cli {

namespace {

using catalog::Entry;
using catalog::Json;

std::string cell(const Json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

void print_table(const Entry& e) {
  std::cout << "### " << e.name << "\n\n" << e.summary << " ([" << e.doc << "](" << e.doc << "))\n\n";
  std::vector<Json> settings;
  std::cout << "| field |";
  for (const catalog::Preset& p : e.presets) {
    settings.push_back(e.make_spec(Json::object(), p.name));
    std::cout << ' ' << p.name << " |";
  }
  std::cout << "\n|---|";
  for (std::size_t i = 0; i < e.presets.size(); ++i) std::cout << "---|";
  std::cout << '\n';
  for (const catalog::Field& f : e.fields) {
    bool differs = false;
    for (const Json& s : settings) differs = differs || s.at(f.name) != settings.front().at(f.name);
    // Fields on which the presets disagree are in bold: where the frameworks differ.
    std::cout << "| " << (differs ? "**" + f.name + "**" : f.name) << " |";
    for (const Json& s : settings) std::cout << ' ' << cell(s.at(f.name)) << " |";
    std::cout << '\n';
  }
  std::cout << '\n';
  for (const catalog::Preset& p : e.presets) std::cout << "- `" << p.name << "`: " << p.source << '\n';
  std::cout << '\n';
}

/// A section title per kind of op, in the catalog's order of first appearance.
std::string title(const std::string& kind) {
  if (kind == "rule") return "Update rules";
  if (kind == "loss") return "Losses";
  if (kind == "schedule") return "Learning-rate schedules";
  if (kind == "line_search") return "Line searches";
  if (kind == "objective") return "Test objectives";
  if (kind == "graph") return "Computation graphs";
  if (kind == "model") return "Models";
  return kind;
}

int run_conventions() {
  std::vector<std::string> kinds;
  for (const Entry* e : catalog::all())
    if (std::find(kinds.begin(), kinds.end(), e->kind) == kinds.end()) kinds.push_back(e->kind);
  for (const std::string& kind : kinds) {
    std::cout << "## " << title(kind) << "\n\n";
    for (const Entry* e : catalog::all())
      if (e->kind == kind) print_table(*e);
  }
  return exit_ok;
}

}  // namespace

Subcommand add_conventions(CLI::App& parent) {
  CLI::App* cmd = parent.add_subcommand(
      "conventions", "Every op's spec fields against its presets (Markdown; docs/conventions.md is this output)");
  return {cmd, [] { return run_conventions(); }};
}

}  // namespace gradref::cli
