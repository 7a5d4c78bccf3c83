#include "cli/row_reader.h"

#include <cerrno>
#include <cstring>

#include "stream/json_fields.h"

namespace floe::cli {

namespace {

// Big enough to amortize the per-call cost, small enough that a batch stays in cache-friendly
// column buffers; a longer line simply makes a larger read.
constexpr size_t kReadChunkBytes = 4 << 20;

}  // namespace

RowReader::RowReader(std::string path, std::FILE* file, json::BatchDecoder decoder)
    : path_(std::move(path)),
      file_(file),
      decoder_(std::move(decoder)),
      batch_(decoder_.NewBatch()) {}

RowReader::~RowReader() {
  if (file_ != nullptr && file_ != stdin) std::fclose(file_);
}

Result<std::unique_ptr<RowReader>> RowReader::Open(const std::string& path,
                                                   const iceberg::Schema& schema) {
  FLOE_ASSIGN_OR_RAISE(std::vector<json::FieldSpec> fields, stream::JsonFieldsFor(schema));
  FLOE_ASSIGN_OR_RAISE(json::BatchDecoder decoder, json::BatchDecoder::Make(std::move(fields)));
  std::FILE* file = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (file == nullptr) return IoError("cannot open {}: {}", path, std::strerror(errno));
  return std::unique_ptr<RowReader>(
      new RowReader(path == "-" ? "<stdin>" : path, file, std::move(decoder)));
}

Result<const json::DecodedBatch*> RowReader::Next() {
  while (true) {
    batch_.Clear();
    if (eof_ && buffer_.empty()) return nullptr;
    if (!eof_) {
      size_t old_size = buffer_.size();
      buffer_.resize(old_size + kReadChunkBytes);
      size_t got = std::fread(buffer_.data() + old_size, 1, kReadChunkBytes, file_);
      buffer_.resize(old_size + got);
      if (got < kReadChunkBytes) {
        if (std::ferror(file_)) return IoError("reading {}: {}", path_, std::strerror(errno));
        eof_ = true;
      }
    }
    // Decode whole lines; keep an incomplete last line for the next read.
    size_t end = eof_ ? buffer_.size() : buffer_.rfind('\n');
    if (end == std::string::npos) continue;  // one line longer than a chunk: read more
    if (!eof_) ++end;
    std::string_view lines(buffer_.data(), end);
    int64_t first_line = next_line_;
    for (char c : lines) next_line_ += (c == '\n');
    FLOE_RETURN_IF_ERROR(decoder_.DecodeLines(lines, first_line, &batch_));
    if (!batch_.errors.empty()) {
      const json::RecordError& error = batch_.errors.front();
      return InvalidArgument("{}:{}: {} ({})", path_, error.position, error.message,
                             json::RecordErrorTypeName(error.type));
    }
    buffer_.erase(0, end);
    if (batch_.num_rows() > 0) return &batch_;
  }
}

}  // namespace floe::cli
