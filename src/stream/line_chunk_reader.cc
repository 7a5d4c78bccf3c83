#include "stream/line_chunk_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace floe::stream {

namespace {

// Big enough to amortize the per-chunk cost, small enough that a decoded chunk stays a modest
// batch; a line longer than this simply makes a larger read.
constexpr size_t kReadChunkBytes = 4 << 20;

}  // namespace

Result<std::unique_ptr<LineChunkReader>> LineChunkReader::Open(const std::string& path) {
  std::FILE* file = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (file == nullptr) return IoError("cannot open {}: {}", path, std::strerror(errno));
  return std::unique_ptr<LineChunkReader>(
      new LineChunkReader(path == "-" ? "<stdin>" : path, file));
}

LineChunkReader::~LineChunkReader() {
  if (file_ != nullptr && file_ != stdin) std::fclose(file_);
}

Result<std::optional<LineChunkReader::Chunk>> LineChunkReader::Next() {
  buffer_.erase(0, handed_out_);
  handed_out_ = 0;
  while (!eof_ || !buffer_.empty()) {
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
    // Whole lines only; an incomplete last line waits for the next read.
    size_t end = eof_ ? buffer_.size() : buffer_.rfind('\n');
    if (end == std::string::npos) continue;  // one line longer than a chunk: read more
    if (!eof_) ++end;
    Chunk chunk{std::string_view(buffer_.data(), end), next_line_};
    next_line_ += static_cast<int64_t>(std::count(chunk.lines.begin(), chunk.lines.end(), '\n'));
    if (!chunk.lines.empty() && chunk.lines.back() != '\n') ++next_line_;  // unterminated last
    handed_out_ = end;
    return std::optional<Chunk>(chunk);
  }
  return std::optional<Chunk>();
}

}  // namespace floe::stream
