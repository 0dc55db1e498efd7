#include "verify/report.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "gradref/reference/real.hpp"

namespace gradref::cli::verify {

namespace {

using catalog::Json;

std::string number(double x, int digits = 3) {
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  if (std::isnan(x)) return "nan";
  char buffer[40];
  // Whole numbers of ULPs up to a billion read better without an exponent.
  if (digits == 3 && std::abs(x) >= 100 && std::abs(x) < 1e9)
    std::snprintf(buffer, sizeof buffer, "%.0f", x);
  else
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, x);
  return buffer;
}

/// The candidate's value: hex-float (exact) and shortest-ish decimal.
std::string value_text(double x) {
  if (!std::isfinite(x)) return number(x);
  return to_hex(x) + " (" + number(x, 17) + ")";
}

std::string element_text(const OutputCheck& o) {
  const ElementCheck& e = *o.worst;
  return o.name + "[" + std::to_string(e.index) + "]" + (o.step < 0 ? "" : " after step " + std::to_string(o.step)) +
         ": exact " + e.exact + ", candidate " +
         value_text(e.candidate) + ", error " + number(e.ulps) + " ULP (" + e.error + "), bound " +
         number(e.bound_ulps) + " ULP (" + e.bound + "), ratio " + number(e.ratio);
}

std::string output_summary(const OutputCheck& o) {
  std::string s = std::to_string(o.failed) + " of " + std::to_string(o.checked) + " elements fail";
  if (o.undecided) s += ", " + std::to_string(o.undecided) + " undecided";
  return s;
}

std::string suite_title(const SuiteCheck& s) {
  return s.op + " " + s.dtype + (s.preset ? " (preset " + *s.preset + ")" : std::string());
}

std::string suite_summary(const SuiteCheck& s) {
  return suite_title(s) + ": " + std::to_string(s.cases.size()) + " cases, " + std::to_string(s.passed) + " passed, " +
         std::to_string(s.failed) + " failed, " + std::to_string(s.skipped) + " skipped; worst error " +
         number(s.worst_ulps) + " ULP, worst bound ratio " + number(s.worst_ratio) +
         (s.undecided ? "; " + std::to_string(s.undecided) + " elements undecided (few certified golden digits)" : "");
}

/// Why a failing case fails, in one line (the JUnit message).
std::string failure_message(const CaseCheck& c) {
  if (!c.note.empty()) return c.note;
  for (const OutputCheck& o : c.outputs)
    if (!o.passed()) return element_text(o) + " (" + output_summary(o) + ")";
  return "failed";
}

Json finite_or_text(double x) { return std::isfinite(x) ? Json(x) : Json(number(x)); }

Json element_json(const ElementCheck& e) {
  return {{"index", e.index},
          {"exact", e.exact},
          {"candidate", std::isfinite(e.candidate) ? Json(to_hex(e.candidate)) : Json(number(e.candidate))},
          {"candidate_decimal", number(e.candidate, 17)},
          {"error", e.error},
          {"ulps", finite_or_text(e.ulps)},
          {"bound", e.bound},
          {"bound_ulps", finite_or_text(e.bound_ulps)},
          {"ratio", finite_or_text(e.ratio)},
          {"passed", e.passed},
          {"undecided", e.undecided}};
}

Json case_json(const CaseCheck& c) {
  Json outputs = Json::array();
  for (const OutputCheck& o : c.outputs) {
    Json j = {{"name", o.name}};
    if (o.step >= 0) j["step"] = o.step;
    j["checked"] = o.checked;
    j["failed"] = o.failed;
    j["undecided"] = o.undecided;
    j["worst_ulps"] = finite_or_text(o.worst_ulps);
    if (o.worst) j["worst"] = element_json(*o.worst);
    outputs.push_back(std::move(j));
  }
  Json j = {{"case", c.index}, {"status", status_name(c.status)}, {"mode", c.mode}};
  if (!c.note.empty()) j["note"] = c.note;
  j["worst_ulps"] = finite_or_text(c.worst_ulps);
  j["worst_ratio"] = finite_or_text(c.worst_ratio);
  j["unchecked"] = c.unchecked;
  j["outputs"] = std::move(outputs);
  return j;
}

std::string case_name(std::size_t k) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "case_%04zu", k);
  return buffer;
}

}  // namespace

std::string text_report(const std::vector<SuiteCheck>& suites, bool verbose) {
  std::ostringstream out;
  std::int64_t failed = 0, cases = 0;
  for (const SuiteCheck& s : suites) {
    out << suite_title(s) << ": " << s.golden_path << " vs " << s.candidate_path
        << (s.implementation.empty() ? "" : " (" + s.implementation + ")") << "\n";
    for (const CaseCheck& c : s.cases) {
      const bool show = verbose || c.status == CaseStatus::failed;
      if (!show) continue;
      out << "  case " << c.index << " " << status_name(c.status) << " (" << c.mode << ")";
      if (!c.note.empty()) out << ": " << c.note;
      out << "\n";
      for (const OutputCheck& o : c.outputs)
        if ((verbose || !o.passed()) && o.worst)
          out << "    " << (o.passed() ? "" : "FAIL ") << element_text(o) << "; " << output_summary(o) << "\n";
      if (!c.unchecked.empty() && c.status != CaseStatus::skipped) {
        out << "    unchecked (not given):";
        for (const std::string& name : c.unchecked) out << " " << name;
        out << "\n";
      }
    }
    out << suite_summary(s) << "\n";
    failed += s.failed;
    cases += static_cast<std::int64_t>(s.cases.size());
  }
  out << (failed == 0 ? "PASSED" : "FAILED") << ": " << failed << " of " << cases << " cases fail";
  if (suites.size() > 1) out << " in " << suites.size() << " files";
  out << "\n";
  return out.str();
}

