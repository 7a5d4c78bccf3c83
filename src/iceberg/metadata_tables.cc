#include "iceberg/metadata_tables.h"

#include <fmt/chrono.h>

#include <chrono>
#include <map>

#include "iceberg/conversions.h"
#include "iceberg/manifest_avro.h"
#include "iceberg/table_scan.h"

namespace floe::iceberg {

namespace {

std::string IsoMillis(int64_t millis) {
  const int64_t seconds = millis >= 0 ? millis / 1000 : -((-millis + 999) / 1000);
  const std::chrono::sys_seconds time{std::chrono::seconds(seconds)};
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", time, millis - seconds * 1000);
}

/// A value as JSON: numbers for ints and longs that are not dates or times, readable text
/// for the rest (dates, timestamps, transform results such as "2025-09-11").
MetadataRow ValueJson(const Transform& transform, const Type& type, const Scalar& value) {
  if (IsNull(value)) return nullptr;
  const bool temporal =
      transform.kind == TransformKind::kYear || transform.kind == TransformKind::kMonth ||
      transform.kind == TransformKind::kDay || transform.kind == TransformKind::kHour;
  if (!temporal && (type.id() == TypeId::kInt || type.id() == TypeId::kLong)) {
    if (const auto* v = std::get_if<int32_t>(&value)) return *v;
    if (const auto* v = std::get_if<int64_t>(&value)) return *v;
  }
  if (const auto* v = std::get_if<bool>(&value)) return *v;
  return transform.ToHumanString(type, value);
}

MetadataRow PartitionJson(const TableMetadata& metadata, int32_t spec_id, const DataFile& file) {
  MetadataRow out = MetadataRow::object();
  const PartitionSpec* spec = metadata.SpecById(spec_id);
  const Schema* schema = metadata.CurrentSchema();
  if (spec == nullptr || schema == nullptr) return out;
  for (size_t i = 0; i < spec->fields.size() && i < file.partition.size(); ++i) {
    const PartitionField& field = spec->fields[i];
    const NestedField* source = schema->FindFieldById(field.source_id);
    Result<TypePtr> type =
        source ? field.transform.ResultType(*source->type) : Result<TypePtr>(NotFound("source"));
    out[field.name] =
        type.ok() ? ValueJson(field.transform, **type, file.partition[i]) : MetadataRow(nullptr);
  }
  return out;
}

MetadataRow CountsJson(const std::map<int32_t, int64_t>& counts) {
  MetadataRow out = MetadataRow::object();
  for (const auto& [id, count] : counts) out[std::to_string(id)] = count;
  return out;
}

MetadataRow BoundsJson(const Schema& schema, const std::map<int32_t, std::string>& bounds) {
  MetadataRow out = MetadataRow::object();
  for (const auto& [id, bytes] : bounds) {
    const NestedField* field = schema.FindFieldById(id);
    Result<Scalar> value =
        field ? FromSingleValue(*field->type, bytes) : Result<Scalar>(NotFound("field {}", id));
    out[std::to_string(id)] =
        value.ok() ? ValueJson(Transform::Identity(), *field->type, *value) : MetadataRow(nullptr);
  }
  return out;
}

Result<std::vector<ScanFile>> SnapshotFiles(io::FileIO& io, const TableMetadata& metadata,
                                            std::optional<int64_t> snapshot_id) {
  ScanOptions options;
  options.snapshot_id = snapshot_id;
  FLOE_ASSIGN_OR_RAISE(std::optional<Snapshot> snapshot, ChooseSnapshot(metadata, options));
  if (!snapshot) return std::vector<ScanFile>();
  ScanStats stats;
  return LiveFiles(io, metadata, *snapshot, &stats);
}

}  // namespace

std::vector<MetadataRow> SnapshotsTable(const TableMetadata& metadata) {
  std::vector<MetadataRow> rows;
  for (const Snapshot& snapshot : metadata.snapshots) {
    MetadataRow row;
    row["committed_at"] = IsoMillis(snapshot.timestamp_ms);
    row["snapshot_id"] = snapshot.snapshot_id;
    row["parent_id"] = snapshot.parent_snapshot_id ? MetadataRow(*snapshot.parent_snapshot_id)
                                                   : MetadataRow(nullptr);
    auto operation = snapshot.summary.find("operation");
    row["operation"] =
        operation == snapshot.summary.end() ? MetadataRow(nullptr) : MetadataRow(operation->second);
    row["manifest_list"] = snapshot.manifest_list;
    MetadataRow summary = MetadataRow::object();
    for (const auto& [key, value] : snapshot.summary) {
      if (key != "operation") summary[key] = value;
    }
    row["summary"] = std::move(summary);
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<MetadataRow>> FilesTable(io::FileIO& io, const TableMetadata& metadata,
                                            std::optional<int64_t> snapshot_id) {
  FLOE_ASSIGN_OR_RAISE(std::vector<ScanFile> files, SnapshotFiles(io, metadata, snapshot_id));
  const Schema* schema = metadata.CurrentSchema();
  if (schema == nullptr) return Corrupt("table metadata has no current schema");
  std::vector<MetadataRow> rows;
  for (const ScanFile& scan_file : files) {
    const DataFile& file = scan_file.file;
    MetadataRow row;
    row["content"] = static_cast<int>(file.content);
    row["file_path"] = file.file_path;
    row["file_format"] = std::string(FileFormatName(file.file_format));
    row["spec_id"] = scan_file.spec_id;
    row["partition"] = PartitionJson(metadata, scan_file.spec_id, file);
    row["record_count"] = file.record_count;
    row["file_size_in_bytes"] = file.file_size_in_bytes;
    row["column_sizes"] = CountsJson(file.column_sizes);
    row["value_counts"] = CountsJson(file.value_counts);
    row["null_value_counts"] = CountsJson(file.null_value_counts);
    row["nan_value_counts"] = CountsJson(file.nan_value_counts);
    row["lower_bounds"] = BoundsJson(*schema, file.lower_bounds);
    row["upper_bounds"] = BoundsJson(*schema, file.upper_bounds);
    row["split_offsets"] = file.split_offsets;
    row["equality_ids"] = file.equality_ids;
    row["sort_order_id"] =
        file.sort_order_id ? MetadataRow(*file.sort_order_id) : MetadataRow(nullptr);
    row["sequence_number"] = scan_file.sequence_number;
    row["referenced_data_file"] =
        file.referenced_data_file ? MetadataRow(*file.referenced_data_file) : MetadataRow(nullptr);
    row["content_offset"] =
        file.content_offset ? MetadataRow(*file.content_offset) : MetadataRow(nullptr);
    row["content_size_in_bytes"] = file.content_size_in_bytes
                                       ? MetadataRow(*file.content_size_in_bytes)
                                       : MetadataRow(nullptr);
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<MetadataRow>> PartitionsTable(io::FileIO& io, const TableMetadata& metadata,
                                                 std::optional<int64_t> snapshot_id) {
  FLOE_ASSIGN_OR_RAISE(std::vector<ScanFile> files, SnapshotFiles(io, metadata, snapshot_id));
  // Keyed by spec and partition JSON, in first-seen order of the sorted keys.
  std::map<std::string, MetadataRow> by_partition;
  for (const ScanFile& scan_file : files) {
    const DataFile& file = scan_file.file;
    MetadataRow partition = PartitionJson(metadata, scan_file.spec_id, file);
    const std::string key = std::to_string(scan_file.spec_id) + partition.dump();
    auto [it, added] = by_partition.try_emplace(key);
    MetadataRow& row = it->second;
    if (added) {
      row["partition"] = std::move(partition);
      row["spec_id"] = scan_file.spec_id;
      for (const char* counter : {"record_count", "file_count", "total_data_file_size_in_bytes",
                                  "position_delete_record_count", "position_delete_file_count",
                                  "equality_delete_record_count", "equality_delete_file_count"}) {
        row[counter] = 0;
      }
    }
    auto add = [&row](const char* counter, int64_t amount) {
      row[counter] = row[counter].get<int64_t>() + amount;
    };
    switch (file.content) {
      case DataFileContent::kData:
        add("record_count", file.record_count);
        add("file_count", 1);
        add("total_data_file_size_in_bytes", file.file_size_in_bytes);
        break;
      case DataFileContent::kPositionDeletes:
        add("position_delete_record_count", file.record_count);
        add("position_delete_file_count", 1);
        break;
      case DataFileContent::kEqualityDeletes:
        add("equality_delete_record_count", file.record_count);
        add("equality_delete_file_count", 1);
        break;
    }
  }
  std::vector<MetadataRow> rows;
  for (auto& [key, row] : by_partition) rows.push_back(std::move(row));
  return rows;
}

}  // namespace floe::iceberg
