#include "kafka/producer.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/uuid.h"
#include "kafka_test_util.h"
#include "test_broker.h"

namespace floe::kafka {
namespace {

using namespace std::chrono_literals;
using testing::ConsumeAtLeast;
using testing::Received;
using testing::RecordingListener;
using testing::TestBroker;

// On the real broker (test_broker.h), with topics of the test's own: out_ (2 partitions) and
// source_ (3).
class ProducerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bootstrap_ = TestBroker::Bootstrap();
    ASSERT_FALSE(bootstrap_.empty());
    ASSERT_TRUE(TestBroker::CreateTopics({{out_, 2}, {source_, 3}}));
  }

  ProducerOptions Options(std::string transactional_id = "") {
    ProducerOptions options;
    options.bootstrap_servers = bootstrap_;
    options.transactional_id = std::move(transactional_id);
    options.timeout = 20s;
    return options;
  }

  /// Every message of `topic` a consumer with `isolation` sees within `wait`.
  std::vector<Received> ReadAll(const std::string& topic, const std::string& isolation,
                                size_t expected, std::chrono::milliseconds wait = 20s) {
    ConsumerOptions options;
    options.bootstrap_servers = bootstrap_;
    options.group_id = fmt::format("reader-{}", NewUuid());
    options.topics = {topic};
    options.properties = {{"isolation.level", isolation}};
    RecordingListener listener;
    auto consumer = Consumer::Make(options, &listener);
    EXPECT_TRUE(consumer.ok()) << consumer.status().ToString();
    if (!consumer.ok()) return {};
    std::vector<Received> received = ConsumeAtLeast(**consumer, expected, wait);
    // Anything beyond `expected`: read on until a second passes without a message, since the
    // rest may come in more than one fetch.
    for (;;) {
      std::vector<Received> more = ConsumeAtLeast(**consumer, 1, 1s);
      if (more.empty()) break;
      for (Received& message : more) received.push_back(std::move(message));
    }
    EXPECT_TRUE((*consumer)->Close().ok());
    return received;
  }

  std::string bootstrap_;
  const std::string out_ = TestBroker::UniqueName("out");
  const std::string source_ = TestBroker::UniqueName("source");
};

TEST_F(ProducerTest, IdempotentProduceAndFlush) {
  auto producer = Producer::Make(Options());
  ASSERT_TRUE(producer.ok()) << producer.status().ToString();
  for (int i = 0; i < 100; ++i) {
    std::string value = fmt::format("v{}", i);
    ASSERT_TRUE(
        (*producer)
            ->Produce(out_, i % 2 ? std::optional<std::string_view>("key") : std::nullopt, value)
            .ok());
  }
  ASSERT_TRUE((*producer)->Flush(10s).ok());
  std::vector<Received> received = ReadAll(out_, "read_uncommitted", 100);
  ASSERT_EQ(received.size(), 100u);
  size_t keyed = 0;
  for (const Received& message : received) keyed += message.has_key && message.key == "key";
  EXPECT_EQ(keyed, 50u);
  EXPECT_EQ((*producer)->PartitionCount(out_).ValueOr(-1), 2);
  const std::string nope = TestBroker::UniqueName("nope");
  auto missing = (*producer)->PartitionCount(nope);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().kind(), ErrorKind::kNotFound);
  EXPECT_NE(missing.status().message().find(fmt::format("kafka: topic '{}' does not exist", nope)),
            std::string::npos)
      << missing.status().message();
}

TEST_F(ProducerTest, MessagesGoToTheirPartitionWithTheirHeaders) {
  auto producer = Producer::Make(Options());
  ASSERT_TRUE(producer.ok()) << producer.status().ToString();
  for (int i = 0; i < 20; ++i) {
    const std::string value = fmt::format("v{}", i);
    const std::string mark = fmt::format("m{}", i);
    OutgoingMessage message;
    message.partition = i % 3;
    if (i % 2 == 0) message.key = "k";
    message.value = value;
    message.headers = {{"floe.wm", mark}, {"empty", ""}};
    ASSERT_TRUE((*producer)->Produce(source_, message).ok());
  }
  ASSERT_TRUE((*producer)->Flush(10s).ok());
  std::vector<Received> received = ReadAll(source_, "read_uncommitted", 20);
  ASSERT_EQ(received.size(), 20u);
  for (const Received& message : received) {
    const int i = std::stoi(message.payload.substr(1));
    EXPECT_EQ(message.partition.partition, i % 3) << message.payload;
    EXPECT_EQ(message.has_key, i % 2 == 0) << message.payload;
    EXPECT_EQ(message.headers, (std::vector<std::pair<std::string, std::string>>{
                                   {"floe.wm", fmt::format("m{}", i)}, {"empty", ""}}));
  }
  // A partition the topic does not have.
  OutgoingMessage beyond;
  beyond.partition = 7;
  beyond.value = "x";
  Status status = (*producer)->Produce(source_, beyond);
  if (status.ok()) status = (*producer)->Flush(10s);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("partition"), std::string::npos) << status.message();
}

