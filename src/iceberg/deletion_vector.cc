#include "iceberg/deletion_vector.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <bit>

namespace floe::iceberg {

namespace {

constexpr std::array<uint8_t, 4> kBlobMagic = {0xD1, 0xD3, 0x39, 0x64};
constexpr size_t kLengthBytes = 4;
constexpr size_t kCrcBytes = 4;
constexpr uint32_t kCookieNoRuns = 12346;    // RoaringFormatSpec SERIAL_COOKIE_NO_RUNCONTAINER
constexpr uint16_t kCookieWithRuns = 12347;  // SERIAL_COOKIE
constexpr size_t kNoOffsetThreshold = 4;
constexpr uint32_t kArrayMaxCardinality = 4096;
constexpr size_t kBitmapWords = 1024;
constexpr uint32_t kContainerValues = 65536;
constexpr int kLowBits = 16;
constexpr int kKeyBits = 32;  // the Roaring64 key: the high 32 bits of a position

template <typename T>
void AppendLittleEndian(T value, std::string* out) {
  for (size_t i = 0; i < sizeof(T); ++i) {
    out->push_back(static_cast<char>((static_cast<uint64_t>(value) >> (8 * i)) & 0xFF));
  }
}

void AppendBigEndian32(uint32_t value, std::string* out) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

uint32_t LoadBigEndian32(const char* p) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

/// Reads little-endian integers from a bounded buffer; running off its end is Corrupt naming
/// the byte offset and what was being read.
class LittleEndianReader {
 public:
  LittleEndianReader(std::string_view bytes, size_t* pos) : bytes_(bytes), pos_(pos) {}

  template <typename T>
  Result<T> Read(std::string_view what) {
    if (bytes_.size() - *pos_ < sizeof(T)) {
      return Corrupt("deletion vector: {} at byte {} runs past the end ({} bytes)", what, *pos_,
                     bytes_.size());
    }
    uint64_t v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) {
      v |= static_cast<uint64_t>(static_cast<uint8_t>(bytes_[*pos_ + i])) << (8 * i);
    }
    *pos_ += sizeof(T);
    return static_cast<T>(v);
  }

  Status Skip(size_t count, std::string_view what) {
    if (bytes_.size() - *pos_ < count) {
      return Corrupt("deletion vector: {} at byte {} runs past the end ({} bytes)", what, *pos_,
                     bytes_.size());
    }
    *pos_ += count;
    return Status::Ok();
  }

 private:
  std::string_view bytes_;
  size_t* pos_;
};

uint32_t Crc32(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size()));
  return static_cast<uint32_t>(crc);
}

}  // namespace

bool DeletionVector::Container::Add(uint16_t low) {
  if (!bitmap.empty()) {
    uint64_t& word = bitmap[low >> 6];
    const uint64_t bit = uint64_t{1} << (low & 63);
    if ((word & bit) != 0) return false;
    word |= bit;
    ++cardinality;
    return true;
  }
  auto it = std::lower_bound(array.begin(), array.end(), low);
  if (it != array.end() && *it == low) return false;
  array.insert(it, low);
  ++cardinality;
  if (cardinality > kArrayMaxCardinality) ToBitmap();
  return true;
}

bool DeletionVector::Container::Contains(uint16_t low) const {
  if (!bitmap.empty()) return ((bitmap[low >> 6] >> (low & 63)) & 1) != 0;
  return std::binary_search(array.begin(), array.end(), low);
}

void DeletionVector::Container::ToBitmap() {
  bitmap.assign(kBitmapWords, 0);
  for (uint16_t low : array) bitmap[low >> 6] |= uint64_t{1} << (low & 63);
  array.clear();
  array.shrink_to_fit();
}

Status DeletionVector::Add(int64_t position) {
  if (position < 0) return InvalidArgument("deletion vector: negative position {}", position);
  const auto unsigned_position = static_cast<uint64_t>(position);
  if (containers_[unsigned_position >> kLowBits].Add(
          static_cast<uint16_t>(unsigned_position & 0xFFFF))) {
    ++cardinality_;
  }
  return Status::Ok();
}

bool DeletionVector::Contains(int64_t position) const {
  if (position < 0) return false;
  const auto unsigned_position = static_cast<uint64_t>(position);
  auto it = containers_.find(unsigned_position >> kLowBits);
  return it != containers_.end() &&
         it->second.Contains(static_cast<uint16_t>(unsigned_position & 0xFFFF));
}

void DeletionVector::Merge(const DeletionVector& other) {
  for (int64_t position : other.Positions()) {
    // Positions of a DeletionVector are never negative.
    (void)Add(position);
  }
}

std::vector<int64_t> DeletionVector::Positions() const {
  std::vector<int64_t> out;
  out.reserve(static_cast<size_t>(cardinality_));
  for (const auto& [high, container] : containers_) {
    const uint64_t base = high << kLowBits;
    if (container.bitmap.empty()) {
      for (uint16_t low : container.array) out.push_back(static_cast<int64_t>(base | low));
      continue;
    }
    for (size_t w = 0; w < kBitmapWords; ++w) {
      uint64_t word = container.bitmap[w];
      while (word != 0) {
        const int bit = std::countr_zero(word);
        out.push_back(static_cast<int64_t>(base | (w * 64 + static_cast<uint64_t>(bit))));
        word &= word - 1;
      }
    }
  }
  return out;
}