Json json_report(const std::vector<SuiteCheck>& suites) {
  Json list = Json::array();
  bool passed = true;
  for (const SuiteCheck& s : suites) {
    passed = passed && s.failed == 0;
    Json results = Json::array();
    for (const CaseCheck& c : s.cases) results.push_back(case_json(c));
    list.push_back({{"golden", s.golden_path},
                    {"candidate", s.candidate_path},
                    {"op", s.op},
                    {"dtype", s.dtype},
                    {"preset", s.preset ? Json(*s.preset) : Json(nullptr)},
                    {"implementation", s.implementation},
                    {"cases", s.cases.size()},
                    {"passed", s.passed},
                    {"failed", s.failed},
                    {"skipped", s.skipped},
                    {"undecided", s.undecided},
                    {"worst_ulps", finite_or_text(s.worst_ulps)},
                    {"worst_ratio", finite_or_text(s.worst_ratio)},
                    {"results", std::move(results)}});
  }
  return {{"format", "gradref-verify"}, {"version", 1}, {"passed", passed}, {"suites", std::move(list)}};
}

std::string junit_report(const std::vector<SuiteCheck>& suites) {
  std::int64_t tests = 0, failures = 0, skipped = 0;
  for (const SuiteCheck& s : suites) {
    tests += static_cast<std::int64_t>(s.cases.size());
    failures += s.failed;
    skipped += s.skipped;
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"gradref verify\" tests=\"" << tests << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\""
      << skipped << "\">\n";
  for (const SuiteCheck& s : suites) {
    const std::string suite = s.op + "." + s.dtype + (s.preset ? "." + *s.preset : std::string());
    out << "  <testsuite name=\"" << xml_escape(suite) << "\" tests=\"" << s.cases.size() << "\" failures=\""
        << s.failed << "\" errors=\"0\" skipped=\"" << s.skipped << "\">\n";
    out << "    <properties>\n";
    out << "      <property name=\"golden\" value=\"" << xml_escape(s.golden_path) << "\"/>\n";
    out << "      <property name=\"candidate\" value=\"" << xml_escape(s.candidate_path) << "\"/>\n";
    out << "      <property name=\"implementation\" value=\"" << xml_escape(s.implementation) << "\"/>\n";
    out << "      <property name=\"summary\" value=\"" << xml_escape(suite_summary(s)) << "\"/>\n";
    out << "    </properties>\n";
    for (const CaseCheck& c : s.cases) {
      out << "    <testcase name=\"" << case_name(c.index) << "\" classname=\"gradref." << xml_escape(suite) << "\"";
      if (c.status == CaseStatus::passed) {
        out << "/>\n";
        continue;
      }
      out << ">\n";
      if (c.status == CaseStatus::skipped) {
        out << "      <skipped message=\"" << xml_escape(c.note) << "\"/>\n";
      } else {
        std::string detail = "mode: " + c.mode + "\n";
        for (const OutputCheck& o : c.outputs)
          if (!o.passed() && o.worst) detail += element_text(o) + "; " + output_summary(o) + "\n";
        out << "      <failure message=\"" << xml_escape(failure_message(c)) << "\" type=\"bound exceeded\">"
            << xml_escape(detail) << "</failure>\n";
      }
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  return out.str();
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        case '\n': out += "&#10;"; break;
        case '\t': out += "&#9;"; break;
        case '\r': out += "&#13;"; break;
        default: out += c < 0x20 ? '?' : static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // A UTF-8 sequence: kept whole when well-formed (no overlong forms, no
    // surrogates, at most U+10FFFF), otherwise one '?' for the lead byte.
    const int length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
    bool ok = length > 0 && c <= 0xf4 && i + static_cast<std::size_t>(length) <= text.size();
    std::uint32_t code = ok ? c & (0x7f >> length) : 0;
    for (int k = 1; ok && k < length; ++k) {
      const unsigned char next = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      ok = (next & 0xc0) == 0x80;
      code = (code << 6) | (next & 0x3f);
    }
    ok = ok && !(length == 3 && code < 0x800) && !(length == 4 && (code < 0x10000 || code > 0x10ffff)) &&
         !(code >= 0xd800 && code <= 0xdfff) && code != 0xfffe && code != 0xffff;
    if (ok) {
      out.append(text, i, static_cast<std::size_t>(length));
      i += static_cast<std::size_t>(length);
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

}  // namespace gradref::cli::verify
