# Glue code: the catalog, the property tests and the CLI. Their translation units
# spend most of their compile time parsing the same heavy headers (nlohmann/json,
# RapidCheck, Boost.Multiprecision's MPFR backend through real.hpp; GoogleTest or
# CLI11) and optimizing code that is not hot: the arithmetic they drive runs in
# gradref_reference (MPFR) and gradref_fast, which keep their own flags. So they
# parse those headers once per target (a precompiled header) and build at -O1 in
# Release: together about half the compile time of a catalog file (-O3 without a
# precompiled header: 15.7 s for catalog/sgd.cpp; -O1 with one: 8.1 s), and the
# CI build is dominated by such files.
set(GRADREF_GLUE_HEADERS
  <functional> <map> <string> <vector>
  <nlohmann/json.hpp> <rapidcheck.h>
  "${PROJECT_SOURCE_DIR}/reference/include/gradref/reference/real.hpp")

# gradref_glue_code(TARGET [HEADERS h...]): h... are the target's own heavy headers.
function(gradref_glue_code target)
  cmake_parse_arguments(ARG "" "" "HEADERS" ${ARGN})
  target_precompile_headers(${target} PRIVATE ${GRADREF_GLUE_HEADERS} ${ARG_HEADERS})
  target_compile_options(${target} PRIVATE $<$<CONFIG:Release>:-O1>)
endfunction()
