#include "stream/sink/kafka_sink.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "../../kafka/test_broker.h"
#include "common/uuid.h"
#include "kafka/consumer.h"
#include "stream/window/watermark_header.h"

namespace floe::stream {
namespace {

using namespace std::chrono_literals;
using iceberg::NestedField;
using iceberg::Type;
using iceberg::TypeId;

/// Accepts every assignment as is.
class NoOpListener : public kafka::RebalanceListener {
 public:
  Status OnAssigned(const std::vector<TopicPartition>&, OffsetMap*) override {
    return Status::Ok();
  }
  Status OnRevoked(const std::vector<TopicPartition>&, bool) override { return Status::Ok(); }
};

struct Read {
  std::optional<std::string> key;
  std::string value;
};

using kafka::testing::TestBroker;

// On the real broker (tests/unit/kafka/test_broker.h), with topics of the test's own: out_ (2
// partitions) and the source topic in_ (3), whose offsets the sink records.
class KafkaSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bootstrap_ = TestBroker::Bootstrap();
    ASSERT_FALSE(bootstrap_.empty());
    ASSERT_TRUE(TestBroker::CreateTopics({{out_, 2}, {in_, 3}}));
    schema_ = std::make_shared<iceberg::Schema>(
        0, std::vector<NestedField>{
               NestedField{1, "account_id", false, Type::Primitive(TypeId::kString), ""},
               NestedField{2, "n", false, Type::Primitive(TypeId::kLong), ""},
               NestedField{3, "ts", false, Type::Primitive(TypeId::kTimestampTz), ""}});
  }

  KafkaSinkOptions Options(bool transactional) {
    KafkaSinkOptions options;
    options.name = "output";
    options.bootstrap_servers = bootstrap_;
    options.topic = out_;
    options.transactional = transactional;
    options.offsets_group = fmt::format("job-{}.output", NewUuid());
    options.source_topics = {in_};
    options.timeout = 60s;  // a loaded machine makes transactions slow
    return options;
  }

  /// Rows first..first+rows-1 of partition profanity_words/`partition`; every third account is
  /// null.
  RecordBatch Batch(int64_t first, int64_t rows, int32_t partition = 0) {
    RecordBatch batch;
    batch.schema = schema_;
    batch.columns.emplace_back(ColumnKind::kBytes);
    batch.columns.emplace_back(ColumnKind::kInt64);
    batch.columns.emplace_back(ColumnKind::kInt64);
    for (int64_t i = first; i < first + rows; ++i) {
      if (i % 3 == 2) {
        batch.columns[0].AppendNull();
      } else {
        batch.columns[0].AppendBytes(fmt::format("acct-{}", i));
      }
      batch.columns[1].Append<int64_t>(i);
      batch.columns[2].Append<int64_t>(1757581271318522 + i);
      batch.offsets.push_back(i);
    }
    batch.position = SourcePosition{"kafka", fmt::format("{}/{}", in_, partition), partition};
    return batch;
  }

  static std::string Row(int64_t i) {
    std::string account = i % 3 == 2 ? "null" : fmt::format("\"acct-{}\"", i);
    return fmt::format("{{\"account_id\":{},\"n\":{},\"ts\":\"2025-09-11T09:01:11.{}Z\"}}", account,
                       i, 318522 + i);
  }

  /// What a consumer with `isolation` reads from output-topic within `wait` (at least
  /// `expected` messages are waited for).
  std::vector<Read> ReadOutput(const std::string& isolation, size_t expected,
                               std::chrono::milliseconds wait = 20s) {
    kafka::ConsumerOptions options;
    options.bootstrap_servers = bootstrap_;
    options.group_id = fmt::format("reader-{}", NewUuid());
    options.topics = {out_};
    options.properties = {{"isolation.level", isolation}};
    NoOpListener listener;
    auto consumer = kafka::Consumer::Make(options, &listener);
    EXPECT_TRUE(consumer.ok()) << consumer.status().ToString();
    if (!consumer.ok()) return {};
    std::vector<Read> read;
    kafka::MessageBatch batch;
    auto deadline = std::chrono::steady_clock::now() + wait;
    bool extra_wait = false;
    while (std::chrono::steady_clock::now() < deadline) {
      EXPECT_TRUE((*consumer)->Poll(100ms, 1000, &batch).ok());
      for (const auto& partition : batch.partitions()) {
        for (const auto& message : partition.messages) {
          read.push_back(
              Read{message.has_key ? std::optional(std::string(message.key)) : std::nullopt,
                   std::string(message.payload)});
        }
      }
      if (read.size() >= expected && !extra_wait) {
        extra_wait = true;  // a little longer, to see anything beyond
        deadline = std::min(deadline, std::chrono::steady_clock::now() + 1s);
      }
    }
    EXPECT_TRUE((*consumer)->Close().ok());
    return read;
  }

