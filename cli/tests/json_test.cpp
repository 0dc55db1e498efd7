// The JSON form of cases and outputs: numbers are read exactly from their text,
// and every bad input is refused with an error naming the field to fix.
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "gradref/catalog/json.hpp"
#include "gradref/spec/errors.hpp"

namespace gradref::catalog {
namespace {

Json parse(const std::string& text) {
  std::istringstream in(text);
  return parse_json_exact(in);
}

// A one-step Adam case on a single parameter, with `param` and `step` spliced in.
std::string adam_case(const std::string& param, const std::string& step = "0", const std::string& extra = "") {
  return R"({"op": "adam", )" + extra + R"("inputs": {"param": {"shape": [1], "data": [)" + param +
         R"(]}, "grad": {"shape": [1], "data": [0.5]}, "exp_avg": {"shape": [1], "data": [0]},
         "exp_avg_sq": {"shape": [1], "data": [0]}, "step": {"shape": [], "data": [)" + step + "]}}}";
}

// The field named by the InvalidInput that reading `text` as a case raises.
std::string refused_field(const std::string& text) {
  try {
    case_from_json(parse(text));
  } catch (const InvalidInput& e) {
    const Json j = error_to_json(e);
    EXPECT_EQ(j["error"]["message"], e.what());
    return j["error"]["field"];
  }
  return "(accepted)";
}

TEST(ParseJsonExact, KeepsFloatingPointTextAndIntegers) {
  const Json j = parse(R"({"x": 0.1, "big": 1e300, "n": -3, "h": "0x1.99999ap-4"})");
  EXPECT_EQ(j["x"], "0.1");
  EXPECT_EQ(j["big"], "1e300");
  EXPECT_TRUE(j["n"].is_number_integer());
  EXPECT_EQ(j["n"], -3);
  EXPECT_EQ(j["h"], "0x1.99999ap-4");
}

TEST(ParseJsonExact, RefusesMalformedText) {
  EXPECT_THROW(parse(R"({"x": [1, 2,]})"), InvalidInput);
  EXPECT_THROW(parse(""), InvalidInput);
  EXPECT_THROW(parse("{} trailing"), InvalidInput);
  EXPECT_EQ(refused_field("{\"op\": "), "json");
  EXPECT_EQ(refused_field(std::string(100000, '[') + std::string(100000, ']')), "json");  // not a stack overflow
}

TEST(CaseFromJson, ReadsDecimalNumbersExactly) {
  const Case c = case_from_json(parse(adam_case("0.1")));
  const Real& x = c.inputs.at("param")[0];
  EXPECT_TRUE(x == parse_real("0.1"));
  EXPECT_FALSE(x == exact(0.1));  // the decimal 0.1, not the double nearest it
}

TEST(CaseFromJson, ReadsHexFloatsAndIntegersExactly) {
  const Case c = case_from_json(parse(adam_case(R"("0x1.99999ap-4")", R"("7")")));
  EXPECT_TRUE(c.inputs.at("param")[0] == exact(static_cast<double>(0.1f)));
  EXPECT_TRUE(c.inputs.at("step")[0] == 7);
  EXPECT_TRUE(c.inputs.at("step").shape().empty());
}

TEST(CaseFromJson, IntegerPortsRefuseFractions) {
  EXPECT_EQ(refused_field(adam_case("1", "1.5")), "inputs.step[0]");
  EXPECT_EQ(refused_field(adam_case("1", R"("nan")")), "inputs.step[0]");
  EXPECT_NO_THROW(case_from_json(parse(adam_case("1", "2.0"))));
}

TEST(CaseFromJson, AcceptsNestedDataMatchingTheShapeAndBareArrays) {
  const Case c = case_from_json(parse(R"({"op": "cross_entropy", "inputs": {
      "logits": {"shape": [2, 2], "data": [[1, 2], [3, "4"]]}, "target": {"shape": [2], "data": [0, 1]}}})"));
  EXPECT_TRUE(c.inputs.at("logits")[3] == 4);
  const Case bare = case_from_json(parse(R"({"op": "cross_entropy", "inputs": {
      "logits": [[1, 2], [3, "4"]], "target": [0, 1]}})"));
  EXPECT_EQ(bare.inputs.at("logits").shape(), (Shape{2, 2}));
  EXPECT_EQ(bare.inputs.at("target").shape(), (Shape{2}));
  EXPECT_EQ(refused_field(R"({"op": "cross_entropy", "inputs": {
      "logits": {"shape": [2, 2], "data": [[1, 2, 3], [4]]}, "target": {"shape": [2], "data": [0, 1]}}})"),
            "inputs.logits.data");
}

TEST(CaseFromJson, NamesTheFieldOfEveryError) {
  EXPECT_EQ(refused_field(R"({"op": "no_such_op", "inputs": {}})"), "op");
  EXPECT_EQ(refused_field(R"({"op": "adam", "inputs": {"param": {"shape": [1], "data": [1]}}})"), "inputs.grad");
  EXPECT_EQ(refused_field(adam_case(R"("1.0.0")")), "inputs.param[0]");
  EXPECT_EQ(refused_field(adam_case("true")), "inputs.param[0]");
  EXPECT_EQ(refused_field(adam_case("1, 2")), "inputs.param.data");
  EXPECT_EQ(refused_field(adam_case("1", "0", R"("preset": "no_such_preset", )")), "preset");
  EXPECT_EQ(refused_field(adam_case("1", "0", R"("inputs2": {}, )")), "inputs2");
  EXPECT_EQ(refused_field(adam_case("1", "0", R"("spec": {"lr": "fast"}, )")), "lr");
  EXPECT_EQ(refused_field(R"({"op": "adam", "inputs": {"velocity": [1]}})"), "inputs.velocity");
}

TEST(CaseToJson, RoundTripsExactly) {
  const Case c = case_from_json(parse(adam_case(R"("0.1")", "3", R"("spec": {"lr": 0.01}, )")));
  std::istringstream text(case_to_json(c).dump());
  const Case back = case_from_json(parse_json_exact(text));
  EXPECT_EQ(back.spec, c.spec);
  ASSERT_EQ(back.inputs.size(), c.inputs.size());
  for (const auto& [name, array] : c.inputs) {
    ASSERT_EQ(back.inputs.at(name).shape(), array.shape()) << name;
    for (std::int64_t i = 0; i < array.size(); ++i) EXPECT_TRUE(back.inputs.at(name)[i] == array[i]) << name;
  }
}

TEST(OutputsToJson, GivesEveryOutputElementwise) {
  const Case c = case_from_json(parse(R"({"op": "cross_entropy", "spec": {"reduction": "none"}, "inputs": {
      "logits": {"shape": [2, 3], "data": [1000, 0, -1.5, 0.25, "0x1.99999ap-4", 2]},
      "target": {"shape": [2], "data": [1, 2]}}})"));
  const Json j = outputs_to_json(c, evaluate_certified(find(c.op), c, 128));
  EXPECT_EQ(j["bits"], 128);
  const Json& loss = j["outputs"]["loss"];
  EXPECT_EQ(loss["shape"], Json::array({2}));
  for (const char* key : {"digits", "exact", "float32", "float64"}) EXPECT_EQ(loss[key].size(), 2u) << key;
  EXPECT_EQ(loss["float64"][0], 1000.0);  // 1000 + log(1 + e^-1000 + e^-1001.5) rounds to 1000
  EXPECT_EQ(j["outputs"]["grad_logits"]["float32"].size(), 6u);
}

}  // namespace
}  // namespace gradref::catalog
