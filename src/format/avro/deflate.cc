#include <zlib.h>

#include <limits>
#include <memory>

#include "format/avro/deflate_internal.h"

namespace floe::avro::internal {
namespace {

// Negative window bits select raw deflate: no zlib header, no Adler-32 trailer.
constexpr int kRawWindowBits = -15;
constexpr int kDefaultMemLevel = 8;
constexpr size_t kInflateChunkBytes = 64 * 1024;
constexpr uInt kZlibTrailerBytes = 4;  // Adler-32

// zlib counts in uInt; larger buffers would need chunking that our block sizes never require.
bool FitsUInt(size_t size) { return size <= std::numeric_limits<uInt>::max(); }

}  // namespace

Result<std::string> RawDeflate(std::string_view data, int level) {
  if (!FitsUInt(data.size())) return InvalidArgument("block of {} bytes is too large", data.size());
  z_stream stream{};
  if (deflateInit2(&stream, level, Z_DEFLATED, kRawWindowBits, kDefaultMemLevel,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return InvalidArgument("deflate level {} is not valid", level);
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&stream, Z_FINISH);
  const size_t produced = stream.total_out;
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) return Internal("deflate failed with zlib code {}", rc);
  out.resize(produced);
  return out;
}

Result<std::string> RawInflate(std::string_view data, size_t max_size_bytes) {
  if (!FitsUInt(data.size()))
    return Corrupt("compressed block of {} bytes is too large", data.size());
  z_stream stream{};
  if (inflateInit2(&stream, kRawWindowBits) != Z_OK) return Internal("inflateInit2 failed");
  // inflateEnd must run on every path out of here.
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&stream, inflateEnd);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  while (true) {
    const size_t before = out.size();
    out.resize(before + kInflateChunkBytes);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + before);
    stream.avail_out = static_cast<uInt>(kInflateChunkBytes);
    const int rc = inflate(&stream, Z_NO_FLUSH);
    out.resize(out.size() - stream.avail_out);
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return Corrupt("deflate data is invalid ({})", stream.msg ? stream.msg : "zlib error");
    }
    if (stream.avail_in == 0 && stream.avail_out != 0) {
      return Corrupt("deflate data ends before the end of its stream");
    }
    if (out.size() > max_size_bytes) {
      return Corrupt("deflate data expands beyond {} bytes", max_size_bytes);
    }
  }
  // PyIceberg writes zlib's output without its 2-byte header and last byte
  // (zlib.compress(d)[2:-1]), leaving 3 bytes of the Adler-32 trailer after the stream; Java's and
  // Python's readers ignore them, and so do we, up to a whole trailer.
  if (stream.avail_in > kZlibTrailerBytes) {
    return Corrupt("{} bytes follow the end of the deflate stream", stream.avail_in);
  }
  return out;
}

}  // namespace floe::avro::internal
