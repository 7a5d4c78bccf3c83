#include "pipeline/interpolation.h"

#include <gtest/gtest.h>

namespace floe::pipeline {
namespace {

const Environment kEnvironment = {{"HOST", "polaris"}, {"PORT", "8181"}, {"EMPTY", ""}};

std::string Expand(std::string_view text) {
  auto result = Interpolate(text, kEnvironment);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ValueOr("");
}

TEST(InterpolationTest, ReplacesSetVariables) {
  EXPECT_EQ(Expand("http://${HOST}:${PORT}/api"), "http://polaris:8181/api");
  EXPECT_EQ(Expand("no references"), "no references");
  EXPECT_EQ(Expand("$HOST and $ alone"), "$HOST and $ alone");
}

TEST(InterpolationTest, DefaultsApplyWhenUnsetOrEmpty) {
  EXPECT_EQ(Expand("${MISSING:-./warehouse}"), "./warehouse");
  EXPECT_EQ(Expand("${EMPTY:-fallback}"), "fallback");
  EXPECT_EQ(Expand("${HOST:-other}"), "polaris");
  EXPECT_EQ(Expand("${MISSING:-}"), "");
  EXPECT_EQ(Expand("${MISSING:-a:b-c}"), "a:b-c");
}

TEST(InterpolationTest, DoubleDollarEscapes) {
  EXPECT_EQ(Expand("$${HOST}"), "${HOST}");
  EXPECT_EQ(Expand("$$${PORT}"), "$${PORT}");  // "$$" then "${": only "$${" is special
}

TEST(InterpolationTest, SetButEmptyWithoutDefaultIsEmpty) { EXPECT_EQ(Expand("[${EMPTY}]"), "[]"); }

TEST(InterpolationTest, UnsetWithoutDefaultNamesTheVariable) {
  auto result = Interpolate("${POLARIS_URI}/v1", kEnvironment);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(result.status().message().find("environment variable POLARIS_URI is not set"),
            std::string::npos)
      << result.status().message();
}

TEST(InterpolationTest, MalformedReferencesAreErrors) {
  EXPECT_FALSE(Interpolate("${HOST", kEnvironment).ok());
  EXPECT_FALSE(Interpolate("${}", kEnvironment).ok());
  EXPECT_FALSE(Interpolate("${1ABC}", kEnvironment).ok());
  EXPECT_FALSE(Interpolate("${A B}", kEnvironment).ok());
}

TEST(InterpolationTest, ProcessEnvironmentSeesPath) {
  Environment environment = ProcessEnvironment();
  EXPECT_TRUE(environment.contains("PATH"));
}

}  // namespace
}  // namespace floe::pipeline
