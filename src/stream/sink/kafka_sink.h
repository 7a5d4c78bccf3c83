#pragma once

// The Kafka output sink: each selected row becomes one message on a topic, in the input's JSON
// shape (as the JSON-lines sink writes it), keyed by an optional expression.
//
// Exactly once (transactional): rows are produced inside a Kafka transaction that begins at the
// first Write after a commit; Commit adds the checkpoint's source offsets to the same transaction
// under the sink's own consumer group (`offsets_group`) and commits it, so the rows and the
// offsets that cover them become visible together to read_committed consumers. Recovery reads
// the offsets back from that group. At least once (not transactional): Commit waits for every
// delivery, then stores the offsets under the same group; a crash in between writes the rows
// again on restart.
//
// Repartition (a window's stage 1, stream/window/README.md "Across processes"): each row goes to
// the partition its group key's hash picks and carries the `floe.wm` header (its source
// partition, that partition's largest event time so far); Commit first sends a watermark-only
// message to every partition for each source partition whose event time moved since the last
// commit, then the offsets, in the same transaction.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "format/json/row_encoder.h"
#include "iceberg/schema.h"
#include "kafka/group_offsets.h"
#include "kafka/producer.h"
#include "stream/expr/expression.h"
#include "stream/sink/sink.h"

namespace floe::stream {

/// How a repartition topic's rows are spread and what they carry besides (KafkaSink above).
struct KafkaRepartition {
  /// Sets partition_of[row] (an array of the batch's rows) to the partition, of `partitions`,
  /// of each selected row: the hash of its group key (WindowOperator::Route).
  std::function<void(const RecordBatch&, Selection, uint32_t partitions, uint32_t* partition_of)>
      route;
  /// The rows' event-time column (a microsecond timestamp), for the headers.
  int event_time_column = -1;
};

struct KafkaSinkOptions {
  std::string name;  // the sink's name in the job
  std::string bootstrap_servers;
  std::string topic;
  std::map<std::string, std::string> properties;  // librdkafka properties (SASL, SSL, ...)
  /// Optional: an expression over the input's columns whose value, as text, is each message's
  /// key (NULL: no key). Empty: no keys.
  std::string key_expression;
  bool transactional = false;
  /// The producer's transactional id; empty: offsets_group. It must be stable across restarts
  /// (so that a restart fences the previous run) and distinct between concurrent producers.
  std::string transactional_id;
  /// The consumer group the sink's offsets are committed under, e.g. "<job>.<sink>".
  std::string offsets_group;
  /// The source topics whose offsets the sink records (CommittedOffsets looks them up).
  std::vector<std::string> source_topics;
  /// How long connecting, flushing and committing may take.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  /// Set: the topic is a window's repartition topic (transactional, no key_expression).
  std::optional<KafkaRepartition> repartition;
  /// Where warnings go (an abort at Close that failed); unset: nowhere.
  std::function<void(const std::string&)> warn;
};

/// Thread safety: one thread, as Sink says. Lifetime: Close() aborts an open transaction (an
/// abort that fails is a warning, not an error: the broker aborts the transaction when the same
/// transactional id starts again, or after its timeout).
class KafkaSink final : public Sink {
 public:
  /// Checks the options, binds the key expression, connects (initialising transactions fences
  /// an older producer of the same id), checks that the topic exists and reads the committed
  /// offsets back.
  static Result<std::unique_ptr<KafkaSink>> Open(const iceberg::Schema& input_schema,
                                                 KafkaSinkOptions options);
  ~KafkaSink() override;

  const std::string& name() const override { return options_.name; }
  Status Write(const RecordBatch& batch, Selection selection) override;
  Status Commit(const CheckpointInfo& checkpoint) override;
  /// Reads the group's offsets again (another process of the job may have moved them since).
  Result<OffsetMap> CommittedOffsets() override;
  Status Close() override;

  /// Rows produced since Open.
  int64_t rows_written() const { return rows_written_; }

 private:
  KafkaSink(KafkaSinkOptions options, json::RowEncoder encoder,
            std::unique_ptr<BoundExpression> key, std::unique_ptr<kafka::Producer> producer,
            std::unique_ptr<kafka::GroupOffsets> group, OffsetMap offsets, int32_t partitions);
  std::string Where() const;
  /// Repartition: produces the selected rows (their JSON in encoded_) to their key's partition
  /// with the floe.wm header.
  Status ProduceRepartitioned(const RecordBatch& batch, Selection selection);
  /// Repartition: a watermark-only message to every partition for each source partition whose
  /// event time moved since the last call.
  Status ProduceWatermarks();

  KafkaSinkOptions options_;
  json::RowEncoder encoder_;
  std::unique_ptr<BoundExpression> key_;  // yields a string column; null when no keys
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<kafka::GroupOffsets> group_;
  OffsetMap offsets_;  // committed, merged over every commit so far
  EvalContext eval_context_;
  ColumnVector keys_{ColumnKind::kBytes};
  std::string encoded_;  // the rows of one batch, one JSON object per line
  bool written_since_commit_ = false;
  bool closed_ = false;
  int64_t rows_written_ = 0;
  int32_t partitions_ = 0;  // of the topic
  /// Repartition: per source partition, its largest event time written, and what the last
  /// committed watermark-only messages said.
  std::map<TopicPartition, int64_t> event_clocks_;
  std::map<TopicPartition, int64_t> announced_clocks_;
  std::map<TopicPartition, int64_t> announcing_;  // in the open transaction
  std::vector<uint32_t> partition_of_;            // per row of the batch being written
};

}  // namespace floe::stream
