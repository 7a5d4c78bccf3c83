#include "format/parquet/compression.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <climits>

namespace floe::parquet {

namespace {
constexpr int kDefaultZstdLevel = 3;
constexpr int kDefaultGzipLevel = 6;
// zlib window bits: 15 is the largest window; +16 asks for the gzip wrapper, +32 (when
// inflating) accepts gzip or zlib headers.
constexpr int kZlibWindowBits = 15;
constexpr int kGzipWrapper = 16;
constexpr int kAutoDetectWrapper = 32;
constexpr int kZlibMemLevel = 8;

struct ZstdCCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
}  // namespace

struct Compressor::Contexts {
  std::unique_ptr<ZSTD_CCtx, ZstdCCtxDeleter> zstd;
};

Compressor::Compressor(Token, Codec codec, int level)
    : codec_(codec), level_(level), contexts_(std::make_unique<Contexts>()) {}

Compressor::~Compressor() = default;

Result<std::unique_ptr<Compressor>> Compressor::Make(Codec codec, int level) {
  if (level == 0) level = codec == Codec::kGzip ? kDefaultGzipLevel : kDefaultZstdLevel;
  if (codec == Codec::kGzip && (level < Z_BEST_SPEED || level > Z_BEST_COMPRESSION)) {
    return InvalidArgument("gzip compression level {} is outside 1..9", level);
  }
  if (codec == Codec::kZstd && (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())) {
    return InvalidArgument("zstd compression level {} is outside {}..{}", level, ZSTD_minCLevel(),
                           ZSTD_maxCLevel());
  }
  auto c = std::make_unique<Compressor>(Token{}, codec, level);
  if (codec == Codec::kZstd) {
    c->contexts_->zstd.reset(ZSTD_createCCtx());
    if (!c->contexts_->zstd) return Internal("cannot create a zstd context");
  }
  return c;
}

char* Compressor::OutputRoom(size_t bytes) {
  if (bytes > output_capacity_) {
    output_ = std::make_unique_for_overwrite<char[]>(bytes);
    output_capacity_ = bytes;
  }
  return output_.get();
}

Result<std::string_view> Compressor::Compress(std::string_view input) {
  switch (codec_) {
    case Codec::kUncompressed:
      return input;
    case Codec::kSnappy: {
      char* out = OutputRoom(snappy::MaxCompressedLength(input.size()));
      size_t size = 0;
      snappy::RawCompress(input.data(), input.size(), out, &size);
      return std::string_view(out, size);
    }
    case Codec::kZstd: {
      const size_t bound = ZSTD_compressBound(input.size());
      char* out = OutputRoom(bound);
      size_t size =
          ZSTD_compressCCtx(contexts_->zstd.get(), out, bound, input.data(), input.size(), level_);
      if (ZSTD_isError(size))
        return Internal("zstd compression failed: {}", ZSTD_getErrorName(size));
      return std::string_view(out, size);
    }
    case Codec::kGzip: {
      z_stream z{};
      if (deflateInit2(&z, level_, Z_DEFLATED, kZlibWindowBits + kGzipWrapper, kZlibMemLevel,
                       Z_DEFAULT_STRATEGY) != Z_OK) {
        return Internal("cannot start gzip compression");
      }
      const size_t bound = deflateBound(&z, static_cast<uLong>(input.size()));
      char* out = OutputRoom(bound);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
      z.avail_in = static_cast<uInt>(input.size());
      z.next_out = reinterpret_cast<Bytef*>(out);
      z.avail_out = static_cast<uInt>(bound);
      int rc = deflate(&z, Z_FINISH);
      size_t size = z.total_out;
      deflateEnd(&z);
      if (rc != Z_STREAM_END) return Internal("gzip compression failed ({})", rc);
      return std::string_view(out, size);
    }
  }
  return Internal("unknown codec");
}

Status Decompress(Codec codec, std::string_view input, size_t uncompressed_size, std::string* out) {
  out->resize(uncompressed_size);
  switch (codec) {
    case Codec::kUncompressed:
      if (input.size() != uncompressed_size) {
        return Corrupt("uncompressed page holds {} bytes, its header says {}", input.size(),
                       uncompressed_size);
      }
      out->assign(input);
      return Status::Ok();
    case Codec::kSnappy: {
      size_t size = 0;
      if (!snappy::GetUncompressedLength(input.data(), input.size(), &size) ||
          size != uncompressed_size ||
          !snappy::RawUncompress(input.data(), input.size(), out->data())) {
        return Corrupt("bad snappy page (header says {} bytes)", uncompressed_size);
      }
      return Status::Ok();
    }
    case Codec::kZstd: {
      size_t size = ZSTD_decompress(out->data(), out->size(), input.data(), input.size());
      if (ZSTD_isError(size) || size != uncompressed_size) {
        return Corrupt("bad zstd page (header says {} bytes): {}", uncompressed_size,
                       ZSTD_isError(size) ? ZSTD_getErrorName(size) : "size mismatch");
      }
      return Status::Ok();
    }
    case Codec::kGzip: {
      if (input.size() > UINT_MAX || uncompressed_size > UINT_MAX) {
        return Corrupt("gzip page too large");
      }
      z_stream z{};
      if (inflateInit2(&z, kZlibWindowBits + kAutoDetectWrapper) != Z_OK) {
        return Internal("cannot start gzip decompression");
      }
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
      z.avail_in = static_cast<uInt>(input.size());
      z.next_out = reinterpret_cast<Bytef*>(out->data());
      z.avail_out = static_cast<uInt>(out->size());
      int rc = inflate(&z, Z_FINISH);
      size_t size = z.total_out;
      inflateEnd(&z);
      if (rc != Z_STREAM_END || size != uncompressed_size) {
        return Corrupt("bad gzip page (header says {} bytes, rc {})", uncompressed_size, rc);
      }
      return Status::Ok();
    }
  }
  return Corrupt("unknown codec");
}

}  // namespace floe::parquet
