#pragma once
// gradref::testing: check your own implementation of an op against gradref's exact
// reference from your GoogleTest / RapidCheck suite (docs/testing-api.md).
#include "gradref/testing/cases.hpp"
#include "gradref/testing/matchers.hpp"
