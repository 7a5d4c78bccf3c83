#pragma once

// One column of a batch in one buffer: the unit in which rows move from decoders through
// operators into writers. Fixed-width values sit in one array indexed by row (a null row holds a
// zero placeholder); variable-width values sit in one byte buffer with size()+1 offsets. Validity
// is one byte per row (1 = present) and is empty while the column has no null.

#include <cassert>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace floe {

/// Physical storage kinds. Logical meaning (date, timestamp, decimal, uuid...) lives with the
/// schema that describes the column, not here.
enum class ColumnKind : uint8_t {
  kBool,   // one byte per row, 0 or 1
  kInt32,  // int, date, decimal(P<=9)
  kInt64,  // long, time, timestamps, decimal(P<=18)
  kFloat,
  kDouble,
  kBytes,  // string, binary: variable width
  kFixed,  // fixed(L), uuid, wide decimals: fixed_width() bytes per row
};

/// Rows of a batch to use, in order: a filter's result. An empty-optional-like "all rows" is
/// expressed by indices == nullptr.
struct Selection {
  const uint32_t* indices = nullptr;  // nullptr: rows 0..count-1
  size_t count = 0;

  size_t Row(size_t i) const { return indices ? indices[i] : i; }
  static Selection All(size_t rows) { return Selection{nullptr, rows}; }
};

/// Thread safety: none; a vector is owned by one batch and filled by one thread.
/// Limits: the byte buffer of a kBytes column holds at most 4 GiB; producers cut batches long
/// before that (see bytes_size()).
class ColumnVector {
 public:
  explicit ColumnVector(ColumnKind kind, int32_t fixed_width = 0)
      : kind_(kind), fixed_width_(kind == ColumnKind::kFixed ? fixed_width : 0) {
    if (kind_ == ColumnKind::kBytes) offsets_.push_back(0);
  }

