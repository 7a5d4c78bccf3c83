#include "block_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace floe_bench {

BlockReader::BlockReader(const std::string& path) : path_(path) {
  fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) error_ = "cannot open " + path + ": " + std::strerror(errno);
}

BlockReader::~BlockReader() {
  if (fd_ >= 0) close(fd_);
}

long BlockReader::Read(char* buffer, size_t capacity) {
  size_t filled = 0;
  while (filled < capacity) {
    const ssize_t got = read(fd_, buffer + filled, capacity - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      error_ = "cannot read " + path_ + ": " + std::strerror(errno);
      return -1;
    }
    if (got == 0) break;
    filled += static_cast<size_t>(got);
  }
  return static_cast<long>(filled);
}

double SteadySeconds() {
  const auto since_epoch = std::chrono::steady_clock::now().time_since_epoch();
  return std::chrono::duration<double>(since_epoch).count();
}

}  // namespace floe_bench