  std::string bootstrap_;
  const std::string out_ = TestBroker::UniqueName("output-topic");
  const std::string in_ = TestBroker::UniqueName("profanity_words");
  std::shared_ptr<iceberg::Schema> schema_;
};

TEST_F(KafkaSinkTest, WritesTheInputShapeWithKeysAndStoresItsOffsets) {
  KafkaSinkOptions options = Options(/*transactional=*/false);
  options.key_expression = "account_id";
  auto sink = KafkaSink::Open(*schema_, options);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  RecordBatch batch = Batch(0, 10);
  std::vector<uint32_t> rows = {0, 2, 5, 9};
  ASSERT_TRUE((*sink)->Write(batch, Selection{rows.data(), rows.size()}).ok());
  CheckpointInfo checkpoint{"job", 1, {{TopicPartition{in_, 0}, 10}}, {}};
  ASSERT_TRUE((*sink)->Commit(checkpoint).ok());
  EXPECT_EQ((*sink)->rows_written(), 4);

  std::vector<Read> read = ReadOutput("read_uncommitted", 4);
  ASSERT_EQ(read.size(), 4u);
  std::map<std::string, std::optional<std::string>> by_value;
  for (const Read& message : read) by_value[message.value] = message.key;
  for (uint32_t row : rows) {
    auto it = by_value.find(Row(row));
    ASSERT_NE(it, by_value.end()) << "missing " << Row(row);
    if (row % 3 == 2) {
      EXPECT_FALSE(it->second.has_value()) << "a NULL key expression gives no key";
    } else {
      EXPECT_EQ(it->second, fmt::format("acct-{}", row));
    }
  }
  ASSERT_TRUE((*sink)->Close().ok());

  // A new sink of the same group reads the offsets back.
  auto reopened = KafkaSink::Open(*schema_, options);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto offsets = (*reopened)->CommittedOffsets();
  ASSERT_TRUE(offsets.ok());
  EXPECT_EQ(*offsets, (OffsetMap{{TopicPartition{in_, 0}, 10}}));
  // Merged over what it had.
  CheckpointInfo next{"job", 2, {{TopicPartition{in_, 1}, 4}}, {}};
  ASSERT_TRUE((*reopened)->Commit(next).ok());
  auto stored = kafka::CommittedGroupOffsets(bootstrap_, {}, options.offsets_group, {in_}, 10s);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(*stored, (OffsetMap{{TopicPartition{in_, 0}, 10}, {TopicPartition{in_, 1}, 4}}));
}

TEST_F(KafkaSinkTest, KeysFromANonStringExpression) {
  KafkaSinkOptions options = Options(false);
  options.key_expression = "n * 10";
  auto sink = KafkaSink::Open(*schema_, options);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  RecordBatch batch = Batch(1, 2);
  ASSERT_TRUE((*sink)->Write(batch, Selection::All(2)).ok());
  ASSERT_TRUE((*sink)->Commit(CheckpointInfo{"job", 1, {}, {}}).ok());
  std::vector<Read> read = ReadOutput("read_uncommitted", 2);
  ASSERT_EQ(read.size(), 2u);
  std::set<std::string> keys;
  for (const Read& message : read) keys.insert(message.key.value_or("<none>"));
  EXPECT_EQ(keys, (std::set<std::string>{"10", "20"}));
}

