#pragma once

// Where a source column's values come from: the record's JSON (by the column's name), or the
// record's position and envelope. The job definition (pipeline/) names these in a source's
// schema; the runtime fills them (envelope_columns.h).

#include <cstdint>

#include "iceberg/type.h"

namespace floe::stream {

/// Kafka: topic, partition, offset, timestamp, key, headers; files: the path as topic,
/// partition 0, the line number as offset, no timestamp, key or headers. kHeaders: every header
/// as a JSON object (a repeated name keeps its last value, a header without a value is null);
/// kHeader: the value of one header (the last of that name), null if the message has none.
/// Header values that are not UTF-8 get U+FFFD for each bad byte.
enum class MetadataColumn : uint8_t {
  kNone,
  kTopic,
  kPartition,
  kOffset,
  kTimestamp,
  kKey,
  kHeaders,
  kHeader,
  kCdcOp,  // change streams (format: debezium-json): the op letter, c, r, u or d
  kCdcTs   // change streams: the change's ts_ms
};

/// The type a metadata column must have: string, int, long, timestamptz, string, string.
inline iceberg::TypeId MetadataTypeId(MetadataColumn metadata) {
  switch (metadata) {
    case MetadataColumn::kPartition:
      return iceberg::TypeId::kInt;
    case MetadataColumn::kOffset:
      return iceberg::TypeId::kLong;
    case MetadataColumn::kTimestamp:
    case MetadataColumn::kCdcTs:
      return iceberg::TypeId::kTimestampTz;
    case MetadataColumn::kNone:
    case MetadataColumn::kTopic:
    case MetadataColumn::kKey:
    case MetadataColumn::kHeaders:
    case MetadataColumn::kHeader:
    case MetadataColumn::kCdcOp:
      break;
  }
  return iceberg::TypeId::kString;
}

}  // namespace floe::stream
