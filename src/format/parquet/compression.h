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
  /// The compressed form of `input`, in a buffer of the compressor's (or `input` itself when
  /// uncompressed): valid until the next call.
  Result<std::string_view> Compress(std::string_view input);

 private:
  struct Contexts;

  // Room for at least `bytes` of output, not zeroed: pages are large and written over at once.
  char* OutputRoom(size_t bytes);

  Codec codec_;
  int level_;
  std::unique_ptr<Contexts> contexts_;
  std::unique_ptr<char[]> output_;
  size_t output_capacity_ = 0;
};

/// Decompresses a page whose uncompressed size the page header gives; a size mismatch is Corrupt.
Status Decompress(Codec codec, std::string_view input, size_t uncompressed_size, std::string* out);

}  // namespace floe::parquet
