#include "format/parquet/column_writer.h"

#include <algorithm>
#include <bit>
#include <climits>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "format/parquet/dictionary.h"
#include "format/parquet/rle_encoder.h"

namespace floe::parquet {

namespace {

constexpr size_t kLengthPrefixBytes = 4;     // BYTE_ARRAY PLAIN values and v1 level blocks
constexpr int kDefinitionLevelBitWidth = 1;  // flat OPTIONAL columns: levels 0 and 1
constexpr int kBitsPerByte = 8;
constexpr int64_t kMaxPageBytes = INT32_MAX;
// After this many values a chunk checks whether its dictionary pays off (DuckDB does the same):
// unique ids would otherwise fill a whole dictionary before falling back.
constexpr int64_t kDictionaryProbeValues = 16384;
// Keep the dictionary only if dictionary + indices take at most this share of the PLAIN size.
constexpr int64_t kDictionaryKeepPercent = 90;
constexpr int64_t kPercent = 100;

void PutLength(char* at, size_t length) {
  uint32_t v = static_cast<uint32_t>(length);
  std::memcpy(at, &v, sizeof(v));
}

// Visits the non-null rows among selection.Row(begin..end), in order: fn(row).
template <typename Fn>
void ForEachPresentRow(const ColumnVector& values, const Selection& selection, size_t begin,
                       size_t end, Fn&& fn) {
  const uint8_t* valid = values.validity();
  if (selection.indices == nullptr) {
    if (valid == nullptr) {
      for (size_t row = begin; row < end; ++row) fn(row);
    } else {
      for (size_t row = begin; row < end; ++row) {
        if (valid[row]) fn(row);
      }
    }
  } else {
    const uint32_t* idx = selection.indices;
    if (valid == nullptr) {
      for (size_t i = begin; i < end; ++i) fn(static_cast<size_t>(idx[i]));
    } else {
      for (size_t i = begin; i < end; ++i) {
        size_t row = idx[i];
        if (valid[row]) fn(row);
      }
    }
  }
}

// Room before a page's PLAIN values for its definition levels: their length and a few RLE runs
// (when few values are null), so that the page is compressed in one piece.
constexpr size_t kPageHeadroom = 64;

// Dictionary indices of one page, bit-packed at the width the dictionary needs.
void EncodeIndices(const std::vector<uint32_t>& indices, size_t dictionary_size, std::string* out) {
  int width = RleEncoder::BitWidth(dictionary_size > 0 ? dictionary_size - 1 : 0);
  out->push_back(static_cast<char>(width));
  RleEncoder::Encode(indices.data(), indices.size(), width, out);
}

int64_t IndexBytesEstimate(size_t count, size_t dictionary_size) {
  if (count == 0) return 0;
  int width = RleEncoder::BitWidth(dictionary_size > 0 ? dictionary_size - 1 : 0);
  return 1 + static_cast<int64_t>(count) * width / kBitsPerByte;
}

// ---------------------------------------------------------------------------------------------
// BOOLEAN: PLAIN only (bit-packed, LSB first).

class BooleanColumnWriter final : public ColumnWriter {
 public:
  BooleanColumnWriter(const ColumnDescriptor& column, const WriterProperties& properties,
                      std::unique_ptr<Compressor> compressor)
      : ColumnWriter(column, properties, std::move(compressor)) {}

