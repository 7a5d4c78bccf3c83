#include "format/parquet/properties.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace floe::parquet {

Result<Codec> CodecFromName(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "zstd") return Codec::kZstd;
  if (lower == "snappy") return Codec::kSnappy;
  if (lower == "gzip") return Codec::kGzip;
  if (lower == "uncompressed" || lower == "none") return Codec::kUncompressed;
  return InvalidArgument(
      "unknown parquet compression codec '{}' (expected zstd, snappy, gzip or uncompressed)", name);
}

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed:
      return "uncompressed";
    case Codec::kSnappy:
      return "snappy";
    case Codec::kGzip:
      return "gzip";
    case Codec::kZstd:
      return "zstd";
  }
  return "unknown";
}

}  // namespace floe::parquet
