#pragma once

// Page compression for the codecs floe writes: zstd (libzstd), snappy, gzip (zlib with the gzip
// wrapper, which is what Parquet's GZIP means) and none.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "format/parquet/properties.h"

namespace floe::parquet {

/// Compresses pages with one codec, reusing its context between pages. Owned by one column
/// writer; thread safety: none.
class Compressor {
 public:
  static Result<std::unique_ptr<Compressor>> Make(Codec codec, int level);

 private:
  struct Token {};  // keeps construction behind Make while allowing std::make_unique

 public:
  Compressor(Token, Codec codec, int level);
  ~Compressor();
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  Codec codec() const { return codec_; }
  /// Replaces `out` with the compressed form of `input`.
  Status Compress(std::string_view input, std::string* out);

 private:
  struct Contexts;

  Codec codec_;
  int level_;
  std::unique_ptr<Contexts> contexts_;
};

/// Decompresses a page whose uncompressed size the page header gives; a size mismatch is Corrupt.
Status Decompress(Codec codec, std::string_view input, size_t uncompressed_size, std::string* out);

}  // namespace floe::parquet
