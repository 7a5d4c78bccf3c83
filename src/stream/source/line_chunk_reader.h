#pragma once

// Reads a text file (or stdin) in large chunks of whole lines, numbering lines from 1: the input
// side of `floe table append` and of a job's file source. A regular file is mapped rather than
// copied into a buffer: the copy took a tenth of the seed job's time.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace floe::stream {

/// Thread safety: none. Owns the open file.
class LineChunkReader {
 public:
  /// Whole lines (the last line of the input may lack its '\n') and the number of the first.
  struct Chunk {
    std::string_view lines;
    int64_t first_line = 1;
    /// Detached mode, mapped files: owns the mapping `lines` views.
    std::shared_ptr<const void> keep_alive;
  };

  /// What a chunk holds at least (a line longer than this makes a larger chunk): big enough to
  /// amortize the per-chunk cost, small enough that a decoded chunk stays a modest batch.
  static constexpr size_t kDefaultChunkBytes = size_t{1} << 20;

  /// `path` "-" reads stdin; `chunk_bytes` (at least 1): see kDefaultChunkBytes.
  static Result<std::unique_ptr<LineChunkReader>> Open(const std::string& path,
                                                       size_t chunk_bytes = kDefaultChunkBytes);
  ~LineChunkReader();
  LineChunkReader(const LineChunkReader&) = delete;
  LineChunkReader& operator=(const LineChunkReader&) = delete;

  /// The next chunk, valid until the next call; nullopt at the end of the input.
  Result<std::optional<Chunk>> Next();

  /// "<stdin>" for stdin.
  const std::string& path() const { return path_; }
  /// The number of the line after the last one handed out.
  int64_t next_line() const { return next_line_; }
  /// Detached: a mapped file's chunks own their mapping (Chunk::keep_alive) and stay valid after
  /// the next call, so several can be worked on at once. Input that is not mapped (stdin, pipes,
  /// file systems without mmap) still reuses one buffer: its chunks have no keep_alive.
  void set_detached(bool detached) { detached_ = detached; }

 private:
  LineChunkReader(std::string path, std::FILE* file, size_t chunk_bytes)
      : path_(std::move(path)), file_(file), chunk_bytes_(chunk_bytes) {}

  // Grows the buffer to at least `bytes`, keeping its first size_ bytes.
  void Reserve(size_t bytes);
  // A regular file: the next chunk in a fresh mapping of the file.
  Result<std::optional<Chunk>> NextMapped();
  void Unmap();

  std::string path_;
  std::FILE* file_;
  size_t chunk_bytes_;
  // What was read, from the start of the last chunk handed out: size_ of capacity_ bytes used.
  // Plain bytes rather than a std::string, whose growth would zero-fill each read's room first.
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  size_t size_ = 0;
  size_t handed_out_ = 0;  // bytes of buffer_ in the last chunk
  // A regular file is read through a window mapped over the lines handed out last, rather than
  // copied, up to the size it had when opened (a file cut short while mapped would fault; files
  // being rewritten are not inputs). Where mapping fails, the rest is read into buffer_.
  bool mapped_ = false;
  uint64_t file_size_ = 0;
  uint64_t mapped_to_ = 0;  // file offset after the last chunk handed out
  char* window_ = nullptr;
  size_t window_size_ = 0;
  int64_t next_line_ = 1;
  bool eof_ = false;
  bool detached_ = false;
};

}  // namespace floe::stream
