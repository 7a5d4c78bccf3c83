#pragma once

// The limit programs' only way to read the messages file: large blocks with read(2), nothing
// else in the way, so that what they measure is the parse or the codec and not the I/O layer.
// Owns its file descriptor; not thread-safe; one pass over the file.

#include <cstddef>
#include <string>

namespace floe_bench {

class BlockReader {
 public:
  // Opens `path`; on failure Ok() is false and Error() says why.
  explicit BlockReader(const std::string& path);
  ~BlockReader();
  BlockReader(const BlockReader&) = delete;
  BlockReader& operator=(const BlockReader&) = delete;

  bool Ok() const { return error_.empty(); }
  const std::string& Error() const { return error_; }

  // Reads up to `capacity` bytes into `buffer`, as many as the file has left: fewer only at its
  // end. Returns the count, 0 at the end, and -1 on an error (then Error() says why).
  long Read(char* buffer, size_t capacity);

 private:
  std::string path_;
  int fd_ = -1;
  std::string error_;
};

// The steady clock in seconds from an arbitrary start: subtract two readings for a duration.
double SteadySeconds();

}  // namespace floe_bench
