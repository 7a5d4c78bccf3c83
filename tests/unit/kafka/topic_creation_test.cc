#include "kafka/topic_creation.h"

#include <gtest/gtest.h>

#include "kafka/producer.h"
#include "test_broker.h"

namespace floe::kafka {
namespace {

using namespace std::chrono_literals;
using testing::TestBroker;

// On the real broker (test_broker.h).
TEST(TopicCreationTest, CreatesAMissingTopicAndKeepsAnExistingOne) {
  const std::string bootstrap = TestBroker::Bootstrap();
  ASSERT_FALSE(bootstrap.empty());
  const std::string topic = TestBroker::UniqueName("made");
  auto made = EnsureTopic(bootstrap, {}, topic, 3, 20s);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(*made, 3);
  ProducerOptions options;
  options.bootstrap_servers = bootstrap;
  auto producer = Producer::Make(options);
  ASSERT_TRUE(producer.ok()) << producer.status().ToString();
  EXPECT_EQ((*producer)->PartitionCount(topic).ValueOr(-1), 3);
  // Again, asking for another count: the topic stays as it is and says how it is.
  auto again = EnsureTopic(bootstrap, {}, topic, 5, 20s);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, 3);
}

TEST(TopicCreationTest, BadRequestsAndUnreachableBrokersAreNamed) {
  auto none = EnsureTopic(TestBroker::Bootstrap(), {}, TestBroker::UniqueName("zero"), 0, 5s);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("0 partitions"), std::string::npos)
      << none.status().message();
  auto unreachable = EnsureTopic("127.0.0.1:1", {}, "t", 1, 2s);
  ASSERT_FALSE(unreachable.ok());
  EXPECT_NE(unreachable.status().message().find("kafka: creating topic 't'"), std::string::npos)
      << unreachable.status().message();
}

}  // namespace
}  // namespace floe::kafka