TEST_F(KafkaSinkTest, TransactionalCommitsRowsWithOffsetsAndDiscardsTheRest) {
  KafkaSinkOptions options = Options(/*transactional=*/true);
  auto sink = KafkaSink::Open(*schema_, options);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  // Nothing written, offsets unchanged: no transaction at all.
  ASSERT_TRUE((*sink)->Commit(CheckpointInfo{"job", 1, {}, {}}).ok());

  ASSERT_TRUE((*sink)->Write(Batch(0, 5), Selection::All(5)).ok());
  CheckpointInfo checkpoint{"job", 2, {{TopicPartition{in_, 2}, 5}}, {}};
  ASSERT_TRUE((*sink)->Commit(checkpoint).ok());
  // Written after the commit and never committed: aborted by Close.
  ASSERT_TRUE((*sink)->Write(Batch(5, 3), Selection::All(3)).ok());
  Status closed = (*sink)->Close();
  ASSERT_TRUE(closed.ok()) << closed.ToString();
  ASSERT_TRUE((*sink)->Close().ok());  // twice is fine

  std::vector<Read> read = ReadOutput("read_committed", 5);
  std::set<std::string> values;
  for (const Read& message : read) values.insert(message.value);
  for (int64_t i = 0; i < 5; ++i) EXPECT_TRUE(values.contains(Row(i))) << Row(i);
  // The aborted rows are hidden from read_committed consumers.
  EXPECT_EQ(read.size(), 5u);

  auto reopened = KafkaSink::Open(*schema_, options);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->CommittedOffsets().ValueOr({}), (OffsetMap{{TopicPartition{in_, 2}, 5}}));
}

TEST_F(KafkaSinkTest, OffsetsOnlyCommitStillCommits) {
  KafkaSinkOptions options = Options(/*transactional=*/true);
  auto sink = KafkaSink::Open(*schema_, options);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  // Every row was filtered out, but the source moved on: the offsets must still be recorded.
  CheckpointInfo checkpoint{"job", 1, {{TopicPartition{in_, 0}, 100}}, {}};
  ASSERT_TRUE((*sink)->Commit(checkpoint).ok());
  EXPECT_EQ((*sink)->CommittedOffsets().ValueOr({}), checkpoint.offsets);
  auto stored = kafka::CommittedGroupOffsets(bootstrap_, {}, options.offsets_group, {in_}, 10s);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, checkpoint.offsets);
}

