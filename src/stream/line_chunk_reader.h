#pragma once

// Reads a text file (or stdin) in large chunks of whole lines, numbering lines from 1: the input
// side of `floe table append` and of a job's file source.

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
  };

  /// `path` "-" reads stdin.
  static Result<std::unique_ptr<LineChunkReader>> Open(const std::string& path);
  ~LineChunkReader();
  LineChunkReader(const LineChunkReader&) = delete;
  LineChunkReader& operator=(const LineChunkReader&) = delete;

  /// The next chunk, valid until the next call; nullopt at the end of the input.
  Result<std::optional<Chunk>> Next();

  /// "<stdin>" for stdin.
  const std::string& path() const { return path_; }
  /// The number of the line after the last one handed out.
  int64_t next_line() const { return next_line_; }

 private:
  LineChunkReader(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}

  std::string path_;
  std::FILE* file_;
  std::string buffer_;     // read, from the start of the last chunk handed out
  size_t handed_out_ = 0;  // bytes of buffer_ in the last chunk
  int64_t next_line_ = 1;
  bool eof_ = false;
};

}  // namespace floe::stream
