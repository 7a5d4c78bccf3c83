#pragma once

// How a Parquet file is written: codec, page and row-group sizes, dictionary and statistics
// switches, footer key-values. One struct, passed by value to the writer (Arrow's shape).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace floe::parquet {

enum class Codec : uint8_t { kUncompressed, kSnappy, kGzip, kZstd };

/// "zstd", "snappy", "gzip", "uncompressed" (or "none"), case-insensitive, as Iceberg's
/// write.parquet.compression-codec spells them.
Result<Codec> CodecFromName(std::string_view name);
std::string_view CodecName(Codec codec);

/// Settings of one FileWriter, copied into it at Make. A value type.
struct WriterProperties {
  Codec codec = Codec::kZstd;
  int compression_level = 0;  // 0 = the codec's default: zstd 3, gzip 6
  int64_t data_page_size_bytes = 1 << 20;
  /// A page also ends after this many values (parquet-java's parquet.page.row.count.limit):
  /// a column of a few distinct values encodes to almost nothing, so without it its page, and
  /// the indices it buffers (4 bytes a value), would grow with the row group's rows.
  int64_t data_page_row_count_limit = 20000;
  int64_t dictionary_page_size_limit_bytes = 1 << 20;
  int64_t row_group_size_bytes = 128LL << 20;
  bool dictionary_enabled = true;
  bool write_statistics = true;
  std::string created_by = "floe version 0.1.0";
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
};

}  // namespace floe::parquet