  ColumnKind kind() const { return kind_; }
  int32_t fixed_width() const { return fixed_width_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  bool has_nulls() const { return null_count_ > 0; }
  size_t null_count() const { return null_count_; }
  bool IsNull(size_t row) const { return !validity_.empty() && validity_[row] == 0; }
  /// One byte per row (1 = present), or nullptr when no row is null.
  const uint8_t* validity() const { return validity_.empty() ? nullptr : validity_.data(); }

  /// Fixed-width values (kBool as uint8_t, kInt32, kInt64, kFloat, kDouble), one per row.
  template <typename T>
  const T* values() const {
    return reinterpret_cast<const T*>(data_.data());
  }
  template <typename T>
  T Value(size_t row) const {
    T v;
    std::memcpy(&v, data_.data() + row * sizeof(T), sizeof(T));
    return v;
  }

  /// kBytes: the value of a row (empty for a null row). kFixed: fixed_width() bytes.
  std::string_view GetBytes(size_t row) const {
    if (kind_ == ColumnKind::kFixed) {
      return {reinterpret_cast<const char*>(data_.data()) + row * fixed_width_,
              static_cast<size_t>(fixed_width_)};
    }
    return {reinterpret_cast<const char*>(data_.data()) + offsets_[row],
            offsets_[row + 1] - offsets_[row]};
  }
  /// kBytes: size()+1 offsets into bytes_data().
  const uint32_t* offsets() const { return offsets_.data(); }
  const uint8_t* bytes_data() const { return data_.data(); }
  /// Bytes held by the value buffer (all kinds).
  size_t bytes_size() const { return data_.size(); }

  void Reserve(size_t rows, size_t bytes = 0) {
    if (kind_ == ColumnKind::kBytes) {
      offsets_.reserve(rows + 1);
      data_.reserve(bytes);
    } else {
      data_.reserve(rows * ElementWidth());
    }
  }

  void Clear() {
    size_ = 0;
    null_count_ = 0;
    data_.clear();
    validity_.clear();
    offsets_.clear();
    if (kind_ == ColumnKind::kBytes) offsets_.push_back(0);
  }

  void AppendNull() {
    if (validity_.empty()) validity_.assign(size_, 1);
    validity_.push_back(0);
    ++null_count_;
    if (kind_ == ColumnKind::kBytes) {
      offsets_.push_back(offsets_.back());
    } else {
      data_.resize(data_.size() + ElementWidth(), 0);
    }
    ++size_;
  }

  /// Appends a fixed-width value; T must match the kind (uint8_t for kBool).
  template <typename T>
  void Append(T value) {
    assert(sizeof(T) == ElementWidth() && kind_ != ColumnKind::kBytes &&
           kind_ != ColumnKind::kFixed);
    size_t at = data_.size();
    data_.resize(at + sizeof(T));
    std::memcpy(data_.data() + at, &value, sizeof(T));
    MarkValid();
  }

  /// kBytes: any length. kFixed: exactly fixed_width() bytes.
  void AppendBytes(std::string_view bytes) {
    assert(kind_ == ColumnKind::kBytes ||
           (kind_ == ColumnKind::kFixed && bytes.size() == static_cast<size_t>(fixed_width_)));
    // From uint8_t pointers: inserting chars into a uint8_t vector would convert byte by byte,
    // and resize + memcpy would zero the room first.
    const auto* from = reinterpret_cast<const uint8_t*>(bytes.data());
    data_.insert(data_.end(), from, from + bytes.size());
    if (kind_ == ColumnKind::kBytes) offsets_.push_back(static_cast<uint32_t>(data_.size()));
    MarkValid();
  }

  /// kBytes: appends values[r] for the rows r of `rows`; a view whose data() is nullptr is a
  /// null. Sizes the buffers once for all of them.
  void AppendViews(const std::string_view* values, Selection rows) {
    assert(kind_ == ColumnKind::kBytes);
    size_t bytes = 0;
    size_t nulls = 0;
    for (size_t i = 0; i < rows.count; ++i) {
      const std::string_view value = values[rows.Row(i)];
      bytes += value.size();
      nulls += value.data() == nullptr ? 1 : 0;
    }
    // Validity is kept once any row is null (an empty column's is empty either way).
    const bool track_validity = nulls > 0 || !validity_.empty();
    if (track_validity && validity_.empty()) validity_.assign(size_, 1);
    size_t at = data_.size();
    data_.resize(at + bytes);
    offsets_.resize(offsets_.size() + rows.count);
    uint32_t* offset = offsets_.data() + offsets_.size() - rows.count;
    for (size_t i = 0; i < rows.count; ++i) {
      const std::string_view value = values[rows.Row(i)];
      if (!value.empty()) std::memcpy(data_.data() + at, value.data(), value.size());
      at += value.size();
      offset[i] = static_cast<uint32_t>(at);
    }
    if (track_validity) {
      for (size_t i = 0; i < rows.count; ++i) {
        validity_.push_back(values[rows.Row(i)].data() == nullptr ? 0 : 1);
      }
    }
    null_count_ += nulls;
    size_ += rows.count;
  }

  /// Appends rows of `from` (same kind and width): rows[0..count) or, when `rows` is nullptr,
  /// rows 0..count-1. Copies whole values at once (a gather), for handing a filtered batch's
  /// rows to another thread.
  void AppendRows(const ColumnVector& from, const uint32_t* rows, size_t count) {
    assert(from.kind_ == kind_ && from.fixed_width_ == fixed_width_);
    const auto row_at = [&](size_t i) { return rows ? rows[i] : i; };
    if (from.has_nulls() || !validity_.empty()) {
      if (validity_.empty()) validity_.assign(size_, 1);
      for (size_t i = 0; i < count; ++i) {
        const bool present = !from.IsNull(row_at(i));
        validity_.push_back(present ? 1 : 0);
        null_count_ += present ? 0 : 1;
      }
    }
    if (kind_ == ColumnKind::kBytes) {
      size_t bytes = 0;
      for (size_t i = 0; i < count; ++i) {
        const size_t row = row_at(i);
        bytes += from.offsets_[row + 1] - from.offsets_[row];
      }
      size_t at = data_.size();
      data_.resize(at + bytes);
      offsets_.reserve(offsets_.size() + count);
      for (size_t i = 0; i < count; ++i) {
        const size_t row = row_at(i);
        const uint32_t length = from.offsets_[row + 1] - from.offsets_[row];
        if (length != 0)
          std::memcpy(data_.data() + at, from.data_.data() + from.offsets_[row], length);
        at += length;
        offsets_.push_back(static_cast<uint32_t>(at));
      }
    } else {
      const size_t width = ElementWidth();
      size_t at = data_.size();
      data_.resize(at + count * width);
      for (size_t i = 0; i < count; ++i) {
        std::memcpy(data_.data() + at, from.data_.data() + row_at(i) * width, width);
        at += width;
      }
    }
    size_ += count;
  }

  /// Keeps rows[0..count) only, in place; `rows` must be strictly increasing. Each value moves
  /// towards the front or stays, so one forward pass does it.
  void KeepRows(const uint32_t* rows, size_t count) {
    if (kind_ == ColumnKind::kBytes) {
      uint32_t at = 0;
      for (size_t i = 0; i < count; ++i) {
        const uint32_t begin = offsets_[rows[i]];
        const uint32_t length = offsets_[rows[i] + 1] - begin;
        if (length != 0 && begin != at)
          std::memmove(data_.data() + at, data_.data() + begin, length);
        at += length;
        offsets_[i + 1] = at;
      }
      offsets_.resize(count + 1);
      data_.resize(at);
    } else {
      const size_t width = ElementWidth();
      for (size_t i = 0; i < count; ++i) {
        if (rows[i] != i)
          std::memcpy(data_.data() + i * width, data_.data() + rows[i] * width, width);
      }
      data_.resize(count * width);
    }
    if (!validity_.empty()) {
      null_count_ = 0;
      for (size_t i = 0; i < count; ++i) {
        validity_[i] = validity_[rows[i]];
        null_count_ += validity_[i] == 0 ? 1 : 0;
      }
      validity_.resize(count);
      if (null_count_ == 0) validity_.clear();
    }
    size_ = count;
  }

  /// Width in bytes of one value of a fixed-width kind (0 for kBytes).
  size_t ElementWidth() const {
    switch (kind_) {
      case ColumnKind::kBool:
        return 1;
      case ColumnKind::kInt32:
      case ColumnKind::kFloat:
        return 4;
      case ColumnKind::kInt64:
      case ColumnKind::kDouble:
        return 8;
      case ColumnKind::kFixed:
        return static_cast<size_t>(fixed_width_);
      case ColumnKind::kBytes:
        return 0;
    }
    return 0;
  }

 private:
  void MarkValid() {
    if (!validity_.empty()) validity_.push_back(1);
    ++size_;
  }

  ColumnKind kind_;
  int32_t fixed_width_;
  size_t size_ = 0;
  size_t null_count_ = 0;
  std::vector<uint8_t> data_;
  std::vector<uint32_t> offsets_;
  std::vector<uint8_t> validity_;
};

}  // namespace floe
