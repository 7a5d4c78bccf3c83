#include "stream/source/debezium_decoder.h"

#include <simdjson.h>

#include <algorithm>
#include <limits>

#include "stream/json_fields.h"

namespace floe::stream {
namespace {

namespace dom = simdjson::dom;

constexpr int64_t kMicrosPerMilli = 1000;

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

}  // namespace

std::string_view ChangeOpCode(ChangeOp op) {
  switch (op) {
    case ChangeOp::kCreate:
      return "c";
    case ChangeOp::kRead:
      return "r";
    case ChangeOp::kUpdate:
      return "u";
    case ChangeOp::kDelete:
      return "d";
  }
  return "?";
}

std::optional<ChangeOp> ChangeOpFromCode(std::string_view code) {
  if (code == "c") return ChangeOp::kCreate;
  if (code == "r") return ChangeOp::kRead;
  if (code == "u") return ChangeOp::kUpdate;
  if (code == "d") return ChangeOp::kDelete;
  return std::nullopt;
}

void DecodedChanges::Clear() {
  ops.clear();
  ts_micros.clear();
  invalid.clear();
  tombstones = 0;
}

struct DebeziumDecoder::Impl {
  explicit Impl(json::BatchDecoder decoder) : rows(std::move(decoder)) {}

  json::BatchDecoder rows;
  std::vector<std::string> key_columns;
  dom::parser parser;
  std::string image;  // the row image of the record being decoded, as JSON text

  // The envelope of a parsed record: nullopt for a tombstone; an error text for an invalid
  // change; else the op, time and image element.
  struct Envelope {
    ChangeOp op = ChangeOp::kCreate;
    std::optional<int64_t> ts_micros;
    dom::element image;
  };

  // Reads the envelope of `root`. Returns false for a tombstone; sets *error for an invalid
  // change.
  bool ReadEnvelope(dom::element root, Envelope* envelope, std::string* error);
  void Decode(std::string_view record, int64_t position, json::DecodedBatch* batch,
              DecodedChanges* changes);
};

bool DebeziumDecoder::Impl::ReadEnvelope(dom::element root, Envelope* envelope,
                                         std::string* error) {
  if (root.is_null()) return false;
  dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    *error = "the change is not a JSON object";
    return true;
  }
  // The converter's wrapper: {"schema":..., "payload": envelope-or-null}.
  dom::element payload;
  if (object["payload"].get(payload) == simdjson::SUCCESS &&
      object["op"].error() == simdjson::NO_SUCH_FIELD) {
    if (payload.is_null()) return false;
    if (payload.get_object().get(object) != simdjson::SUCCESS) {
      *error = "'payload' is not a JSON object";
      return true;
    }
  }
  std::string_view code;
  dom::element op;
  if (object["op"].get(op) != simdjson::SUCCESS || op.is_null()) {
    *error = "no 'op'";
    return true;
  }
  if (op.get_string().get(code) != simdjson::SUCCESS) {
    *error = fmt::format("'op' is not a string: {}", simdjson::minify(op));
    return true;
  }
  std::optional<ChangeOp> parsed = ChangeOpFromCode(code);
  if (!parsed) {
    *error = fmt::format("unknown op '{}' (expected c, r, u or d)", code);
    return true;
  }
  envelope->op = *parsed;
  envelope->ts_micros.reset();
  dom::element ts;
  if (object["ts_ms"].get(ts) == simdjson::SUCCESS && !ts.is_null()) {
    int64_t ms = 0;
    constexpr int64_t kMaxMs = std::numeric_limits<int64_t>::max() / kMicrosPerMilli;
    if (ts.get_int64().get(ms) != simdjson::SUCCESS || ms > kMaxMs || ms < -kMaxMs) {
      *error = fmt::format("'ts_ms' is not a time in milliseconds: {}", simdjson::minify(ts));
      return true;
    }
    envelope->ts_micros = ms * kMicrosPerMilli;
  }
  const char* image_key = envelope->op == ChangeOp::kDelete ? "before" : "after";
  dom::element image;
  if (object[image_key].get(image) != simdjson::SUCCESS || image.is_null()) {
    *error = fmt::format("op '{}' without '{}'", code, image_key);
    return true;
  }
  dom::object image_object;
  if (image.get_object().get(image_object) != simdjson::SUCCESS) {
    *error = fmt::format("'{}' is not a JSON object", image_key);
    return true;
  }
  for (const std::string& key : key_columns) {
    dom::element value;
    if (image_object[key].get(value) != simdjson::SUCCESS || value.is_null()) {
      *error = fmt::format("key column '{}' is null in '{}'", key, image_key);
      return true;
    }
  }
  envelope->image = image;
  return true;
}