void DeletionVector::AppendRoaring32(std::map<uint64_t, Container>::const_iterator begin,
                                     std::map<uint64_t, Container>::const_iterator end,
                                     std::string* out) {
  // Array and bitmap containers only, so the cookie without runs, which always has offsets.
  const auto size = static_cast<uint32_t>(std::distance(begin, end));
  AppendLittleEndian<uint32_t>(kCookieNoRuns, out);
  AppendLittleEndian<uint32_t>(size, out);
  for (auto it = begin; it != end; ++it) {
    AppendLittleEndian<uint16_t>(static_cast<uint16_t>(it->first & 0xFFFF), out);
    AppendLittleEndian<uint16_t>(static_cast<uint16_t>(it->second.cardinality - 1), out);
  }
  // Offsets count from the cookie: cookie, size, descriptive header, offset header.
  uint32_t offset = 8 + 8 * size;
  for (auto it = begin; it != end; ++it) {
    AppendLittleEndian<uint32_t>(offset, out);
    offset += it->second.bitmap.empty() ? 2 * it->second.cardinality : 8 * kBitmapWords;
  }
  for (auto it = begin; it != end; ++it) {
    if (it->second.bitmap.empty()) {
      for (uint16_t low : it->second.array) AppendLittleEndian<uint16_t>(low, out);
    } else {
      for (uint64_t word : it->second.bitmap) AppendLittleEndian<uint64_t>(word, out);
    }
  }
}

std::string DeletionVector::SerializeRoaring64() const {
  std::string out;
  // Buckets: runs of containers sharing the high 32 bits of their positions.
  uint64_t buckets = 0;
  for (auto it = containers_.begin(); it != containers_.end();) {
    const uint64_t key = it->first >> kLowBits;
    ++buckets;
    while (it != containers_.end() && (it->first >> kLowBits) == key) ++it;
  }
  AppendLittleEndian<uint64_t>(buckets, &out);
  for (auto it = containers_.begin(); it != containers_.end();) {
    const uint64_t key = it->first >> kLowBits;
    auto end = it;
    while (end != containers_.end() && (end->first >> kLowBits) == key) ++end;
    AppendLittleEndian<uint32_t>(static_cast<uint32_t>(key), &out);
    AppendRoaring32(it, end, &out);
    it = end;
  }
  return out;
}

std::string DeletionVector::Serialize() const {
  std::string body(reinterpret_cast<const char*>(kBlobMagic.data()), kBlobMagic.size());
  body += SerializeRoaring64();
  std::string out;
  out.reserve(kLengthBytes + body.size() + kCrcBytes);
  AppendBigEndian32(static_cast<uint32_t>(body.size()), &out);
  out += body;
  AppendBigEndian32(Crc32(body), &out);
  return out;
}