TEST_F(ProducerTest, CommittedTransactionIsVisibleAndAbortedOneIsNot) {
  auto producer = Producer::Make(Options(fmt::format("txn-{}", NewUuid())));
  ASSERT_TRUE(producer.ok()) << producer.status().ToString();
  Producer& p = **producer;
  ASSERT_TRUE(p.BeginTransaction().ok());
  EXPECT_TRUE(p.in_transaction());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(p.Produce(out_, std::nullopt, "committed").ok());
  ASSERT_TRUE(p.CommitTransaction().ok());
  EXPECT_FALSE(p.in_transaction());

  ASSERT_TRUE(p.BeginTransaction().ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(p.Produce(out_, std::nullopt, "aborted").ok());
  ASSERT_TRUE(p.Flush(10s).ok());
  ASSERT_TRUE(p.AbortTransaction().ok());
  EXPECT_FALSE(p.in_transaction());

  std::vector<Received> received = ReadAll(out_, "read_committed", 10);
  size_t committed = 0, aborted = 0;
  for (const Received& message : received) {
    committed += message.payload == "committed";
    aborted += message.payload == "aborted";
  }
  EXPECT_EQ(committed, 10u);
  EXPECT_EQ(aborted, 0u);
  // read_uncommitted sees both transactions' messages.
  std::vector<Received> everything = ReadAll(out_, "read_uncommitted", 20);
  EXPECT_EQ(everything.size(), 20u);
}

TEST_F(ProducerTest, ANewProducerOfTheSameIdTakesOver) {
  const std::string id = fmt::format("txn-{}", NewUuid());
  auto old_producer = Producer::Make(Options(id));
  ASSERT_TRUE(old_producer.ok());
  ASSERT_TRUE((*old_producer)->BeginTransaction().ok());
  ASSERT_TRUE((*old_producer)->Produce(out_, std::nullopt, "open").ok());
  ASSERT_TRUE((*old_producer)->Flush(10s).ok());
  // A new producer of the same id initialises: the broker aborts the old one's open
  // transaction and fences it.
  auto new_producer = Producer::Make(Options(id));
  ASSERT_TRUE(new_producer.ok()) << new_producer.status().ToString();
  ASSERT_TRUE((*new_producer)->BeginTransaction().ok());
  ASSERT_TRUE((*new_producer)->Produce(out_, std::nullopt, "new").ok());
  ASSERT_TRUE((*new_producer)->CommitTransaction().ok());
  EXPECT_FALSE((*old_producer)->CommitTransaction().ok()) << "the old producer was not fenced";
  std::vector<Received> received = ReadAll(out_, "read_committed", 1);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].payload, "new");
}

TEST_F(ProducerTest, TransactionalProduceOutsideATransactionFails) {
  auto producer = Producer::Make(Options(fmt::format("txn-{}", NewUuid())));
  ASSERT_TRUE(producer.ok());
  EXPECT_FALSE((*producer)->CommitTransaction().ok());
  EXPECT_FALSE((*producer)->SendOffsetsToTransaction({{TopicPartition{source_, 0}, 1}}, "g").ok());
  EXPECT_TRUE((*producer)->AbortTransaction().ok());  // nothing open: a no-op
}

TEST_F(ProducerTest, TransactionOffsetsComeBackFromTheGroup) {
  auto producer = Producer::Make(Options(fmt::format("txn-{}", NewUuid())));
  ASSERT_TRUE(producer.ok()) << producer.status().ToString();
  const std::string group = fmt::format("job.sink-{}", NewUuid());
  OffsetMap offsets = {{TopicPartition{source_, 0}, 12}, {TopicPartition{source_, 2}, 40}};
  ASSERT_TRUE((*producer)->BeginTransaction().ok());
  ASSERT_TRUE((*producer)->Produce(out_, std::nullopt, "x").ok());
  ASSERT_TRUE((*producer)->SendOffsetsToTransaction(offsets, group).ok());
  ASSERT_TRUE((*producer)->CommitTransaction().ok());

  auto committed = CommittedGroupOffsets(bootstrap_, {}, group, {source_}, 10s);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(*committed, offsets);

  auto missing =
      CommittedGroupOffsets(bootstrap_, {}, group, {TestBroker::UniqueName("nope")}, 10s);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'nope-"), std::string::npos)
      << missing.status().message();
}

TEST_F(ProducerTest, GroupOffsetsCommittedFromOutsideTheGroup) {
  const std::string group = fmt::format("job.sink-{}", NewUuid());
  OffsetMap offsets = {{TopicPartition{source_, 1}, 5}};
  ASSERT_TRUE(CommitGroupOffsets(bootstrap_, {}, group, offsets, 10s).ok());
  auto committed = CommittedGroupOffsets(bootstrap_, {}, group, {source_}, 10s);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(*committed, offsets);
}

TEST_F(ProducerTest, UnreachableBrokerFailsTransactionsNamingIt) {
  ProducerOptions options = Options(fmt::format("txn-{}", NewUuid()));
  options.bootstrap_servers = "127.0.0.1:1";
  options.timeout = 1500ms;
  auto producer = Producer::Make(options);
  ASSERT_FALSE(producer.ok());
  EXPECT_NE(producer.status().message().find("127.0.0.1:1"), std::string::npos)
      << producer.status().message();
}

TEST_F(ProducerTest, UnreachableBrokerFailsFlushNamingIt) {
  ProducerOptions options = Options();
  options.bootstrap_servers = "127.0.0.1:1";
  options.timeout = 1500ms;
  auto producer = Producer::Make(options);
  ASSERT_TRUE(producer.ok()) << producer.status().ToString();
  ASSERT_TRUE((*producer)->Produce(out_, std::nullopt, "x").ok());
  Status status = (*producer)->Flush(5s);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("127.0.0.1:1"), std::string::npos) << status.message();
}

TEST_F(ProducerTest, BadPropertyIsNamed) {
  ProducerOptions options = Options();
  options.properties["linger.mss"] = "5";
  auto producer = Producer::Make(options);
  ASSERT_FALSE(producer.ok());
  EXPECT_NE(producer.status().message().find("'linger.mss'"), std::string::npos);
}

}  // namespace
}  // namespace floe::kafka