 protected:
  void AppendValues(const ColumnVector& values, const Selection& selection, size_t begin,
                    size_t end) override {
    const uint8_t* data = values.values<uint8_t>();
    ForEachPresentRow(values, selection, begin, end, [&](size_t row) {
      uint8_t v = data[row] != 0;
      values_.push_back(v);
      seen_[v] = true;
      ++plain_values_;
    });
  }
  int64_t EstimatedPageValueBytes() const override {
    return static_cast<int64_t>(values_.size() / kBitsPerByte);
  }
  bool dictionary_mode() const override { return false; }
  int64_t DictionaryBytes() const override { return 0; }
  size_t DictionarySize() const override { return 0; }
  int64_t PlainBytesSeen() const override { return plain_values_ / kBitsPerByte; }
  std::string_view PageValues(std::string* scratch) override {
    scratch->assign((values_.size() + kBitsPerByte - 1) / kBitsPerByte, '\0');
    auto* dst = reinterpret_cast<uint8_t*>(scratch->data());
    for (size_t i = 0; i < values_.size(); ++i) {
      dst[i / kBitsPerByte] |= static_cast<uint8_t>(values_[i] << (i % kBitsPerByte));
    }
    return *scratch;
  }
  void ClearPageValues() override { values_.clear(); }
  void AppendDictionaryPage(std::string*) override {}
  void FallBackToPlain() override {}
  void TakeMinMax(EncodedStatistics* stats) override {
    if (!seen_[0] && !seen_[1]) return;
    stats->has_min_max = true;
    stats->min = std::string(1, seen_[0] ? '\0' : '\1');
    stats->max = std::string(1, seen_[1] ? '\1' : '\0');
  }
  void ResetChunk() override {
    seen_[0] = seen_[1] = false;
    plain_values_ = 0;
  }

 private:
  std::vector<uint8_t> values_;
  int64_t plain_values_ = 0;
  bool seen_[2] = {false, false};
};

// ---------------------------------------------------------------------------------------------
// INT32, INT64, FLOAT, DOUBLE.

template <typename T>
class NumericColumnWriter final : public ColumnWriter {
  using Key = std::conditional_t<sizeof(T) == sizeof(uint32_t), uint32_t, uint64_t>;

 public:
  NumericColumnWriter(const ColumnDescriptor& column, const WriterProperties& properties,
                      std::unique_ptr<Compressor> compressor)
      : ColumnWriter(column, properties, std::move(compressor)),
        dictionary_mode_(properties.dictionary_enabled) {}

 protected:
  void AppendValues(const ColumnVector& values, const Selection& selection, size_t begin,
                    size_t end) override {
    const T* data = values.values<T>();
    if (dictionary_mode_) {
      size_t old_entries = dictionary_.size();
      size_t old_count = indices_.size();
      ForEachPresentRow(values, selection, begin, end, [&](size_t row) {
        indices_.push_back(dictionary_.GetOrInsert(std::bit_cast<Key>(data[row])));
      });
      values_seen_ += static_cast<int64_t>(indices_.size() - old_count);
      // The distinct values bound the chunk as well as all values do.
      const Key* entries = dictionary_.entries();
      for (size_t i = old_entries; i < dictionary_.size(); ++i) {
        Observe(std::bit_cast<T>(entries[i]));
      }
      return;
    }
    if (selection.indices == nullptr && values.validity() == nullptr) {
      size_t at = plain_.size();
      plain_.resize(at + (end - begin) * sizeof(T));
      std::memcpy(plain_.data() + at, data + begin, (end - begin) * sizeof(T));
      for (size_t row = begin; row < end; ++row) Observe(data[row]);
      values_seen_ += static_cast<int64_t>(end - begin);
      return;
    }
    ForEachPresentRow(values, selection, begin, end, [&](size_t row) {
      T v = data[row];
      plain_.append(reinterpret_cast<const char*>(&v), sizeof(v));
      Observe(v);
      ++values_seen_;
    });
  }
  int64_t EstimatedPageValueBytes() const override {
    return dictionary_mode_ ? IndexBytesEstimate(indices_.size(), dictionary_.size())
                            : static_cast<int64_t>(plain_.size() - kPageHeadroom);
  }
  bool dictionary_mode() const override { return dictionary_mode_; }
  int64_t DictionaryBytes() const override { return dictionary_.plain_size_bytes(); }
  size_t DictionarySize() const override { return dictionary_.size(); }
  int64_t PlainBytesSeen() const override { return values_seen_ * static_cast<int64_t>(sizeof(T)); }
  std::string_view PageValues(std::string* scratch) override {
    if (!dictionary_mode_) return std::string_view(plain_).substr(kPageHeadroom);
    scratch->clear();
    EncodeIndices(indices_, dictionary_.size(), scratch);
    return *scratch;
  }
  std::string_view PageInOnePiece(std::string_view levels) override {
    if (dictionary_mode_ || levels.size() > kPageHeadroom) return {};
    // The levels go into the room before the values.
    char* start = plain_.data() + (kPageHeadroom - levels.size());
    if (!levels.empty()) std::memcpy(start, levels.data(), levels.size());
    return {start, plain_.size() - (kPageHeadroom - levels.size())};
  }
  void ClearPageValues() override {
    indices_.clear();
    plain_.resize(kPageHeadroom);
  }
  void AppendDictionaryPage(std::string* out) override {
    out->append(reinterpret_cast<const char*>(dictionary_.entries()),
                dictionary_.size() * sizeof(Key));
  }
  void FallBackToPlain() override { dictionary_mode_ = false; }
  void TakeMinMax(EncodedStatistics* stats) override {
    if (!has_min_max_) return;
    T lo = min_, hi = max_;
    if constexpr (std::is_floating_point_v<T>) {
      // Parquet: a zero lower bound is written -0.0 and a zero upper bound +0.0, so that
      // readers never prune a row holding the other zero.
      if (lo == T{0}) lo = -T{0};
      if (hi == T{0}) hi = T{0};
    }
    stats->has_min_max = true;
    stats->min.assign(reinterpret_cast<const char*>(&lo), sizeof(T));
    stats->max.assign(reinterpret_cast<const char*>(&hi), sizeof(T));
  }
  void ResetChunk() override {
    dictionary_.Clear();
    dictionary_mode_ = properties_.dictionary_enabled;
    has_min_max_ = false;
    values_seen_ = 0;
  }

