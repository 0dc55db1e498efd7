// gradref ops: every op in the catalog with its spec fields, presets, inputs and outputs.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.hpp"

namespace gradref::cli {

namespace {

using catalog::Entry;
using catalog::Json;
using catalog::Port;

Json port_json(const Port& p) {
  return {{"name", p.name}, {"shape", p.shape}, {"doc", p.doc}, {"integer", p.integer}, {"optional", p.optional},
          {"held_in_double", p.held_in_double}};
}

Json entry_json(const Entry& e) {
  Json fields = Json::array(), presets = Json::array(), inputs = Json::array(), outputs = Json::array(),
       deviations = Json::array();
  for (const catalog::Field& f : e.fields) {
    Json field = {{"name", f.name}, {"type", f.type}, {"default", f.default_value}, {"doc", f.doc}};
    if (!f.choices.empty()) field["choices"] = f.choices;
    fields.push_back(std::move(field));
  }
  for (const catalog::Preset& p : e.presets)
    presets.push_back({{"name", p.name}, {"source", p.source}, {"settings", e.make_spec(Json::object(), p.name)}});
  for (const Port& p : e.inputs) inputs.push_back(port_json(p));
  for (const Port& p : e.outputs) outputs.push_back(port_json(p));
  for (const catalog::Deviation& d : e.deviations) deviations.push_back({{"what", d.what}, {"why", d.why}});
  return {{"name", e.name},       {"kind", e.kind},       {"summary", e.summary}, {"doc", e.doc},
          {"fields", fields},     {"presets", presets},   {"inputs", inputs},     {"outputs", outputs},
          {"deviations", deviations}};
}

std::string padded(const std::string& s, std::size_t width) {
  return s + std::string(width > s.size() ? width - s.size() : 1, ' ');
}

void print_ports(const char* title, const std::vector<Port>& ports) {
  std::size_t name_w = 0, shape_w = 0;
  for (const Port& p : ports) {
    name_w = std::max(name_w, p.name.size() + 2);
    shape_w = std::max(shape_w, p.shape.size() + 2);
  }
  std::cout << "  " << title << ":\n";
  for (const Port& p : ports) {
    std::string notes = p.integer ? " (integer)" : "";
    if (p.optional) notes += " (optional)";
    if (p.held_in_double) notes += " (double in every dtype)";
    std::cout << "    " << padded(p.name, name_w) << padded(p.shape, shape_w) << p.doc << notes << '\n';
  }
}

void print_entry(const Entry& e) {
  std::cout << e.name << " (" << e.kind << "): " << e.summary << "\n  docs/" << e.doc << '\n';
  std::size_t name_w = 0, default_w = 0;
  for (const catalog::Field& f : e.fields) {
    name_w = std::max(name_w, f.name.size() + 2);
    default_w = std::max(default_w, f.default_value.dump().size() + 2);
  }
  std::cout << "  spec:\n";
  for (const catalog::Field& f : e.fields) {
    std::string choices;
    for (const std::string& c : f.choices) choices += (choices.empty() ? " [" : " | ") + c;
    if (!choices.empty()) choices += "]";
    std::cout << "    " << padded(f.name, name_w) << padded(f.type, 8) << padded(f.default_value.dump(), default_w)
              << f.doc << choices << '\n';
  }
  std::cout << "  presets:\n";
  for (const catalog::Preset& p : e.presets) std::cout << "    " << p.name << ": " << p.source << '\n';
  print_ports("inputs", e.inputs);
  print_ports("outputs", e.outputs);
  for (const catalog::Deviation& d : e.deviations) std::cout << "  deviation: " << d.what << " (" << d.why << ")\n";
}

int run_ops(bool json) {
  if (json) {
    Json ops = Json::array();
    for (const Entry* e : catalog::all()) ops.push_back(entry_json(*e));
    print_json({{"ops", std::move(ops)}});
    return exit_ok;
  }
  bool first = true;
  for (const Entry* e : catalog::all()) {
    if (!first) std::cout << '\n';
    first = false;
    print_entry(*e);
  }
  return exit_ok;
}

}  // namespace

Subcommand add_ops(CLI::App& parent) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = parent.add_subcommand("ops", "Every op: its spec fields with defaults, presets, inputs and outputs");
  cmd->add_flag("--json", *json, "print JSON instead of a table");
  return {cmd, [json] { return run_ops(*json); }};
}

}  // namespace gradref::cli
