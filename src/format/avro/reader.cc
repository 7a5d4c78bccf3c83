#include "format/avro/reader.h"

#include <algorithm>
#include <limits>

#include "format/avro/binary_decoder.h"
#include "format/avro/container_internal.h"
#include "format/avro/deflate_internal.h"
#include "format/avro/writer.h"

namespace floe::avro {
namespace {

// Far above any manifest block; bounds what a corrupt deflate block may make us allocate.
constexpr size_t kMaxInflatedBlockBytes = size_t{1} << 30;
// Rows of a schema such as "null" take no bytes, so the data cannot bound their count; this does.
constexpr uint64_t kMaxEmptyRowsPerBlock = uint64_t{1} << 20;

Result<std::map<std::string, std::string>> ReadMetadata(BinaryDecoder* decoder) {
  std::map<std::string, std::string> metadata;
  while (true) {
    const int64_t start = decoder->offset();
    FLOE_ASSIGN_OR_RAISE(int64_t count, decoder->ReadLong());
    if (count == 0) break;
    if (count == std::numeric_limits<int64_t>::min()) {
      return Corrupt("header metadata count {} at byte {} is invalid", count, start);
    }
    if (count < 0) {
      count = -count;
      FLOE_ASSIGN_OR_RAISE(int64_t size_bytes, decoder->ReadLong());
      (void)size_bytes;  // the entries are read one by one anyway
    }
    // Each entry holds at least two length bytes.
    if (static_cast<uint64_t>(count) > decoder->remaining()) {
      return Corrupt("header metadata count {} at byte {} exceeds the file", count, start);
    }
    for (int64_t i = 0; i < count; ++i) {
      FLOE_ASSIGN_OR_RAISE(std::string key, decoder->ReadBytes());
      FLOE_ASSIGN_OR_RAISE(std::string value, decoder->ReadBytes());
      metadata[std::move(key)] = std::move(value);
    }
  }
  return metadata;
}

Status ReadBlocks(Codec codec, const std::string_view sync_marker, BinaryDecoder* decoder,
                  ContainerFile* file) {
  for (int64_t block = 0; !decoder->at_end(); ++block) {
    const int64_t block_start = decoder->offset();
    auto where = [&] { return fmt::format("block {} at byte {}", block, block_start); };
    auto count = decoder->ReadLong();
    FLOE_RETURN_IF_ERROR_CTX(count, where());
    auto size_bytes = decoder->ReadLong();
    FLOE_RETURN_IF_ERROR_CTX(size_bytes, where());
    if (*count < 0 || *size_bytes < 0) {
      return Corrupt("{}: negative row count {} or size {}", where(), *count, *size_bytes);
    }
    if (static_cast<uint64_t>(*size_bytes) > decoder->remaining()) {
      return Corrupt("{}: truncated: {} bytes of data but {} remain", where(), *size_bytes,
                     decoder->remaining());
    }
    const int64_t data_offset = decoder->offset();
    FLOE_ASSIGN_OR_RAISE(std::string_view data,
                         decoder->ReadFixed(static_cast<size_t>(*size_bytes)));
    if (decoder->remaining() < internal::kSyncMarkerBytes) {
      return Corrupt("{}: truncated before its sync marker", where());
    }
    FLOE_ASSIGN_OR_RAISE(std::string_view sync, decoder->ReadFixed(internal::kSyncMarkerBytes));
    if (sync != sync_marker) {
      return Corrupt("{}: wrong sync marker at byte {}", where(),
                     decoder->offset() - static_cast<int64_t>(internal::kSyncMarkerBytes));
    }
    std::string inflated;
    if (codec == Codec::kDeflate) {
      auto result = internal::RawInflate(data, kMaxInflatedBlockBytes);
      FLOE_RETURN_IF_ERROR_CTX(result, where());
      inflated = std::move(*result);
      data = inflated;
    }
    // Offsets inside a deflated block count from the start of the inflated data.
    BinaryDecoder rows(data, codec == Codec::kDeflate ? 0 : data_offset);
    if (static_cast<uint64_t>(*count) > std::max<uint64_t>(data.size(), kMaxEmptyRowsPerBlock)) {
      return Corrupt("{}: {} rows cannot fit in {} bytes", where(), *count, data.size());
    }
    for (int64_t i = 0; i < *count; ++i) {
      auto row = DecodeValue(*file->schema, &rows);
      FLOE_RETURN_IF_ERROR_CTX(
          row, fmt::format("{}, row {}{}", where(), i,
                           codec == Codec::kDeflate ? " (offsets within the inflated block)" : ""));
      file->rows.push_back(std::move(*row));
    }
    if (!rows.at_end()) {
      return Corrupt("{}: {} bytes left after its {} rows", where(), rows.remaining(), *count);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<ContainerFile> ReadContainer(std::string_view bytes) {
  if (bytes.size() < internal::kMagic.size() ||
      bytes.substr(0, internal::kMagic.size()) != internal::kMagic) {
    return Corrupt("not an Avro container file: bad magic at byte 0");
  }
  BinaryDecoder decoder(bytes.substr(internal::kMagic.size()),
                        static_cast<int64_t>(internal::kMagic.size()));
  ContainerFile file;
  auto metadata = ReadMetadata(&decoder);
  FLOE_RETURN_IF_ERROR_CTX(metadata, "header metadata");
  file.metadata = std::move(*metadata);

  auto schema_it = file.metadata.find(std::string(internal::kSchemaKey));
  if (schema_it == file.metadata.end()) return Corrupt("header has no avro.schema");
  auto schema = ParseSchema(schema_it->second);
  if (!schema.ok()) {
    // A valid schema floe cannot handle (a recursive type) is not damage.
    if (schema.status().kind() == ErrorKind::kNotSupported) {
      return schema.status().WithContext("avro.schema");
    }
    return Corrupt("avro.schema: {}", schema.status().message());
  }
  file.schema = std::move(*schema);

  Codec codec = Codec::kNull;  // the specification's default when the key is absent
  if (auto it = file.metadata.find(std::string(internal::kCodecKey)); it != file.metadata.end()) {
    if (it->second == CodecName(Codec::kDeflate)) {
      codec = Codec::kDeflate;
    } else if (it->second != CodecName(Codec::kNull)) {
      return Corrupt("unknown codec '{}'", it->second);
    }
  }

  if (decoder.remaining() < internal::kSyncMarkerBytes) {
    return Corrupt("header truncated before its sync marker at byte {}", decoder.offset());
  }
  FLOE_ASSIGN_OR_RAISE(std::string_view sync, decoder.ReadFixed(internal::kSyncMarkerBytes));
  FLOE_RETURN_IF_ERROR(ReadBlocks(codec, sync, &decoder, &file));
  return file;
}

}  // namespace floe::avro
