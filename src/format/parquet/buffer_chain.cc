#include "format/parquet/buffer_chain.h"

#include <algorithm>

namespace floe::parquet {

void BufferChain::Append(std::string_view bytes) {
  size_ += static_cast<int64_t>(bytes.size());
  while (!bytes.empty()) {
    if (used_blocks_ == 0 || blocks_[used_blocks_ - 1].size() == kBlockBytes) {
      if (used_blocks_ == blocks_.size()) {
        blocks_.emplace_back();
        blocks_.back().reserve(kBlockBytes);
      }
      ++used_blocks_;
    }
    std::string& block = blocks_[used_blocks_ - 1];
    size_t take = std::min(bytes.size(), kBlockBytes - block.size());
    block.append(bytes.data(), take);
    bytes.remove_prefix(take);
  }
}

Status BufferChain::WriteTo(io::OutputStream* sink) const {
  for (size_t i = 0; i < used_blocks_; ++i) FLOE_RETURN_IF_ERROR(sink->Write(blocks_[i]));
  return Status::Ok();
}

void BufferChain::Clear() {
  for (size_t i = 0; i < used_blocks_; ++i) blocks_[i].clear();
  used_blocks_ = 0;
  size_ = 0;
}

}  // namespace floe::parquet
