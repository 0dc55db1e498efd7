// One golden case as plain data, handed between the JSON side (main.cpp) and the
// libtorch side (libtorch_ops.cpp). Neither nlohmann nor torch appears here: the
// torch translation unit is the expensive one to compile and includes nothing else.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gradref_libtorch {

/// A row-major array. Values of either dtype, and integer ports (class indices,
/// step counters), are held exactly in double.
struct Array {
  std::vector<std::int64_t> shape;
  std::vector<double> data;
};
using Arrays = std::map<std::string, Array>;

/// The case's spec: numbers (flags as 0 or 1, integers exactly) and choices.
struct Spec {
  std::map<std::string, double> numbers;
  std::map<std::string, std::string> choices;
};

struct Case {
  std::string op;
  Spec spec;
  Arrays inputs;
};

enum class Dtype { float32, float64 };

/// What libtorch made of a case: its outputs, the outputs after each step of an
/// update rule, or why libtorch cannot express the case (`skipped` not empty).
struct Outcome {
  Arrays outputs;
  std::vector<Arrays> trajectory;
  std::string skipped;
};

/// Runs libtorch on the case's inputs in the dtype. Throws std::exception when
/// libtorch itself fails.
Outcome run_libtorch(const Case& c, Dtype dtype);

/// What ran, for the candidate's `implementation` ("libtorch 1.13.1 torch::optim::Adam").
std::string libtorch_implementation(const std::string& op);

}  // namespace gradref_libtorch