 private:
  void Observe(T v) {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(v)) return;  // NaN is never a bound
    }
    if (!has_min_max_) {
      min_ = max_ = v;
      has_min_max_ = true;
      return;
    }
    if (v < min_) min_ = v;
    if (max_ < v) max_ = v;
  }

  bool dictionary_mode_;
  NumericDictionary<Key> dictionary_;
  std::vector<uint32_t> indices_;
  std::string plain_ = std::string(kPageHeadroom, '\0');  // the room, then PLAIN values
  bool has_min_max_ = false;
  T min_{};
  T max_{};
  int64_t values_seen_ = 0;
};

// ---------------------------------------------------------------------------------------------
// BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY.

class BytesColumnWriter final : public ColumnWriter {
 public:
  BytesColumnWriter(const ColumnDescriptor& column, const WriterProperties& properties,
                    std::unique_ptr<Compressor> compressor)
      : ColumnWriter(column, properties, std::move(compressor)),
        fixed_(column.physical_type == PhysicalType::kFixedLenByteArray),
        signed_order_(SortOrderOf(column) == SortOrder::kSignedDecimal),
        dictionary_mode_(properties.dictionary_enabled),
        dictionary_(!fixed_) {}

 protected:
  void AppendValues(const ColumnVector& values, const Selection& selection, size_t begin,
                    size_t end) override {
    if (fixed_) {
      AppendTyped<true>(values, selection, begin, end);
    } else {
      AppendTyped<false>(values, selection, begin, end);
    }
  }
  int64_t EstimatedPageValueBytes() const override {
    return dictionary_mode_ ? IndexBytesEstimate(indices_.size(), dictionary_.size())
                            : static_cast<int64_t>(plain_.size() - kPageHeadroom);
  }
  bool dictionary_mode() const override { return dictionary_mode_; }
  int64_t DictionaryBytes() const override { return dictionary_.plain_size_bytes(); }
  size_t DictionarySize() const override { return dictionary_.size(); }
  int64_t PlainBytesSeen() const override { return plain_bytes_seen_; }
  std::string_view PageValues(std::string* scratch) override {
    if (!dictionary_mode_) return std::string_view(plain_).substr(kPageHeadroom);
    scratch->clear();
    EncodeIndices(indices_, dictionary_.size(), scratch);
    return *scratch;
  }
  std::string_view PageInOnePiece(std::string_view levels) override {
    if (dictionary_mode_ || levels.size() > kPageHeadroom) return {};
    // The levels go into the room before the values.
    char* start = plain_.data() + (kPageHeadroom - levels.size());
    if (!levels.empty()) std::memcpy(start, levels.data(), levels.size());
    return {start, plain_.size() - (kPageHeadroom - levels.size())};
  }
  void ClearPageValues() override {
    indices_.clear();
    plain_.resize(kPageHeadroom);
  }
  void AppendDictionaryPage(std::string* out) override { out->append(dictionary_.plain()); }
  void FallBackToPlain() override { dictionary_mode_ = false; }
  void TakeMinMax(EncodedStatistics* stats) override {
    if (!has_min_max_) return;
    stats->has_min_max = true;
    stats->min = min_;
    stats->max = max_;
  }
  void ResetChunk() override {
    dictionary_.Clear();
    dictionary_mode_ = properties_.dictionary_enabled;
    has_min_max_ = false;
    min_.clear();
    max_.clear();
    plain_bytes_seen_ = 0;
  }

