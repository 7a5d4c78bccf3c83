#include "iceberg/partitioned_writer.h"

#include "common/fault.h"
#include "common/uuid.h"
#include "iceberg/conversions.h"

namespace floe::iceberg {

namespace {

/// Percent-encodes a partition path segment: letters, digits and ".-*_" stay, every other byte
/// (space included) becomes %XX. Java's URLEncoder writes a space as '+', but tools that parse
/// hive-style paths (DuckDB's read_parquet, Spark's file sources) decode only %XX, and would read
/// "a+b" back for "a b"; %20 means the same to every decoder.
std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
        (byte >= '0' && byte <= '9') || byte == '.' || byte == '-' || byte == '*' || byte == '_') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0F]);
    }
  }
  return out;
}

/// A byte key that identifies a partition tuple (type tag + value bytes per field).
void AppendKey(const Scalar& value, std::string* key) {
  key->push_back(static_cast<char>(value.index()));
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
        } else if constexpr (std::is_same_v<T, std::string>) {
          uint32_t size = static_cast<uint32_t>(v.size());
          key->append(reinterpret_cast<const char*>(&size), sizeof(size));
          key->append(v);
        } else {
          key->append(reinterpret_cast<const char*>(&v), sizeof(v));
        }
      },
      value);
}

constexpr const char* kTargetFileSizeProperty = "write.target-file-size-bytes";
constexpr const char* kDataPathProperty = "write.data.path";

}  // namespace

std::string DataDirectory(const TableMetadata& metadata) {
  std::string directory = metadata.Property(kDataPathProperty, metadata.location + "/data");
  while (!directory.empty() && directory.back() == '/') directory.pop_back();
  return directory;
}

std::string PartitionPath(const PartitionSpec& spec, const Schema& schema,
                          const std::vector<Scalar>& partition) {
  std::string path;
  for (size_t i = 0; i < spec.fields.size() && i < partition.size(); ++i) {
    const PartitionField& field = spec.fields[i];
    const NestedField* source = schema.FindFieldById(field.source_id);
    std::string human = "null";
    if (source != nullptr) {
      auto result_type = field.transform.ResultType(*source->type);
      if (result_type.ok()) human = field.transform.ToHumanString(**result_type, partition[i]);
    }
    if (!path.empty()) path.push_back('/');
    path += UrlEncode(field.name);
    path.push_back('=');
    path += UrlEncode(human);
  }
  return path;
}

namespace {

Result<int64_t> TargetFileSize(const std::map<std::string, std::string>& properties) {
  return PositiveIntProperty(properties, kTargetFileSizeProperty, kDefaultTargetFileSizeBytes);
}

}  // namespace

Status ValidateWriteProperties(const std::map<std::string, std::string>& properties) {
  FLOE_RETURN_IF_ERROR(ParquetPropertiesFromTable(properties));
  FLOE_RETURN_IF_ERROR(TargetFileSize(properties));
  return Status::Ok();
}

PartitionedWriter::PartitionedWriter(std::shared_ptr<io::FileIO> io, Schema schema,
                                     PartitionSpec spec, std::string data_location,
                                     int64_t target_file_size_bytes,
                                     parquet::WriterProperties properties)
    : io_(std::move(io)),
      schema_(std::move(schema)),
      spec_(std::move(spec)),
      data_location_(std::move(data_location)),
      target_file_size_bytes_(target_file_size_bytes),
      properties_(std::move(properties)),
      write_id_(NewUuid()) {}

Result<std::unique_ptr<PartitionedWriter>> PartitionedWriter::Make(std::shared_ptr<io::FileIO> io,
                                                                   const TableMetadata& metadata) {
  const Schema* schema = metadata.CurrentSchema();
  const PartitionSpec* spec = metadata.DefaultSpec();
  if (schema == nullptr || spec == nullptr) {
    return Corrupt("table {} has no current schema or default partition spec", metadata.location);
  }
  FLOE_ASSIGN_OR_RAISE(parquet::WriterProperties properties,
                       ParquetPropertiesFromTable(metadata.properties));
  FLOE_ASSIGN_OR_RAISE(int64_t target, TargetFileSize(metadata.properties));
  std::string data_location = DataDirectory(metadata);

  auto writer = std::unique_ptr<PartitionedWriter>(new PartitionedWriter(
      std::move(io), *schema, *spec, std::move(data_location), target, std::move(properties)));
  for (const PartitionField& field : spec->fields) {
    int index = schema->FieldIndexById(field.source_id);
    if (index < 0) {
      return NotSupported("partition field '{}': source {} is not a top-level column", field.name,
                          field.source_id);
    }
    writer->source_columns_.push_back(index);
    writer->source_types_.push_back(schema->fields()[index].type);
  }
  return writer;
}

