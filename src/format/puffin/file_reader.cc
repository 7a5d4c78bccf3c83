#include "format/puffin/file_reader.h"

#include <zstd.h>

#include <cstdint>
#include <memory>
#include <string_view>

#include "format/puffin/file_format_internal.h"
#include "format/puffin/footer_json.h"

namespace floe::puffin {

namespace {

using internal::kFooterTailBytes;
using internal::kMagic;

uint32_t LoadU32LittleEndian(const char* p) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

// Puffin blobs do not record their uncompressed size, and a zstd frame need not either: stream.
Result<std::string> DecompressZstd(std::string_view input) {
  std::unique_ptr<ZSTD_DStream, size_t (*)(ZSTD_DStream*)> stream(ZSTD_createDStream(),
                                                                  &ZSTD_freeDStream);
  if (stream == nullptr) return Internal("puffin: cannot allocate a zstd stream");
  std::string out;
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  std::string chunk(ZSTD_DStreamOutSize(), '\0');
  size_t remaining_hint = 1;  // 0 once a frame is complete
  while (in.pos < in.size || remaining_hint != 0) {
    ZSTD_outBuffer buffer{chunk.data(), chunk.size(), 0};
    remaining_hint = ZSTD_decompressStream(stream.get(), &buffer, &in);
    if (ZSTD_isError(remaining_hint)) {
      return Corrupt("puffin: zstd blob: {}", ZSTD_getErrorName(remaining_hint));
    }
    out.append(chunk.data(), buffer.pos);
    if (in.pos == in.size && buffer.pos == 0 && remaining_hint != 0) {
      return Corrupt("puffin: zstd blob is truncated");
    }
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<FileReader>> FileReader::OpenBuffer(std::string contents) {
  return Open(std::make_shared<io::StringInputFile>(std::move(contents)));
}

Result<std::unique_ptr<FileReader>> FileReader::Open(std::shared_ptr<io::InputFile> file) {
  if (!file) return InvalidArgument("puffin reader: no input file");
  FLOE_ASSIGN_OR_RAISE(int64_t size, file->Size());
  const auto min_size = static_cast<int64_t>(kMagic.size() * 2 + kFooterTailBytes);
  if (size < min_size) {
    return Corrupt("puffin: file of {} bytes is too short (at least {})", size, min_size);
  }
  std::string head(kMagic.size(), '\0');
  FLOE_RETURN_IF_ERROR(file->ReadAt(0, head.size(), head.data()));
  if (head != kMagic) return Corrupt("puffin: no PFA1 magic at the start of the file");
  std::string tail(kFooterTailBytes, '\0');
  FLOE_RETURN_IF_ERROR(
      file->ReadAt(size - static_cast<int64_t>(kFooterTailBytes), tail.size(), tail.data()));
  if (std::string_view(tail).substr(internal::kPayloadSizeBytes + internal::kFlagsBytes) !=
      kMagic) {
    return Corrupt("puffin: no PFA1 magic at the end of the file");
  }
  const int64_t payload_size = LoadU32LittleEndian(tail.data());
  const auto flags = static_cast<uint8_t>(tail[internal::kPayloadSizeBytes]);
  // The footer starts with its own magic; it must not reach into the leading one.
  const int64_t footer_start = size - static_cast<int64_t>(kFooterTailBytes) - payload_size -
                               static_cast<int64_t>(kMagic.size());
  if (footer_start < static_cast<int64_t>(kMagic.size())) {
    return Corrupt("puffin: footer payload of {} bytes does not fit in a {}-byte file",
                   payload_size, size);
  }
  std::string footer(kMagic.size() + static_cast<size_t>(payload_size), '\0');
  FLOE_RETURN_IF_ERROR(file->ReadAt(footer_start, footer.size(), footer.data()));
  if (std::string_view(footer).substr(0, kMagic.size()) != kMagic) {
    return Corrupt("puffin: no PFA1 magic at the start of the footer (offset {})", footer_start);
  }
  if ((flags & internal::kFlagFooterCompressed) != 0) {
    return NotSupported("puffin: the footer payload is LZ4-compressed; floe reads plain footers");
  }
  FLOE_ASSIGN_OR_RAISE(FileMetadata metadata,
                       FileMetadataFromJson(std::string_view(footer).substr(kMagic.size())));
  for (const BlobMetadata& blob : metadata.blobs) {
    if (blob.offset < static_cast<int64_t>(kMagic.size()) ||
        blob.length > footer_start - blob.offset) {
      return Corrupt("puffin: blob '{}' at offset {} of length {} lies outside the data area",
                     blob.type, blob.offset, blob.length);
    }
  }
  return std::make_unique<FileReader>(PrivateToken(), std::move(file), size, std::move(metadata));
}

Result<std::string> FileReader::ReadBlob(const BlobMetadata& blob) const {
  std::string bytes(static_cast<size_t>(blob.length), '\0');
  FLOE_RETURN_IF_ERROR(file_->ReadAt(blob.offset, bytes.size(), bytes.data()));
  if (!blob.compression_codec) return bytes;
  if (*blob.compression_codec == "zstd") return DecompressZstd(bytes);
  return NotSupported(
      "puffin: blob '{}' at offset {} is compressed with '{}'; floe reads "
      "uncompressed and zstd blobs only",
      blob.type, blob.offset, *blob.compression_codec);
}

}  // namespace floe::puffin