 private:
  template <bool kFixed>
  static std::string_view Get(const ColumnVector& values, size_t row, size_t width) {
    if constexpr (kFixed) {
      return {reinterpret_cast<const char*>(values.bytes_data()) + row * width, width};
    } else {
      const uint32_t* offsets = values.offsets();
      return {reinterpret_cast<const char*>(values.bytes_data()) + offsets[row],
              offsets[row + 1] - offsets[row]};
    }
  }

  template <bool kFixed>
  void AppendTyped(const ColumnVector& values, const Selection& selection, size_t begin,
                   size_t end) {
    const size_t width = static_cast<size_t>(values.fixed_width());
    if (dictionary_mode_) {
      size_t old_entries = dictionary_.size();
      size_t at = indices_.size();
      indices_.resize(at + (end - begin));
      uint32_t* out = indices_.data() + at;
      size_t bytes = 0;
      ForEachPresentRow(values, selection, begin, end, [&](size_t row) {
        std::string_view v = Get<kFixed>(values, row, width);
        bytes += v.size();
        *out++ = dictionary_.GetOrInsert(v);
      });
      size_t count = static_cast<size_t>(out - (indices_.data() + at));
      indices_.resize(at + count);
      plain_bytes_seen_ += static_cast<int64_t>(bytes + (kFixed ? 0 : count * kLengthPrefixBytes));
      for (size_t i = old_entries; i < dictionary_.size(); ++i) Observe(dictionary_.entry(i));
      return;
    }
    // Size the PLAIN bytes once, then copy value by value.
    size_t bytes = 0;
    if (selection.indices == nullptr && values.validity() == nullptr) {
      bytes = kFixed ? (end - begin) * width
                     : values.offsets()[end] - values.offsets()[begin] +
                           (end - begin) * kLengthPrefixBytes;
    } else {
      ForEachPresentRow(values, selection, begin, end, [&](size_t row) {
        bytes += Get<kFixed>(values, row, width).size() + (kFixed ? 0 : kLengthPrefixBytes);
      });
    }
    plain_bytes_seen_ += static_cast<int64_t>(bytes);
    size_t at = plain_.size();
    plain_.resize(at + bytes);
    char* dst = plain_.data() + at;
    ForEachPresentRow(values, selection, begin, end, [&](size_t row) {
      std::string_view v = Get<kFixed>(values, row, width);
      if constexpr (!kFixed) {
        PutLength(dst, v.size());
        dst += kLengthPrefixBytes;
      }
      std::memcpy(dst, v.data(), v.size());
      dst += v.size();
      Observe(v);
    });
  }

  int Compare(std::string_view a, std::string_view b) const {
    if (signed_order_) return CompareSignedBigEndian(a, b);
    // Most values differ in their first 8 bytes: compare those as one big-endian word.
    if (a.size() >= sizeof(uint64_t) && b.size() >= sizeof(uint64_t)) {
      uint64_t x, y;
      std::memcpy(&x, a.data(), sizeof(x));
      std::memcpy(&y, b.data(), sizeof(y));
      if (x != y) {
        x = __builtin_bswap64(x);
        y = __builtin_bswap64(y);
        return x < y ? -1 : 1;
      }
    }
    size_t n = std::min(a.size(), b.size());
    int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
    if (c != 0) return c;
    return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
  }