void DebeziumDecoder::Impl::Decode(std::string_view record, int64_t position,
                                   json::DecodedBatch* batch, DecodedChanges* changes) {
  if (record.empty()) {  // a Kafka tombstone: the value is null
    ++changes->tombstones;
    return;
  }
  dom::element root;
  if (simdjson::error_code code = parser.parse(record.data(), record.size()).get(root);
      code != simdjson::SUCCESS) {
    batch->errors.push_back({position, record, json::RecordErrorType::kDeserialization,
                             fmt::format("not valid JSON: {}", simdjson::error_message(code))});
    return;
  }
  Envelope envelope;
  std::string error;
  if (!ReadEnvelope(root, &envelope, &error)) {
    ++changes->tombstones;
    return;
  }
  if (!error.empty()) {
    changes->invalid.push_back({position, record, std::move(error)});
    return;
  }
  image = simdjson::minify(envelope.image);
  const size_t errors_before = batch->errors.size();
  // Fails only for a batch of another decoder, which NewBatch rules out.
  Status status = rows.DecodeOne(image, position, batch);
  if (!status.ok()) {
    batch->errors.push_back(
        {position, record, json::RecordErrorType::kDeserialization, std::string(status.message())});
    return;
  }
  if (batch->errors.size() > errors_before) {
    json::RecordError& failed = batch->errors.back();
    failed.raw = record;  // the image was a transient copy
    failed.message = fmt::format("'{}': {}", envelope.op == ChangeOp::kDelete ? "before" : "after",
                                 failed.message);
    return;
  }
  changes->ops.push_back(envelope.op);
  changes->ts_micros.push_back(envelope.ts_micros);
}

DebeziumDecoder::DebeziumDecoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DebeziumDecoder::DebeziumDecoder(DebeziumDecoder&&) noexcept = default;
DebeziumDecoder& DebeziumDecoder::operator=(DebeziumDecoder&&) noexcept = default;
DebeziumDecoder::~DebeziumDecoder() = default;

Result<DebeziumDecoder> DebeziumDecoder::Make(const iceberg::Schema& row_schema,
                                              const std::vector<std::string>& key_columns) {
  for (const std::string& key : key_columns) {
    if (row_schema.FindFieldByName(key) == nullptr) {
      return InvalidArgument("debezium-json: key column '{}' is not a column of the source", key);
    }
  }
  FLOE_ASSIGN_OR_RAISE(std::vector<json::FieldSpec> fields, JsonFieldsFor(row_schema));
  FLOE_ASSIGN_OR_RAISE(json::BatchDecoder rows, json::BatchDecoder::Make(std::move(fields)));
  auto impl = std::make_unique<Impl>(std::move(rows));
  impl->key_columns = key_columns;
  return DebeziumDecoder(std::move(impl));
}

json::DecodedBatch DebeziumDecoder::NewBatch() const {
  json::DecodedBatch batch = impl_->rows.NewBatch();
  batch.defer = false;
  return batch;
}

Status DebeziumDecoder::DecodeOne(std::string_view record, int64_t position,
                                  json::DecodedBatch* rows, DecodedChanges* changes) {
  if (rows == nullptr || changes == nullptr) return InvalidArgument("debezium-json: no output");
  impl_->Decode(record, position, rows, changes);
  return Status::Ok();
}

Status DebeziumDecoder::DecodeLines(std::string_view buffer, int64_t first_line_number,
                                    json::DecodedBatch* rows, DecodedChanges* changes) {
  if (rows == nullptr || changes == nullptr) return InvalidArgument("debezium-json: no output");
  int64_t line_number = first_line_number;
  while (!buffer.empty()) {
    const size_t end = buffer.find('\n');
    std::string_view line = buffer.substr(0, end);
    buffer = end == std::string_view::npos ? std::string_view() : buffer.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!IsBlank(line)) impl_->Decode(line, line_number, rows, changes);
    ++line_number;
  }
  return Status::Ok();
}

}  // namespace floe::stream
