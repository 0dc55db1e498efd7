#pragma once
// The three renderings of a verify run: text for people, one JSON document for
// programs, JUnit XML for CI systems (docs/verify.md shows each).
#include <string>
#include <vector>

#include "gradref/catalog/catalog.hpp"
#include "verify/case_check.hpp"

namespace gradref::cli::verify {

/// Per failing output its worst element, per suite a summary line, then a total.
/// `verbose`: every case and every output, passing ones too.
std::string text_report(const std::vector<SuiteCheck>& suites, bool verbose);

/// {"format": "gradref-verify", "version": 1, "passed", "suites": [...]}.
catalog::Json json_report(const std::vector<SuiteCheck>& suites);

/// testsuites > testsuite per golden/candidate pair > testcase per case, with
/// <failure> or <skipped>.
std::string junit_report(const std::vector<SuiteCheck>& suites);

/// Text with the five XML special characters escaped, characters XML 1.0 forbids
/// and bytes that are not UTF-8 replaced by '?'.
std::string xml_escape(const std::string& text);

}  // namespace gradref::cli::verify
