#pragma once

// An append-only byte buffer made of fixed-size blocks: the pages of a column chunk wait here
// until the row group ends. Growing it never moves what is already written (a std::string would
// copy the whole chunk at every doubling), and cleared blocks are kept for the next chunk.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "io/file_io.h"

namespace floe::parquet {

/// Owned by one column writer; thread safety: none.
class BufferChain {
 public:
  void Append(std::string_view bytes);
  int64_t size() const { return size_; }
  /// Writes the bytes to the sink, in order.
  Status WriteTo(io::OutputStream* sink) const;
  /// Empties the chain, keeping its blocks' memory.
  void Clear();

 private:
  static constexpr size_t kBlockBytes = size_t{1} << 20;

  std::vector<std::string> blocks_;
  size_t used_blocks_ = 0;  // blocks_[0, used_blocks_) hold data; the rest are spare
  int64_t size_ = 0;
};

}  // namespace floe::parquet
