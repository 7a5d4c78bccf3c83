#include "kafka/config.h"

#include <gtest/gtest.h>

namespace floe::kafka {
namespace {

TEST(KafkaConfigTest, SetsKnownProperties) {
  auto conf = MakeConf({{"client.id", "x"}, {"linger.ms", "20"}});
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  char value[64];
  size_t size = sizeof(value);
  ASSERT_EQ(rd_kafka_conf_get(conf->get(), "linger.ms", value, &size), RD_KAFKA_CONF_OK);
  EXPECT_STREQ(value, "20");
}

TEST(KafkaConfigTest, UnknownPropertyIsNamed) {
  auto conf = MakeConf({{"bootstrap.servers", "127.0.0.1:9092"}, {"no.such.property", "1"}});
  ASSERT_FALSE(conf.ok());
  EXPECT_EQ(conf.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(conf.status().message().find("property 'no.such.property'"), std::string::npos)
      << conf.status().message();
}

TEST(KafkaConfigTest, BadValueIsNamedWithLibrdkafkasReason) {
  auto conf = MakeConf({{"linger.ms", "soon"}});
  ASSERT_FALSE(conf.ok());
  EXPECT_NE(conf.status().message().find("property 'linger.ms': Invalid value"), std::string::npos)
      << conf.status().message();
}

TEST(KafkaConfigTest, SecretPropertiesAreKnown) {
  EXPECT_TRUE(IsSecretProperty("sasl.password"));
  EXPECT_TRUE(IsSecretProperty("ssl.key.password"));
  EXPECT_TRUE(IsSecretProperty("ssl.keystore.password"));
  EXPECT_TRUE(IsSecretProperty("sasl.oauthbearer.client.secret"));
  EXPECT_FALSE(IsSecretProperty("sasl.username"));
  EXPECT_FALSE(IsSecretProperty("bootstrap.servers"));
}

TEST(KafkaConfigTest, PropertyOrFallsBack) {
  Properties properties{{"a", "1"}};
  EXPECT_EQ(PropertyOr(properties, "a", "2"), "1");
  EXPECT_EQ(PropertyOr(properties, "b", "2"), "2");
}

}  // namespace
}  // namespace floe::kafka
