#include "stream/sink/dead_letter.h"

#include <fmt/format.h>

#include <chrono>

#include "common/uuid.h"
#include "iceberg/type.h"

namespace floe::stream {

namespace {

using iceberg::NestedField;
using iceberg::Type;
using iceberg::TypeId;

enum Column : size_t {
  kErrorId,
  kErrorType,
  kErrorMessage,
  kErrorTimestamp,
  kRawPayload,
  kSourceTopic,
  kSourcePartition,
  kSourceOffset,
  kSourceFile,
  kSourceLine,
  kColumnCount,
};

// Length of the valid UTF-8 sequence at the start of `s`, or 0 when it is not one (overlong
// forms, surrogates and code points above U+10FFFF are invalid, as RFC 3629 says).
size_t ValidSequenceLength(std::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t lead = byte(0);
  if (lead < 0x80) return 1;
  size_t length = 0;
  uint8_t min_second = 0x80;
  uint8_t max_second = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) min_second = 0xA0;
    if (lead == 0xED) max_second = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) min_second = 0x90;
    if (lead == 0xF4) max_second = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < length) return 0;
  if (byte(1) < min_second || byte(1) > max_second) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t at = 0; at < s.size();) {
    size_t length = ValidSequenceLength(s.substr(at));
    if (length == 0) return false;
    at += length;
  }
  return true;
}

void AppendOptionalBytes(ColumnVector& column, const std::optional<std::string>& value) {
  if (value) {
    column.AppendBytes(*value);
  } else {
    column.AppendNull();
  }
}

}  // namespace

std::string_view DeadLetterTypeName(DeadLetterType type) {
  switch (type) {
    case DeadLetterType::kDeserialization:
      return "deserialization_error";
    case DeadLetterType::kValidation:
      return "validation_error";
    case DeadLetterType::kTransformation:
      return "transformation_error";
    case DeadLetterType::kSchema:
      return "schema_error";
    case DeadLetterType::kLateRecord:
      return "late_record";
    case DeadLetterType::kInvalidChange:
      return "invalid_change";
  }
  return "unknown_error";
}

std::shared_ptr<const iceberg::Schema> DeadLetterSchema() {
  const auto field = [](int32_t id, const char* name, TypeId type) {
    return NestedField{id, name, false, Type::Primitive(type), ""};
  };
  static const std::shared_ptr<const iceberg::Schema> kSchema =
      std::make_shared<const iceberg::Schema>(0,
                                              std::vector<NestedField>{
                                                  field(1, "error_id", TypeId::kString),
                                                  field(2, "error_type", TypeId::kString),
                                                  field(3, "error_message", TypeId::kString),
                                                  field(4, "error_timestamp", TypeId::kTimestampTz),
                                                  field(5, "raw_payload", TypeId::kString),
                                                  field(6, "source_topic", TypeId::kString),
                                                  field(7, "source_partition", TypeId::kInt),
                                                  field(8, "source_offset", TypeId::kLong),
                                                  field(9, "source_file", TypeId::kString),
                                                  field(10, "source_line", TypeId::kLong),
                                              });
  return kSchema;
}

std::string EscapeRawPayload(std::string_view raw) {
  if (IsValidUtf8(raw)) return std::string(raw);
  std::string out;
  out.reserve(raw.size() + 16);
  for (size_t at = 0; at < raw.size();) {
    size_t length = ValidSequenceLength(raw.substr(at));
    if (length == 0) {
      out += fmt::format("\\x{:02X}", static_cast<uint8_t>(raw[at]));
      ++at;
    } else if (raw[at] == '\\') {
      out += "\\\\";
      ++at;
    } else {
      out.append(raw.substr(at, length));
      at += length;
    }
  }
  return out;
}

DeadLetterBuilder::DeadLetterBuilder(SourcePosition position) : position_(std::move(position)) {
  Reset();
}

void DeadLetterBuilder::Reset() {
  batch_ = RecordBatch{};
  batch_.schema = DeadLetterSchema();
  batch_.position = position_;
  for (size_t i = 0; i < kColumnCount; ++i) {
    ColumnKind kind = ColumnKind::kBytes;
    if (i == kErrorTimestamp || i == kSourceOffset || i == kSourceLine) kind = ColumnKind::kInt64;
    if (i == kSourcePartition) kind = ColumnKind::kInt32;
    batch_.columns.emplace_back(kind);
  }
}

void DeadLetterBuilder::Add(DeadLetterType type, std::string_view message, std::string_view raw,
                            const DeadLetterSource& source) {
  const int64_t now_micros = std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
  std::vector<ColumnVector>& c = batch_.columns;
  c[kErrorId].AppendBytes(NewUuid());
  c[kErrorType].AppendBytes(DeadLetterTypeName(type));
  c[kErrorMessage].AppendBytes(message);
  c[kErrorTimestamp].Append<int64_t>(now_micros);
  c[kRawPayload].AppendBytes(EscapeRawPayload(raw));
  AppendOptionalBytes(c[kSourceTopic], source.topic);
  if (source.partition) {
    c[kSourcePartition].Append<int32_t>(*source.partition);
  } else {
    c[kSourcePartition].AppendNull();
  }
  c[kSourceOffset].Append<int64_t>(source.offset);
  AppendOptionalBytes(c[kSourceFile], source.file);
  if (source.line) {
    c[kSourceLine].Append<int64_t>(*source.line);
  } else {
    c[kSourceLine].AppendNull();
  }
  batch_.offsets.push_back(source.offset);
}

RecordBatch DeadLetterBuilder::Take() {
  RecordBatch out = std::move(batch_);
  Reset();
  return out;
}

}  // namespace floe::stream