Status PartitionedWriter::Write(std::span<const ColumnVector* const> columns, Selection selection,
                                RowLocation* locations) {
  if (columns.size() != schema_.fields().size()) {
    return InvalidArgument("{} columns given for a schema of {} fields", columns.size(),
                           schema_.fields().size());
  }
  if (selection.count == 0) return Status::Ok();
  if (spec_.is_unpartitioned()) {
    return WriteToPartition(std::string(), {}, columns, selection, locations);
  }

  // Group the selected rows by partition tuple, then write each group as one selection.
  for (auto& [key, rows] : rows_by_key_) rows.clear();
  std::unordered_map<std::string, std::vector<Scalar>> tuples;
  std::string key;
  std::vector<Scalar> tuple(spec_.fields.size());
  for (size_t i = 0; i < selection.count; ++i) {
    size_t row = selection.Row(i);
    key.clear();
    for (size_t f = 0; f < spec_.fields.size(); ++f) {
      const Type& type = *source_types_[f];
      Scalar source = ScalarFromColumn(type, *columns[source_columns_[f]], row);
      FLOE_ASSIGN_OR_RAISE(tuple[f], spec_.fields[f].transform.Apply(type, source));
      AppendKey(tuple[f], &key);
    }
    if (!tuples.contains(key)) tuples.emplace(key, tuple);
    rows_by_key_[key].push_back(static_cast<uint32_t>(row));
  }
  for (auto& [group_key, partition] : tuples) {
    const std::vector<uint32_t>& rows = rows_by_key_[group_key];
    FLOE_RETURN_IF_ERROR(WriteToPartition(group_key, std::move(partition), columns,
                                          Selection{rows.data(), rows.size()}, locations));
  }
  return Status::Ok();
}

Status PartitionedWriter::WriteToPartition(const std::string& key, std::vector<Scalar> partition,
                                           std::span<const ColumnVector* const> columns,
                                           Selection selection, RowLocation* locations) {
  auto it = open_files_.find(key);
  if (it == open_files_.end()) {
    OpenFile file;
    file.path = PartitionPath(spec_, schema_, partition);
    file.partition = std::move(partition);
    FLOE_ASSIGN_OR_RAISE(file.writer, NewFile(file.partition, file.path));
    file.number = static_cast<uint32_t>(opened_files_.size() - 1);
    it = open_files_.emplace(key, std::move(file)).first;
  }
  OpenFile& file = it->second;
  if (locations != nullptr) {
    const int64_t first = file.writer->num_rows();
    for (size_t i = 0; i < selection.count; ++i) {
      locations[selection.Row(i)] = RowLocation{file.number, first + static_cast<int64_t>(i)};
    }
  }
  FLOE_RETURN_IF_ERROR(file.writer->Write(columns, selection));
  rows_written_ += static_cast<int64_t>(selection.count);
  if (file.writer->EstimatedFileSize() >= target_file_size_bytes_) {
    FLOE_RETURN_IF_ERROR(CloseFile(file));
    FLOE_ASSIGN_OR_RAISE(file.writer, NewFile(file.partition, file.path));
    file.number = static_cast<uint32_t>(opened_files_.size() - 1);
  }
  return Status::Ok();
}

Result<std::unique_ptr<DataFileWriter>> PartitionedWriter::NewFile(
    const std::vector<Scalar>& partition, const std::string& partition_path) {
  // Java's naming: <partition id>-<task id>-<operation uuid>-<file count>.parquet
  std::string name =
      fmt::format("{}00000-0-{}-{:05d}.parquet", file_prefix_, write_id_, ++file_count_);
  std::string location = partition_path.empty()
                             ? fmt::format("{}/{}", data_location_, name)
                             : fmt::format("{}/{}/{}", data_location_, partition_path, name);
  opened_files_.push_back(location);
  return DataFileWriter::Make(*io_, std::move(location), schema_, partition, properties_);
}

Status PartitionedWriter::CloseFile(OpenFile& file) {
  std::unique_ptr<DataFileWriter> writer = std::move(file.writer);
  if (writer->num_rows() == 0) return writer->Abort();
  FLOE_ASSIGN_OR_RAISE(DataFile data_file, writer->Close());
  FaultPoint("after-data-file");
  closed_files_.push_back(std::move(data_file));
  return Status::Ok();
}

Result<std::vector<DataFile>> PartitionedWriter::Finish() {
  Status first_error;
  for (auto& [key, file] : open_files_) {
    Status status = CloseFile(file);
    if (!status.ok() && first_error.ok()) first_error = status;
  }
  open_files_.clear();
  if (!first_error.ok()) {
    FLOE_RETURN_IF_ERROR(Abort());
    return first_error;
  }
  return std::exchange(closed_files_, {});
}

Status PartitionedWriter::Abort() {
  Status first_error;
  for (auto& [key, file] : open_files_) {
    if (file.writer == nullptr) continue;
    Status status = file.writer->Abort();
    if (!status.ok() && first_error.ok()) first_error = status;
  }
  open_files_.clear();
  for (const DataFile& file : closed_files_) {
    Status status = io_->DeleteFile(file.file_path);
    if (!status.ok() && first_error.ok()) first_error = status;
  }
  closed_files_.clear();
  return first_error;
}

}  // namespace floe::iceberg