  void Observe(std::string_view v) {
    if (!has_min_max_) {
      min_.assign(v);
      max_.assign(v);
      has_min_max_ = true;
      return;
    }
    if (Compare(v, min_) < 0) {
      min_.assign(v);
    } else if (Compare(v, max_) > 0) {
      max_.assign(v);
    }
  }

  bool fixed_;
  bool signed_order_;
  bool dictionary_mode_;
  BytesDictionary dictionary_;
  std::vector<uint32_t> indices_;
  std::string plain_ = std::string(kPageHeadroom, '\0');  // the room, then PLAIN values
  bool has_min_max_ = false;
  std::string min_;
  std::string max_;
  int64_t plain_bytes_seen_ = 0;
};

thrift::CompressionCodec ToThrift(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed:
      return thrift::CompressionCodec::kUncompressed;
    case Codec::kSnappy:
      return thrift::CompressionCodec::kSnappy;
    case Codec::kGzip:
      return thrift::CompressionCodec::kGzip;
    case Codec::kZstd:
      return thrift::CompressionCodec::kZstd;
  }
  return thrift::CompressionCodec::kUncompressed;
}

}  // namespace

Result<std::unique_ptr<ColumnWriter>> ColumnWriter::Make(const ColumnDescriptor& column,
                                                         const WriterProperties& properties) {
  std::unique_ptr<Compressor> compressor;
  if (properties.codec != Codec::kUncompressed) {
    FLOE_ASSIGN_OR_RAISE(compressor,
                         Compressor::Make(properties.codec, properties.compression_level));
  }
  std::unique_ptr<ColumnWriter> writer;
  switch (column.physical_type) {
    case PhysicalType::kBoolean:
      writer = std::make_unique<BooleanColumnWriter>(column, properties, std::move(compressor));
      break;
    case PhysicalType::kInt32:
      writer =
          std::make_unique<NumericColumnWriter<int32_t>>(column, properties, std::move(compressor));
      break;
    case PhysicalType::kInt64:
      writer =
          std::make_unique<NumericColumnWriter<int64_t>>(column, properties, std::move(compressor));
      break;
    case PhysicalType::kFloat:
      writer =
          std::make_unique<NumericColumnWriter<float>>(column, properties, std::move(compressor));
      break;
    case PhysicalType::kDouble:
      writer =
          std::make_unique<NumericColumnWriter<double>>(column, properties, std::move(compressor));
      break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      writer = std::make_unique<BytesColumnWriter>(column, properties, std::move(compressor));
      break;
    case PhysicalType::kInt96:
      return NotSupported("column '{}': INT96 is not written", column.name);
  }
  return writer;
}

ColumnWriter::ColumnWriter(const ColumnDescriptor& column, const WriterProperties& properties,
                           std::unique_ptr<Compressor> compressor)
    : column_(column),
      properties_(properties),
      compressor_(std::move(compressor)),
      optional_(column.repetition == Repetition::kOptional) {}

Status ColumnWriter::Append(const ColumnVector& values, const Selection& selection, size_t begin,
                            size_t end) {
  size_t n = end - begin;
  if (optional_) {
    size_t at = def_levels_.size();
    def_levels_.resize(at + n);
    uint8_t* levels = def_levels_.data() + at;
    const uint8_t* valid = values.validity();
    if (valid == nullptr) {
      std::memset(levels, 1, n);
      chunk_present_values_ += static_cast<int64_t>(n);
    } else {
      size_t nulls = 0;
      for (size_t i = 0; i < n; ++i) {
        uint8_t present = valid[selection.Row(begin + i)] != 0;
        levels[i] = present;
        nulls += present ^ 1;
      }
      chunk_null_count_ += static_cast<int64_t>(nulls);
      chunk_present_values_ += static_cast<int64_t>(n - nulls);
    }
  } else {
    chunk_present_values_ += static_cast<int64_t>(n);
  }
  page_num_values_ += static_cast<int64_t>(n);
  chunk_num_values_ += static_cast<int64_t>(n);
  AppendValues(values, selection, begin, end);
  if (dictionary_mode() &&
      (DictionaryBytes() > properties_.dictionary_page_size_limit_bytes || !DictionaryPaysOff())) {
    // The pages so far keep their dictionary; the rest of the chunk is PLAIN.
    FLOE_RETURN_IF_ERROR(FlushPage());
    FallBackToPlain();
  }
  int64_t page_bytes =
      EstimatedPageValueBytes() + static_cast<int64_t>(def_levels_.size() / kBitsPerByte);
  if (page_bytes >= properties_.data_page_size_bytes ||
      page_num_values_ >= properties_.data_page_row_count_limit) {
    FLOE_RETURN_IF_ERROR(FlushPage());
  }
  return Status::Ok();
}

