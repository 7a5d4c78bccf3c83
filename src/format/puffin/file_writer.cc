#include "format/puffin/file_writer.h"

#include <array>

#include "format/puffin/file_format_internal.h"
#include "format/puffin/footer_json.h"

namespace floe::puffin {

using internal::kMagic;

Result<std::unique_ptr<FileWriter>> FileWriter::Make(io::OutputStream* sink) {
  if (sink == nullptr) return InvalidArgument("puffin writer: no output stream");
  auto writer = std::make_unique<FileWriter>(PrivateToken(), sink);
  FLOE_RETURN_IF_ERROR(writer->Write(kMagic));
  return writer;
}

Status FileWriter::Write(std::string_view bytes) {
  if (!sink_status_.ok()) return sink_status_;
  sink_status_ = sink_->Write(bytes);
  if (sink_status_.ok()) written_ += static_cast<int64_t>(bytes.size());
  return sink_status_;
}

Result<BlobMetadata> FileWriter::AddBlob(BlobMetadata description, std::string_view bytes) {
  if (finished_) return InvalidArgument("puffin writer: blob added after Finish()");
  if (description.type.empty()) return InvalidArgument("puffin writer: blob without a type");
  description.offset = written_;
  description.length = static_cast<int64_t>(bytes.size());
  description.compression_codec.reset();
  FLOE_RETURN_IF_ERROR(Write(bytes));
  metadata_.blobs.push_back(description);
  return description;
}

Status FileWriter::Finish(std::map<std::string, std::string> properties) {
  if (finished_) return finish_status_;
  finished_ = true;
  metadata_.properties = std::move(properties);
  const std::string payload = FileMetadataToJson(metadata_);
  const auto size = static_cast<uint32_t>(payload.size());
  std::array<char, internal::kPayloadSizeBytes + internal::kFlagsBytes> tail{};
  for (size_t i = 0; i < internal::kPayloadSizeBytes; ++i) {
    tail[i] = static_cast<char>((size >> (8 * i)) & 0xFF);
  }
  // Flags stay zero: the payload is not compressed.
  std::string footer;
  footer.reserve(kMagic.size() * 2 + payload.size() + tail.size());
  footer.append(kMagic).append(payload).append(tail.data(), tail.size()).append(kMagic);
  finish_status_ = Write(footer);
  return finish_status_;
}

}  // namespace floe::puffin
