#include "format/avro/writer.h"

#include <limits>
#include <random>

#include "format/avro/binary_encoder.h"
#include "format/avro/container_internal.h"
#include "format/avro/deflate_internal.h"

namespace floe::avro {
namespace {

constexpr int kMinDeflateLevel = -1;  // zlib's default
constexpr int kMaxDeflateLevel = 9;

std::string RandomSyncMarker() {
  std::random_device random;
  std::uniform_int_distribution<int> byte(0, std::numeric_limits<uint8_t>::max());
  std::string marker(internal::kSyncMarkerBytes, '\0');
  for (char& c : marker) c = static_cast<char>(byte(random));
  return marker;
}

}  // namespace

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kNull:
      return "null";
    case Codec::kDeflate:
      return "deflate";
  }
  return "unknown";
}

FileWriter::FileWriter(PrivateToken, io::OutputStream* sink, NodePtr schema, WriterOptions options,
                       std::string sync_marker)
    : sink_(sink),
      schema_(std::move(schema)),
      options_(std::move(options)),
      sync_marker_(std::move(sync_marker)) {}

Result<std::unique_ptr<FileWriter>> FileWriter::Make(io::OutputStream* sink, NodePtr schema,
                                                     WriterOptions options) {
  if (sink == nullptr) return InvalidArgument("avro writer needs a sink");
  if (schema == nullptr) return InvalidArgument("avro writer needs a schema");
  if (options.codec != Codec::kNull && options.codec != Codec::kDeflate) {
    return InvalidArgument("unknown codec {}", static_cast<int>(options.codec));
  }
  if (options.deflate_level < kMinDeflateLevel || options.deflate_level > kMaxDeflateLevel) {
    return InvalidArgument("deflate level {} is not in [{}, {}]", options.deflate_level,
                           kMinDeflateLevel, kMaxDeflateLevel);
  }
  if (options.block_size_bytes <= 0) {
    return InvalidArgument("block size {} must be positive", options.block_size_bytes);
  }
  for (const auto& [key, value] : options.metadata) {
    if (key.starts_with(internal::kReservedKeyPrefix)) {
      return InvalidArgument("metadata key '{}' is reserved for Avro", key);
    }
  }
  auto writer = std::make_unique<FileWriter>(PrivateToken(), sink, std::move(schema),
                                             std::move(options), RandomSyncMarker());
  FLOE_RETURN_IF_ERROR(writer->WriteHeader());
  return writer;
}

Status FileWriter::WriteHeader() {
  std::string header(internal::kMagic);
  BinaryEncoder encoder(&header);
  const auto& user = options_.metadata;
  // The metadata map in one block: avro.schema, avro.codec, then the user's keys.
  encoder.WriteLong(static_cast<int64_t>(user.size() + 2));
  encoder.WriteBytes(internal::kSchemaKey);
  encoder.WriteBytes(SchemaToJson(*schema_));
  encoder.WriteBytes(internal::kCodecKey);
  encoder.WriteBytes(CodecName(options_.codec));
  for (const auto& [key, value] : user) {
    encoder.WriteBytes(key);
    encoder.WriteBytes(value);
  }
  encoder.WriteLong(0);
  encoder.WriteFixed(sync_marker_);
  sink_status_ = sink_->Write(header);
  return sink_status_;
}

Status FileWriter::Append(const Value& datum) {
  FLOE_RETURN_IF_ERROR(sink_status_);
  if (closed_) return InvalidArgument("append to a closed avro writer");
  const size_t rollback = block_.size();
  BinaryEncoder encoder(&block_);
  Status status = EncodeValue(*schema_, datum, &encoder, "");
  if (!status.ok()) {
    block_.resize(rollback);
    return status;
  }
  ++block_rows_;
  ++rows_written_;
  if (static_cast<int64_t>(block_.size()) >= options_.block_size_bytes) return FlushBlock();
  return Status::Ok();
}

Status FileWriter::FlushBlock() {
  if (block_rows_ == 0) return Status::Ok();
  std::string compressed;
  std::string_view data = block_;
  if (options_.codec == Codec::kDeflate) {
    FLOE_ASSIGN_OR_RAISE(compressed, internal::RawDeflate(block_, options_.deflate_level));
    data = compressed;
  }
  std::string prefix;
  BinaryEncoder encoder(&prefix);
  encoder.WriteLong(block_rows_);
  encoder.WriteLong(static_cast<int64_t>(data.size()));
  sink_status_ = sink_->Write(prefix);
  if (sink_status_.ok()) sink_status_ = sink_->Write(data);
  if (sink_status_.ok()) sink_status_ = sink_->Write(sync_marker_);
  block_.clear();
  block_rows_ = 0;
  return sink_status_;
}

Status FileWriter::Close() {
  if (closed_) return sink_status_;
  closed_ = true;
  FLOE_RETURN_IF_ERROR(sink_status_);
  return FlushBlock();
}

}  // namespace floe::avro