bool ColumnWriter::DictionaryPaysOff() {
  if (dictionary_judged_ || chunk_present_values_ < kDictionaryProbeValues) return true;
  // Judged once: a dictionary that does not pay off on the first values rarely starts to.
  dictionary_judged_ = true;
  int64_t index_bytes =
      IndexBytesEstimate(static_cast<size_t>(chunk_present_values_), DictionarySize());
  int64_t encoded = DictionaryBytes() + index_bytes;
  return encoded * kPercent <= PlainBytesSeen() * kDictionaryKeepPercent;
}

int64_t ColumnWriter::EstimatedChunkBytes() const {
  int64_t bytes = chunk_pages_.size() + EstimatedPageValueBytes() +
                  static_cast<int64_t>(def_levels_.size() / kBitsPerByte);
  if (dictionary_mode() || used_dictionary_pages_) bytes += DictionaryBytes();
  return bytes;
}

Status ColumnWriter::AppendPage(thrift::PageHeader header, std::string_view first,
                                std::string_view second, BufferChain* out,
                                int64_t* compressed_bytes, int64_t* uncompressed_bytes) {
  int64_t uncompressed = static_cast<int64_t>(first.size() + second.size());
  if (uncompressed > kMaxPageBytes) {
    return InvalidArgument("column '{}': a page of {} bytes exceeds Parquet's 2 GiB limit",
                           column_.name, uncompressed);
  }
  header.uncompressed_page_size = static_cast<int32_t>(uncompressed);
  if (compressor_) {
    std::string_view body = first;
    if (!second.empty()) {
      page_body_.assign(first);
      page_body_.append(second);
      body = page_body_;
    }
    Result<std::string_view> compressed = compressor_->Compress(body);
    if (!compressed.ok()) {
      return compressed.status().WithContext(fmt::format("column '{}'", column_.name));
    }
    header.compressed_page_size = static_cast<int32_t>(compressed->size());
    first = *compressed;
    second = {};
  } else {
    header.compressed_page_size = static_cast<int32_t>(uncompressed);
  }
  header_.clear();
  thrift::SerializePageHeader(header, &header_);
  out->Append(header_);
  out->Append(first);
  out->Append(second);
  *compressed_bytes += static_cast<int64_t>(header_.size() + first.size() + second.size());
  *uncompressed_bytes += static_cast<int64_t>(header_.size()) + uncompressed;
  return Status::Ok();
}