Status DeletionVector::ParseRoaring32(std::string_view bytes, size_t* pos, uint64_t high_key,
                                      DeletionVector* out) {
  LittleEndianReader reader(bytes, pos);
  const size_t start = *pos;
  FLOE_ASSIGN_OR_RAISE(uint32_t cookie, reader.Read<uint32_t>("roaring cookie"));
  uint32_t size = 0;
  bool has_runs = false;
  std::string run_flags;
  if (cookie == kCookieNoRuns) {
    FLOE_ASSIGN_OR_RAISE(size, reader.Read<uint32_t>("roaring container count"));
    if (size > kContainerValues) {
      return Corrupt("deletion vector: {} containers at byte {} (at most 65536)", size, start);
    }
  } else if ((cookie & 0xFFFF) == kCookieWithRuns) {
    has_runs = true;
    size = (cookie >> 16) + 1;
    const size_t flag_bytes = (size + 7) / 8;
    run_flags = std::string(bytes.substr(*pos, std::min(flag_bytes, bytes.size() - *pos)));
    FLOE_RETURN_IF_ERROR(reader.Skip(flag_bytes, "run container flags"));
  } else {
    return Corrupt("deletion vector: unknown roaring cookie {} at byte {}", cookie, start);
  }
  std::vector<std::pair<uint16_t, uint32_t>> headers;  // key, cardinality
  headers.reserve(size);
  for (uint32_t i = 0; i < size; ++i) {
    FLOE_ASSIGN_OR_RAISE(uint16_t key, reader.Read<uint16_t>("container key"));
    FLOE_ASSIGN_OR_RAISE(uint16_t card_minus_one, reader.Read<uint16_t>("container cardinality"));
    if (i > 0 && key <= headers.back().first) {
      return Corrupt("deletion vector: container keys not ascending at byte {}", *pos - 4);
    }
    headers.emplace_back(key, uint32_t{card_minus_one} + 1);
  }
  if (!has_runs || size >= kNoOffsetThreshold) {
    FLOE_RETURN_IF_ERROR(reader.Skip(size_t{4} * size, "container offsets"));
  }
  for (uint32_t i = 0; i < size; ++i) {
    const auto [key, cardinality] = headers[i];
    const uint64_t base = ((high_key << kLowBits) | key) << kLowBits;
    const bool is_run = has_runs && ((static_cast<uint8_t>(run_flags[i / 8]) >> (i % 8)) & 1);
    uint32_t seen = 0;
    if (is_run) {
      FLOE_ASSIGN_OR_RAISE(uint16_t runs, reader.Read<uint16_t>("run count"));
      for (uint16_t r = 0; r < runs; ++r) {
        FLOE_ASSIGN_OR_RAISE(uint16_t run_start, reader.Read<uint16_t>("run start"));
        FLOE_ASSIGN_OR_RAISE(uint16_t length_minus_one, reader.Read<uint16_t>("run length"));
        if (uint32_t{run_start} + length_minus_one >= kContainerValues) {
          return Corrupt("deletion vector: run {}+{} passes 65535 at byte {}", run_start,
                         length_minus_one, *pos - 4);
        }
        for (uint32_t v = run_start; v <= uint32_t{run_start} + length_minus_one; ++v) {
          FLOE_RETURN_IF_ERROR(out->Add(static_cast<int64_t>(base | v)));
          ++seen;
        }
      }
    } else if (cardinality > kArrayMaxCardinality) {
      for (size_t w = 0; w < kBitmapWords; ++w) {
        FLOE_ASSIGN_OR_RAISE(uint64_t word, reader.Read<uint64_t>("bitmap container"));
        for (; word != 0; word &= word - 1) {
          FLOE_RETURN_IF_ERROR(out->Add(static_cast<int64_t>(
              base | (w * 64 + static_cast<uint64_t>(std::countr_zero(word))))));
          ++seen;
        }
      }
    } else {
      for (uint32_t v = 0; v < cardinality; ++v) {
        FLOE_ASSIGN_OR_RAISE(uint16_t low, reader.Read<uint16_t>("array container"));
        FLOE_RETURN_IF_ERROR(out->Add(static_cast<int64_t>(base | low)));
        ++seen;
      }
    }
    if (seen != cardinality) {
      return Corrupt("deletion vector: container {} holds {} positions, its header says {}", i,
                     seen, cardinality);
    }
  }
  return Status::Ok();
}

Result<DeletionVector> DeletionVector::ParseRoaring64(std::string_view bytes) {
  DeletionVector out;
  size_t pos = 0;
  LittleEndianReader reader(bytes, &pos);
  FLOE_ASSIGN_OR_RAISE(uint64_t buckets, reader.Read<uint64_t>("roaring64 bucket count"));
  int64_t previous_key = -1;
  for (uint64_t b = 0; b < buckets; ++b) {
    FLOE_ASSIGN_OR_RAISE(uint32_t key, reader.Read<uint32_t>("roaring64 bucket key"));
    if (static_cast<int64_t>(key) <= previous_key) {
      return Corrupt("deletion vector: roaring64 keys not ascending at byte {}", pos - 4);
    }
    if ((key >> (kKeyBits - 1)) != 0) {
      return Corrupt("deletion vector: key {} makes positions negative", key);
    }
    previous_key = key;
    FLOE_RETURN_IF_ERROR(ParseRoaring32(bytes, &pos, key, &out));
  }
  if (pos != bytes.size()) {
    return Corrupt("deletion vector: {} bytes after the bitmap (it ends at byte {})",
                   bytes.size() - pos, pos);
  }
  return out;
}

Result<DeletionVector> DeletionVector::Parse(std::string_view blob) {
  const size_t min_size = kLengthBytes + kBlobMagic.size() + kCrcBytes;
  if (blob.size() < min_size) {
    return Corrupt("deletion vector: blob of {} bytes is too short (at least {})", blob.size(),
                   min_size);
  }
  const uint32_t length = LoadBigEndian32(blob.data());
  if (length != blob.size() - kLengthBytes - kCrcBytes) {
    return Corrupt("deletion vector: length field says {} bytes, the blob holds {}", length,
                   blob.size() - kLengthBytes - kCrcBytes);
  }
  const std::string_view body = blob.substr(kLengthBytes, length);
  if (body.substr(0, kBlobMagic.size()) !=
      std::string_view(reinterpret_cast<const char*>(kBlobMagic.data()), kBlobMagic.size())) {
    return Corrupt("deletion vector: no D1 D3 39 64 magic at byte 4");
  }
  const uint32_t stored_crc = LoadBigEndian32(blob.data() + kLengthBytes + length);
  const uint32_t crc = Crc32(body);
  if (stored_crc != crc) {
    return Corrupt("deletion vector: CRC-32 {:08x} does not match the stored {:08x}", crc,
                   stored_crc);
  }
  auto parsed = ParseRoaring64(body.substr(kBlobMagic.size()));
  if (!parsed.ok()) return parsed.status().WithContext("bitmap starting at byte 8");
  return parsed;
}

}  // namespace floe::iceberg
