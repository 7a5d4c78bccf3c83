#pragma once

// The byte form of window state: fixed-width integers little-endian, strings with a 32-bit
// length. Private to the window operator's snapshot and restore; versioned by its caller.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/result.h"

namespace floe::stream::window {

/// Appends to a string it does not own. Thread safety: none.
class StateWriter {
 public:
  explicit StateWriter(std::string* out) : out_(out) {}

  template <typename T>
  void Put(T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out_->append(bytes, sizeof(T));
  }
  void PutBytes(std::string_view bytes) {
    Put<uint32_t>(static_cast<uint32_t>(bytes.size()));
    out_->append(bytes);
  }
  void PutRaw(const void* data, size_t size) { out_->append(static_cast<const char*>(data), size); }

 private:
  std::string* out_;
};

/// Reads what StateWriter wrote; every read checks the length and reports Corrupt.
/// Thread safety: none; the bytes must outlive it.
class StateReader {
 public:
  explicit StateReader(std::string_view bytes) : bytes_(bytes) {}

  template <typename T>
  Result<T> Get() {
    if (bytes_.size() < sizeof(T)) return Truncated();
    T value;
    std::memcpy(&value, bytes_.data(), sizeof(T));
    bytes_.remove_prefix(sizeof(T));
    return value;
  }
  Result<std::string_view> GetBytes() {
    FLOE_ASSIGN_OR_RAISE(uint32_t size, Get<uint32_t>());
    if (bytes_.size() < size) return Truncated();
    std::string_view out = bytes_.substr(0, size);
    bytes_.remove_prefix(size);
    return out;
  }
  Status GetRaw(void* data, size_t size) {
    if (bytes_.size() < size) return Truncated();
    std::memcpy(data, bytes_.data(), size);
    bytes_.remove_prefix(size);
    return Status::Ok();
  }
  bool done() const { return bytes_.empty(); }

 private:
  static Status Truncated() { return Corrupt("window state ends early"); }

  std::string_view bytes_;
};

}  // namespace floe::stream::window