// Two processes of one job: a partition moves from the first sink to the second, which moves
// it on; the first's next commit (for the partitions it still holds) must not store its stale
// offset of the moved one again.
TEST_F(KafkaSinkTest, OffsetsOfAMovedPartitionAreNotMovedBack) {
  KafkaSinkOptions options = Options(/*transactional=*/true);
  KafkaSinkOptions other_options = options;
  other_options.transactional_id = options.offsets_group + "-other";
  auto first = KafkaSink::Open(*schema_, options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE((*first)
                  ->Commit(CheckpointInfo{
                      "job", 1, {{TopicPartition{in_, 0}, 10}, {TopicPartition{in_, 1}, 10}}, {}})
                  .ok());
  auto second = KafkaSink::Open(*schema_, other_options);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_TRUE((*second)->Commit(CheckpointInfo{"job", 2, {{TopicPartition{in_, 0}, 50}}, {}}).ok());
  ASSERT_TRUE((*first)->Commit(CheckpointInfo{"job", 3, {{TopicPartition{in_, 1}, 20}}, {}}).ok());
  auto stored = kafka::CommittedGroupOffsets(bootstrap_, {}, options.offsets_group, {in_}, 10s);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(*stored, (OffsetMap{{TopicPartition{in_, 0}, 50}, {TopicPartition{in_, 1}, 20}}));
}

// A window's repartition topic (stage 1): each row in the partition the router picks, with the
// floe.wm header of its source partition's largest event time so far; at the commit a
// watermark-only message to every partition, after the rows, with the input offsets.
TEST_F(KafkaSinkTest, RepartitionRoutesRowsWithWatermarkHeaders) {
  KafkaSinkOptions options = Options(/*transactional=*/true);
  KafkaRepartition repartition;
  repartition.route = [](const RecordBatch& batch, Selection rows, uint32_t partitions,
                         uint32_t* partition_of) {
    for (size_t i = 0; i < rows.count; ++i) {
      const size_t row = rows.Row(i);
      partition_of[row] = static_cast<uint32_t>(batch.columns[1].Value<int64_t>(row)) % partitions;
    }
  };
  repartition.event_time_column = 2;
  options.repartition = repartition;
  auto sink = KafkaSink::Open(*schema_, options);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  RecordBatch batch = Batch(0, 6, /*partition=*/1);
  ASSERT_TRUE((*sink)->Write(batch, Selection::All(6)).ok());
  ASSERT_TRUE((*sink)->Commit(CheckpointInfo{"job", 1, {{TopicPartition{in_, 1}, 6}}, {}}).ok());
  ASSERT_TRUE((*sink)->Close().ok());

  kafka::ConsumerOptions reader;
  reader.bootstrap_servers = bootstrap_;
  reader.group_id = fmt::format("reader-{}", NewUuid());
  reader.topics = {out_};
  NoOpListener listener;
  auto consumer = kafka::Consumer::Make(reader, &listener);
  ASSERT_TRUE(consumer.ok()) << consumer.status().ToString();
  // Per output partition, in order: (value, header).
  std::map<int32_t, std::vector<std::pair<std::string, std::string>>> read;
  size_t count = 0;
  kafka::MessageBatch messages;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (count < 8 && std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE((*consumer)->Poll(100ms, 1000, &messages).ok());
    for (const auto& partition : messages.partitions()) {
      for (const auto& message : partition.messages) {
        std::string header;
        for (const auto& [name, value] : message.headers) {
          if (name == window::kWatermarkHeader) header = std::string(value);
        }
        read[message.partition].emplace_back(std::string(message.payload), header);
        ++count;
      }
    }
  }
  ASSERT_TRUE((*consumer)->Close().ok());
  ASSERT_EQ(count, 8u);  // 6 rows, a watermark-only message to each of the 2 partitions
  const TopicPartition source{batch.position.partition, 1};
  const int64_t first_ts = 1757581271318522;
  for (int32_t partition = 0; partition < 2; ++partition) {
    const auto& messages_of = read[partition];
    ASSERT_EQ(messages_of.size(), 4u) << partition;
    for (size_t i = 0; i < 3; ++i) {
      const int64_t n = partition + 2 * static_cast<int64_t>(i);
      EXPECT_EQ(messages_of[i].first, Row(n));
      auto header = window::WatermarkHeader::Parse(messages_of[i].second);
      ASSERT_TRUE(header.has_value()) << messages_of[i].second;
      EXPECT_EQ(header->source, source);
      EXPECT_EQ(header->max_event_micros, first_ts + n);
      EXPECT_FALSE(header->watermark_only);
    }
    EXPECT_EQ(messages_of[3].first, "{}");
    auto last = window::WatermarkHeader::Parse(messages_of[3].second);
    ASSERT_TRUE(last.has_value()) << messages_of[3].second;
    EXPECT_TRUE(last->watermark_only);
    EXPECT_EQ(last->source, source);
    EXPECT_EQ(last->max_event_micros, first_ts + 5);
  }
  auto stored = kafka::CommittedGroupOffsets(bootstrap_, {}, options.offsets_group, {in_}, 10s);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(*stored, (OffsetMap{{TopicPartition{in_, 1}, 6}}));

  // Without transactions a repartition topic could show rows without their offsets.
  options.transactional = false;
  auto plain = KafkaSink::Open(*schema_, options);
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.status().message().find("a repartition topic is written transactionally"),
            std::string::npos)
      << plain.status().message();
}

TEST_F(KafkaSinkTest, BadOptionsAreNamed) {
  KafkaSinkOptions options = Options(false);
  options.key_expression = "acount_id";
  auto sink = KafkaSink::Open(*schema_, options);
  ASSERT_FALSE(sink.ok());
  EXPECT_NE(sink.status().message().find("unknown column 'acount_id'"), std::string::npos)
      << sink.status().message();

  const std::string missing = TestBroker::UniqueName("missing-topic");
  options = Options(false);
  options.topic = missing;
  sink = KafkaSink::Open(*schema_, options);
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.status().kind(), ErrorKind::kNotFound);
  EXPECT_NE(sink.status().message().find(fmt::format("kafka: topic '{}' does not exist", missing)),
            std::string::npos)
      << sink.status().message();

  options = Options(false);
  options.offsets_group.clear();
  EXPECT_FALSE(KafkaSink::Open(*schema_, options).ok());

  options = Options(false);
  options.properties["sasl.passwrd"] = "secret";
  sink = KafkaSink::Open(*schema_, options);
  ASSERT_FALSE(sink.ok());
  EXPECT_NE(sink.status().message().find("'sasl.passwrd'"), std::string::npos);
}

}  // namespace
}  // namespace floe::stream
