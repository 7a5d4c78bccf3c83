#include "stream/sink/key_index.h"

#include <cstring>

namespace floe::stream {
namespace {

constexpr std::string_view kMagic = "FLOEKIX1";

template <typename T>
void PutRaw(std::string* out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out->append(bytes, sizeof(T));
}

void PutBytes(std::string* out, std::string_view bytes) {
  PutRaw<uint32_t>(out, static_cast<uint32_t>(bytes.size()));
  out->append(bytes);
}

// Reads the blob front to back; any read past its end marks it damaged.
class BlobReader {
 public:
  explicit BlobReader(std::string_view blob) : rest_(blob) {}

  template <typename T>
  T Get() {
    T value{};
    if (rest_.size() < sizeof(T)) {
      damaged_ = true;
      return value;
    }
    std::memcpy(&value, rest_.data(), sizeof(T));
    rest_.remove_prefix(sizeof(T));
    return value;
  }
  std::string_view GetBytes() {
    const auto size = Get<uint32_t>();
    if (rest_.size() < size) {
      damaged_ = true;
      return {};
    }
    std::string_view bytes = rest_.substr(0, size);
    rest_.remove_prefix(size);
    return bytes;
  }
  bool damaged() const { return damaged_; }
  bool at_end() const { return rest_.empty(); }

 private:
  std::string_view rest_;
  bool damaged_ = false;
};

enum class ScalarTag : uint8_t { kNull, kBool, kInt32, kInt64, kFloat, kDouble, kString };

void PutScalar(std::string* out, const iceberg::Scalar& value) {
  PutRaw<uint8_t>(out, static_cast<uint8_t>(value.index()));
  std::visit(
      [&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) {
          PutBytes(out, v);
        } else if constexpr (!std::is_same_v<V, std::monostate>) {
          PutRaw<V>(out, v);
        }
      },
      value);
}

iceberg::Scalar GetScalar(BlobReader& reader, bool* bad_tag) {
  switch (static_cast<ScalarTag>(reader.Get<uint8_t>())) {
    case ScalarTag::kNull:
      return std::monostate{};
    case ScalarTag::kBool:
      return reader.Get<bool>();
    case ScalarTag::kInt32:
      return reader.Get<int32_t>();
    case ScalarTag::kInt64:
      return reader.Get<int64_t>();
    case ScalarTag::kFloat:
      return reader.Get<float>();
    case ScalarTag::kDouble:
      return reader.Get<double>();
    case ScalarTag::kString:
      return std::string(reader.GetBytes());
  }
  *bad_tag = true;
  return std::monostate{};
}

}  // namespace

Status AppendKeyPart(const ColumnVector& column, size_t row, std::string* key) {
  if (column.IsNull(row)) return InvalidArgument("a key column is null");
  switch (column.kind()) {
    case ColumnKind::kBool:
      PutRaw<uint8_t>(key, column.Value<uint8_t>(row));
      return Status::Ok();
    case ColumnKind::kInt32:
      PutRaw<int32_t>(key, column.Value<int32_t>(row));
      return Status::Ok();
    case ColumnKind::kInt64:
      PutRaw<int64_t>(key, column.Value<int64_t>(row));
      return Status::Ok();
    case ColumnKind::kBytes:
    case ColumnKind::kFixed:
      PutBytes(key, column.GetBytes(row));
      return Status::Ok();
    default:
      return InvalidArgument("a float or double column cannot be part of a key");
  }
}

uint32_t KeyIndex::AddFile(const std::string& path, const std::vector<iceberg::Scalar>& partition) {
  auto [it, added] = file_numbers_.emplace(path, static_cast<uint32_t>(files_.size()));
  if (added) files_.push_back(File{path, partition, 0});
  return it->second;
}

std::optional<KeyIndex::Location> KeyIndex::Find(std::string_view key) const {
  auto found = keys_.find(std::string(key));
  if (found == keys_.end()) return std::nullopt;
  return found->second;
}

std::optional<KeyIndex::Location> KeyIndex::Put(std::string key, Location location) {
  auto [it, added] = keys_.try_emplace(std::move(key), location);
  std::optional<Location> replaced;
  if (!added) {
    replaced = it->second;
    --files_[it->second.file].live_keys;
    it->second = location;
  }
  ++files_[location.file].live_keys;
  return replaced;
}

void KeyIndex::Erase(std::string_view key) {
  auto found = keys_.find(std::string(key));
  if (found == keys_.end()) return;
  --files_[found->second.file].live_keys;
  keys_.erase(found);
}

bool KeyIndex::PointsInto(const std::set<std::string>& paths) const {
  for (const File& file : files_) {
    if (file.live_keys > 0 && paths.contains(file.path)) return true;
  }
  return false;
}

std::string KeyIndex::ToBlob() const {
  // Files without live keys are left out; the rest are renumbered densely.
  std::vector<uint32_t> renumbered(files_.size(), UINT32_MAX);
  std::string out(kMagic);
  PutRaw<int64_t>(&out, snapshot_id_);
  uint32_t kept = 0;
  for (const File& file : files_) kept += file.live_keys > 0 ? 1 : 0;
  PutRaw<uint32_t>(&out, kept);
  kept = 0;
  for (size_t f = 0; f < files_.size(); ++f) {
    if (files_[f].live_keys == 0) continue;
    renumbered[f] = kept++;
    PutBytes(&out, files_[f].path);
    PutRaw<uint32_t>(&out, static_cast<uint32_t>(files_[f].partition.size()));
    for (const iceberg::Scalar& value : files_[f].partition) PutScalar(&out, value);
  }
  PutRaw<uint64_t>(&out, keys_.size());
  for (const auto& [key, location] : keys_) {
    PutBytes(&out, key);
    PutRaw<uint32_t>(&out, renumbered[location.file]);
    PutRaw<int64_t>(&out, location.position);
  }
  return out;
}

Result<KeyIndex> KeyIndex::FromBlob(std::string_view blob, const std::string& where) {
  if (!blob.starts_with(kMagic)) return Corrupt("{}: not a key index (bad magic)", where);
  BlobReader reader(blob.substr(kMagic.size()));
  KeyIndex index;
  index.snapshot_id_ = reader.Get<int64_t>();
  const auto files = reader.Get<uint32_t>();
  bool bad_tag = false;
  for (uint32_t f = 0; f < files && !reader.damaged() && !bad_tag; ++f) {
    std::string path(reader.GetBytes());
    const auto fields = reader.Get<uint32_t>();
    std::vector<iceberg::Scalar> partition;
    for (uint32_t i = 0; i < fields && !reader.damaged() && !bad_tag; ++i) {
      partition.push_back(GetScalar(reader, &bad_tag));
    }
    index.AddFile(path, partition);
  }
  const auto keys = reader.Get<uint64_t>();
  for (uint64_t k = 0; k < keys && !reader.damaged(); ++k) {
    std::string key(reader.GetBytes());
    const auto file = reader.Get<uint32_t>();
    const auto position = reader.Get<int64_t>();
    if (file >= index.files_.size() || position < 0) {
      return Corrupt("{}: key {} points to file {} of {} at {}", where, k, file,
                     index.files_.size(), position);
    }
    index.Put(std::move(key), Location{file, position});
  }
  if (reader.damaged() || bad_tag || !reader.at_end()) {
    return Corrupt("{}: the key index is truncated or damaged", where);
  }
  return index;
}

}  // namespace floe::stream
