// Test main for the property suites: RapidCheck reads RC_PARAMS from the
// environment; when the caller set none, the depth registered for this CTest label
// (GRADREF_DEFAULT_RC_PARAMS) applies, so a person's RC_PARAMS always wins.
#include <gtest/gtest.h>

#include <cstdlib>

int main(int argc, char** argv) {
  const char* fallback = std::getenv("GRADREF_DEFAULT_RC_PARAMS");
  if (std::getenv("RC_PARAMS") == nullptr && fallback != nullptr) setenv("RC_PARAMS", fallback, 0);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
