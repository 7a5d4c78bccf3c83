#include "common/logger.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace floe {
namespace {

TEST(LoggerTest, RedactsSecretValuesInEveryShape) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"credential=admin:hunter22 uri=http://x", "credential=*** uri=http://x"},
      {R"({"client_secret": "s3cr3t-value", "scope": "all"})",
       R"({"client_secret": "***", "scope": "all"})"},
      {"s3.secret-access-key: AKIAxyz, region: us", "s3.secret-access-key: ***, region: us"},
      {"grant_type=client_credentials&client_id=admin&client_secret=pw1234&scope=x",
       "grant_type=client_credentials&client_id=admin&client_secret=***&scope=x"},
      {"Authorization: Bearer eyJhbGciOi.x.y failed", "Authorization: *** *** failed"},
      {"got 401 for Bearer abc.def.ghi", "got 401 for Bearer ***"},
      {"postgresql://floe:pa55word@127.0.0.1:5432/db", "postgresql://floe:***@127.0.0.1:5432/db"},
      {"token=abcd and password=\"x y z\"", "token=*** and password=\"***\""},
      {"no secrets here: id=5 name=alpha", "no secrets here: id=5 name=alpha"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(RedactSecrets(in), want) << in;
}

TEST(LoggerTest, RegisteredSecretsAreMaskedAnywhere) {
  std::ostringstream out;
  Logger logger(out);
  logger.AddSecretsFrom({{"credential", "root:TopSecret99"}, {"uri", "http://host"}});
  logger.AddSecret("abc");  // too short to mask safely: ignored
  logger.Warn("could not log in as root:TopSecret99 at http://host (abc)");
  logger.Error("server said TopSecret99 is wrong");
  EXPECT_EQ(out.str(),
            "floe: warning: could not log in as *** at http://host (abc)\n"
            "floe: error: server said *** is wrong\n");
}

TEST(LoggerTest, JsonLinesForLogShippers) {
  std::ostringstream out;
  Logger logger(out, LogFormat::kJson);
  logger.Log(LogLevel::kInfo, "checkpoint \"7\" committed\nnext",
             {{"table", "ns.t"}, {"token", "xyz1"}});
  logger.Error(NotFound("table ns.x does not exist"));
  logger.Log(LogLevel::kDebug, "not shown at the default level");
  std::istringstream lines(out.str());
  std::string line;
  std::vector<nlohmann::json> events;
  while (std::getline(lines, line)) events.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["level"], "info");
  EXPECT_EQ(events[0]["msg"], "checkpoint \"7\" committed\nnext");
  EXPECT_EQ(events[0]["table"], "ns.t");
  EXPECT_EQ(events[0]["token"], "***");
  EXPECT_TRUE(events[0]["ts"].get<std::string>().ends_with("Z"));
  EXPECT_EQ(events[1]["level"], "error");
  EXPECT_EQ(events[1]["kind"], "not found");
}

TEST(LoggerTest, TextIsOneLinePerEvent) {
  std::ostringstream out;
  Logger logger(out);
  logger.Info("two\nlines");
  EXPECT_EQ(out.str(), "floe: two lines\n");
  EXPECT_FALSE(ParseLogFormat("xml").ok());
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
}

}  // namespace
}  // namespace floe