Status ColumnWriter::FlushPage() {
  if (page_num_values_ == 0) return Status::Ok();
  if (page_num_values_ > INT32_MAX) {
    return InvalidArgument("column '{}': too many values in one page", column_.name);
  }
  levels_.clear();
  if (optional_) {
    levels_.resize(kLengthPrefixBytes);
    RleEncoder::Encode(def_levels_.data(), def_levels_.size(), kDefinitionLevelBitWidth, &levels_);
    PutLength(levels_.data(), levels_.size() - kLengthPrefixBytes);
    def_levels_.clear();
  }
  // A dictionary page with no entry helps no reader: a page of nulls only is PLAIN (and empty).
  bool dictionary = dictionary_mode() && DictionarySize() > 0;
  std::string_view values;
  if (dictionary || !dictionary_mode()) values = PageValues(&values_scratch_);
  // The levels go in the room before PLAIN values when they fit: the page is then one piece.
  std::string_view first = levels_;
  const std::string_view whole = dictionary ? std::string_view() : PageInOnePiece(levels_);
  if (whole.data() != nullptr) {
    first = whole;
    values = {};
  }
  thrift::PageHeader header;
  header.type = thrift::PageType::kDataPage;
  thrift::DataPageHeader data;
  data.num_values = static_cast<int32_t>(page_num_values_);
  data.encoding = dictionary ? thrift::Encoding::kRleDictionary : thrift::Encoding::kPlain;
  data.definition_level_encoding = thrift::Encoding::kRle;
  data.repetition_level_encoding = thrift::Encoding::kRle;
  header.data_page_header = data;
  int64_t compressed = 0;
  Status status =
      AppendPage(header, first, values, &chunk_pages_, &compressed, &chunk_uncompressed_bytes_);
  ClearPageValues();
  FLOE_RETURN_IF_ERROR(status);
  (dictionary ? used_dictionary_pages_ : used_plain_pages_) = true;
  page_num_values_ = 0;
  return Status::Ok();
}

Status ColumnWriter::FlushChunk(io::OutputStream* sink, thrift::ColumnChunk* chunk,
                                EncodedStatistics* stats) {
  FLOE_RETURN_IF_ERROR(FlushPage());
  thrift::ColumnMetaData meta;
  meta.type = column_.physical_type;
  meta.path_in_schema = {column_.name};
  meta.codec = ToThrift(properties_.codec);
  meta.num_values = chunk_num_values_;
  int64_t start = sink->Position();
  int64_t compressed = 0, uncompressed = 0;
  if (used_dictionary_pages_) {
    values_scratch_.clear();
    AppendDictionaryPage(&values_scratch_);
    thrift::PageHeader header;
    header.type = thrift::PageType::kDictionaryPage;
    thrift::DictionaryPageHeader dict;
    dict.num_values = static_cast<int32_t>(DictionarySize());
    dict.encoding = thrift::Encoding::kPlain;
    header.dictionary_page_header = dict;
    BufferChain page;
    FLOE_RETURN_IF_ERROR(
        AppendPage(header, values_scratch_, {}, &page, &compressed, &uncompressed));
    FLOE_RETURN_IF_ERROR(page.WriteTo(sink));
    meta.dictionary_page_offset = start;
  }
  meta.data_page_offset = sink->Position();
  FLOE_RETURN_IF_ERROR(chunk_pages_.WriteTo(sink));
  meta.total_compressed_size = compressed + chunk_pages_.size();
  meta.total_uncompressed_size = uncompressed + chunk_uncompressed_bytes_;
  // PLAIN: the dictionary page's encoding and/or PLAIN data pages. RLE: the levels.
  if (used_dictionary_pages_ || used_plain_pages_)
    meta.encodings.push_back(thrift::Encoding::kPlain);
  meta.encodings.push_back(thrift::Encoding::kRle);
  if (used_dictionary_pages_) meta.encodings.push_back(thrift::Encoding::kRleDictionary);

  *stats = EncodedStatistics{};
  stats->null_count = chunk_null_count_;
  SortOrder order = SortOrderOf(column_);
  if (order != SortOrder::kUnknown) TakeMinMax(stats);
  if (properties_.write_statistics) {
    thrift::Statistics s;
    s.null_count = stats->null_count;
    if (stats->has_min_max) {
      s.min_value = stats->min;
      s.max_value = stats->max;
      // The deprecated fields were compared signed by old readers: only where that is right.
      if (order == SortOrder::kSigned || order == SortOrder::kFloat) {
        s.min = stats->min;
        s.max = stats->max;
      }
    }
    meta.statistics = std::move(s);
  }
  chunk->file_offset = start;
  chunk->meta_data = std::move(meta);

  chunk_pages_.Clear();
  chunk_uncompressed_bytes_ = 0;
  chunk_present_values_ = 0;
  dictionary_judged_ = false;
  chunk_num_values_ = 0;
  chunk_null_count_ = 0;
  used_dictionary_pages_ = used_plain_pages_ = false;
  ResetChunk();
  return Status::Ok();
}

}  // namespace floe::parquet
