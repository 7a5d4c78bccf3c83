#include "iceberg/manifest_avro.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "format/avro/reader.h"
#include "format/avro/schema.h"
#include "format/avro/value.h"
#include "format/avro/writer.h"
#include "iceberg/column_kind.h"
#include "iceberg/conversions.h"
#include "iceberg/scalar_order.h"
#include "iceberg/schema_json.h"

namespace floe::iceberg {

namespace {

// Key order kept as written, so that the schema in a file's header reads like the spec's.
using ojson = nlohmann::ordered_json;
using avro::Value;

constexpr int32_t kFormatVersionRowLineage = 3;
constexpr int32_t kUuidBytes = 16;

// Field ids of the spec's manifest_entry, data_file and manifest_file (ICEBERG-NOTES §2).
namespace ids {
constexpr int kStatus = 0;
constexpr int kSnapshotId = 1;
constexpr int kDataFile = 2;
constexpr int kSequenceNumber = 3;
constexpr int kFileSequenceNumber = 4;
constexpr int kFilePath = 100;
constexpr int kFileFormat = 101;
constexpr int kPartition = 102;
constexpr int kRecordCount = 103;
constexpr int kFileSizeInBytes = 104;
constexpr int kColumnSizes = 108;
constexpr int kValueCounts = 109;
constexpr int kNullValueCounts = 110;
constexpr int kLowerBounds = 125;
constexpr int kUpperBounds = 128;
constexpr int kKeyMetadata = 131;
constexpr int kSplitOffsets = 132;
constexpr int kSplitOffsetsElement = 133;
constexpr int kContent = 134;
constexpr int kEqualityIds = 135;
constexpr int kEqualityIdsElement = 136;
constexpr int kNanValueCounts = 137;
constexpr int kSortOrderId = 140;
constexpr int kFirstRowId = 142;
constexpr int kReferencedDataFile = 143;
constexpr int kContentOffset = 144;
constexpr int kContentSizeInBytes = 145;
// Keys and values of the int-keyed maps.
constexpr int kColumnSizesKey = 117, kColumnSizesValue = 118;
constexpr int kValueCountsKey = 119, kValueCountsValue = 120;
constexpr int kNullValueCountsKey = 121, kNullValueCountsValue = 122;
constexpr int kLowerBoundsKey = 126, kLowerBoundsValue = 127;
constexpr int kUpperBoundsKey = 129, kUpperBoundsValue = 130;
constexpr int kNanValueCountsKey = 138, kNanValueCountsValue = 139;

constexpr int kManifestPath = 500;
constexpr int kManifestLength = 501;
constexpr int kPartitionSpecId = 502;
constexpr int kAddedSnapshotId = 503;
constexpr int kAddedFilesCount = 504;
constexpr int kExistingFilesCount = 505;
constexpr int kDeletedFilesCount = 506;
constexpr int kPartitions = 507;
constexpr int kPartitionSummary = 508;
constexpr int kContainsNull = 509;
constexpr int kLowerBound = 510;
constexpr int kUpperBound = 511;
constexpr int kAddedRowsCount = 512;
constexpr int kExistingRowsCount = 513;
constexpr int kDeletedRowsCount = 514;
constexpr int kListSequenceNumber = 515;
constexpr int kMinSequenceNumber = 516;
constexpr int kManifestContent = 517;
constexpr int kContainsNan = 518;
constexpr int kManifestKeyMetadata = 519;
constexpr int kManifestFirstRowId = 520;
}  // namespace ids

// ---- Avro schema JSON ------------------------------------------------------------------------

ojson Field(std::string_view name, ojson type, int field_id) {
  return ojson{{"name", name}, {"type", std::move(type)}, {"field-id", field_id}};
}

// Optional fields are unions with null first and a null default, as the spec requires.
ojson OptionalField(std::string_view name, ojson type, int field_id) {
  return ojson{{"name", name},
               {"type", ojson::array({"null", std::move(type)})},
               {"default", nullptr},
               {"field-id", field_id}};
}

// Iceberg's int-keyed maps: Avro maps only have string keys, so the spec writes them as arrays
// of key/value records marked with the "map" logical type.
ojson IntKeyedMap(std::string_view value_type, int key_id, int value_id) {
  return ojson{{"type", "array"},
               {"items",
                {{"type", "record"},
                 {"name", fmt::format("k{}_v{}", key_id, value_id)},
                 {"fields", ojson::array({Field("key", "int", key_id),
                                          Field("value", value_type, value_id)})}}},
               {"logicalType", "map"}};
}

ojson ListOf(std::string_view element_type, int element_id) {
  return ojson{{"type", "array"}, {"items", element_type}, {"element-id", element_id}};
}

// Bytes a fixed needs to hold every unscaled value of a decimal's precision (Java's
// TypeUtil.decimalRequiredBytes: one sign bit plus the bits of 10^P - 1).
int32_t DecimalRequiredBytes(int32_t precision) {
  constexpr double kBitsPerByte = 8;
  const double value_bits = std::log2(std::pow(10.0, precision) - 1);
  return static_cast<int32_t>(std::ceil((value_bits + 1) / kBitsPerByte));
}

// The Avro type of an Iceberg primitive as Java's AvroSchemaUtil writes it. Named types (fixed)
// are defined once per schema and referenced by name afterwards.
Result<ojson> AvroTypeOf(const Type& type, std::set<std::string>& defined_names) {
  const auto named_fixed = [&](std::string name, int32_t size, ojson extra) -> ojson {
    if (!defined_names.insert(name).second) return name;
    ojson out{{"type", "fixed"}, {"name", std::move(name)}, {"size", size}};
    out.update(extra);
    return out;
  };
  switch (type.id()) {
    case TypeId::kBoolean:
      return ojson("boolean");
    case TypeId::kInt:
      return ojson("int");
    case TypeId::kLong:
      return ojson("long");
    case TypeId::kFloat:
      return ojson("float");
    case TypeId::kDouble:
      return ojson("double");
    case TypeId::kDate:
      return ojson{{"type", "int"}, {"logicalType", "date"}};
    case TypeId::kTime:
      return ojson{{"type", "long"}, {"logicalType", "time-micros"}};
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return ojson{{"type", "long"},
                   {"logicalType", "timestamp-micros"},
                   {"adjust-to-utc", type.id() == TypeId::kTimestampTz}};
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs:
      return ojson{{"type", "long"},
                   {"logicalType", "timestamp-nanos"},
                   {"adjust-to-utc", type.id() == TypeId::kTimestampTzNs}};
    case TypeId::kString:
      return ojson("string");
    case TypeId::kBinary:
      return ojson("bytes");
    case TypeId::kUuid:
      return named_fixed("uuid_fixed", kUuidBytes, {{"logicalType", "uuid"}});
    case TypeId::kFixed:
      return named_fixed(fmt::format("fixed_{}", type.length()), type.length(), ojson::object());
    case TypeId::kDecimal:
      return named_fixed(
          fmt::format("decimal_{}_{}", type.precision(), type.scale()),
          DecimalRequiredBytes(type.precision()),
          {{"logicalType", "decimal"}, {"precision", type.precision()}, {"scale", type.scale()}});
    default:
      break;
  }
  return InvalidArgument("type {} cannot be a partition value", type.ToString());
}

Result<ojson> PartitionRecordSchema(const Type& partition_type) {
  std::set<std::string> defined_names;
  ojson fields = ojson::array();
  for (const NestedField& field : partition_type.fields()) {
    FLOE_ASSIGN_OR_RAISE(ojson type, AvroTypeOf(*field.type, defined_names));
    fields.push_back(OptionalField(field.name, std::move(type), field.id));
  }
  return ojson{{"type", "record"}, {"name", "r102"}, {"fields", std::move(fields)}};
}

// v2 delete manifests carry referenced_data_file too (file-scoped position deletes, as Java
// writes them since 1.7); v3 manifests carry every row-lineage and deletion-vector field.
Result<avro::NodePtr> ManifestEntrySchema(int32_t format_version, const Type& partition_type,
                                          ManifestContent content) {
  FLOE_ASSIGN_OR_RAISE(ojson partition, PartitionRecordSchema(partition_type));
  ojson data_file_fields = ojson::array({
      Field("content", "int", ids::kContent),
      Field("file_path", "string", ids::kFilePath),
      Field("file_format", "string", ids::kFileFormat),
      Field("partition", std::move(partition), ids::kPartition),
      Field("record_count", "long", ids::kRecordCount),
      Field("file_size_in_bytes", "long", ids::kFileSizeInBytes),
      OptionalField("column_sizes",
                    IntKeyedMap("long", ids::kColumnSizesKey, ids::kColumnSizesValue),
                    ids::kColumnSizes),
      OptionalField("value_counts",
                    IntKeyedMap("long", ids::kValueCountsKey, ids::kValueCountsValue),
                    ids::kValueCounts),
      OptionalField("null_value_counts",
                    IntKeyedMap("long", ids::kNullValueCountsKey, ids::kNullValueCountsValue),
                    ids::kNullValueCounts),
      OptionalField("nan_value_counts",
                    IntKeyedMap("long", ids::kNanValueCountsKey, ids::kNanValueCountsValue),
                    ids::kNanValueCounts),
      OptionalField("lower_bounds",
                    IntKeyedMap("bytes", ids::kLowerBoundsKey, ids::kLowerBoundsValue),
                    ids::kLowerBounds),
      OptionalField("upper_bounds",
                    IntKeyedMap("bytes", ids::kUpperBoundsKey, ids::kUpperBoundsValue),
                    ids::kUpperBounds),
      OptionalField("key_metadata", "bytes", ids::kKeyMetadata),
      OptionalField("split_offsets", ListOf("long", ids::kSplitOffsetsElement), ids::kSplitOffsets),
      OptionalField("equality_ids", ListOf("int", ids::kEqualityIdsElement), ids::kEqualityIds),
      OptionalField("sort_order_id", "int", ids::kSortOrderId),
  });
  if (format_version >= kFormatVersionRowLineage) {
    data_file_fields.push_back(OptionalField("first_row_id", "long", ids::kFirstRowId));
    data_file_fields.push_back(
        OptionalField("referenced_data_file", "string", ids::kReferencedDataFile));
    data_file_fields.push_back(OptionalField("content_offset", "long", ids::kContentOffset));
    data_file_fields.push_back(
        OptionalField("content_size_in_bytes", "long", ids::kContentSizeInBytes));
  } else if (content == ManifestContent::kDeletes) {
    data_file_fields.push_back(
        OptionalField("referenced_data_file", "string", ids::kReferencedDataFile));
  }
  const ojson schema{
      {"type", "record"},
      {"name", "manifest_entry"},
      {"fields",
       ojson::array({
           Field("status", "int", ids::kStatus),
           OptionalField("snapshot_id", "long", ids::kSnapshotId),
           OptionalField("sequence_number", "long", ids::kSequenceNumber),
           OptionalField("file_sequence_number", "long", ids::kFileSequenceNumber),
           Field("data_file",
                 {{"type", "record"}, {"name", "r2"}, {"fields", std::move(data_file_fields)}},
                 ids::kDataFile),
       })}};
  return avro::ParseSchema(schema.dump());
}

std::string ManifestFileSchemaJson(int32_t format_version) {
  const ojson summary{{"type", "record"},
                      {"name", "r508"},
                      {"fields", ojson::array({
                                     Field("contains_null", "boolean", ids::kContainsNull),
                                     OptionalField("contains_nan", "boolean", ids::kContainsNan),
                                     OptionalField("lower_bound", "bytes", ids::kLowerBound),
                                     OptionalField("upper_bound", "bytes", ids::kUpperBound),
                                 })}};
  ojson fields = ojson::array({
      Field("manifest_path", "string", ids::kManifestPath),
      Field("manifest_length", "long", ids::kManifestLength),
      Field("partition_spec_id", "int", ids::kPartitionSpecId),
      Field("content", "int", ids::kManifestContent),
      Field("sequence_number", "long", ids::kListSequenceNumber),
      Field("min_sequence_number", "long", ids::kMinSequenceNumber),
      Field("added_snapshot_id", "long", ids::kAddedSnapshotId),
      Field("added_files_count", "int", ids::kAddedFilesCount),
      Field("existing_files_count", "int", ids::kExistingFilesCount),
      Field("deleted_files_count", "int", ids::kDeletedFilesCount),
      Field("added_rows_count", "long", ids::kAddedRowsCount),
      Field("existing_rows_count", "long", ids::kExistingRowsCount),
      Field("deleted_rows_count", "long", ids::kDeletedRowsCount),
      OptionalField("partitions",
                    {{"type", "array"}, {"items", summary}, {"element-id", ids::kPartitionSummary}},
                    ids::kPartitions),
      OptionalField("key_metadata", "bytes", ids::kManifestKeyMetadata),
  });
  if (format_version >= kFormatVersionRowLineage) {
    fields.push_back(OptionalField("first_row_id", "long", ids::kManifestFirstRowId));
  }
  return ojson{{"type", "record"}, {"name", "manifest_file"}, {"fields", std::move(fields)}}.dump();
}

// Built once per format version: every manifest list of a version has the same schema.
Result<avro::NodePtr> ManifestFileSchema(int32_t format_version) {
  static const Result<avro::NodePtr> kV2 = avro::ParseSchema(ManifestFileSchemaJson(2));
  static const Result<avro::NodePtr> kV3 =
      avro::ParseSchema(ManifestFileSchemaJson(kFormatVersionRowLineage));
  return format_version >= kFormatVersionRowLineage ? kV3 : kV2;
}

Status CheckFormatVersion(int32_t format_version) {
  constexpr int32_t kOldestWritable = 2;
  if (format_version < kOldestWritable || format_version > kFormatVersionRowLineage) {
    return NotSupported("writing manifests of format version {} (only 2 and 3)", format_version);
  }
  return Status::Ok();
}

// ---- values ----------------------------------------------------------------------------------

Value OptionalLong(const std::optional<int64_t>& v) { return v ? Value::Long(*v) : Value::Null(); }

Value OptionalBytes(const std::optional<std::string>& v) {
  return v ? Value::Bytes(*v) : Value::Null();
}

template <typename V, typename MakeValue>
Value IntKeyedMapValue(const std::map<int32_t, V>& map, MakeValue make_value) {
  if (map.empty()) return Value::Null();
  std::vector<Value> items;
  items.reserve(map.size());
  for (const auto& [key, value] : map) {
    items.push_back(Value::Record({Value::Int(key), make_value(value)}));
  }
  return Value::Array(std::move(items));
}

// A decimal partition value as the fixed of DecimalRequiredBytes: the minimal bytes,
// sign-extended.
Result<Value> DecimalFixedValue(const Type& type, const Scalar& value) {
  FLOE_ASSIGN_OR_RAISE(std::string minimal, DecimalToMinimalBytes(type, value));
  const auto size = static_cast<size_t>(DecimalRequiredBytes(type.precision()));
  if (minimal.size() > size) {
    return InvalidArgument("decimal value does not fit {}", type.ToString());
  }
  constexpr uint8_t kSignBit = 0x80;
  const bool negative = (static_cast<uint8_t>(minimal[0]) & kSignBit) != 0;
  std::string fixed(size - minimal.size(), negative ? '\xff' : '\0');
  fixed += minimal;
  return Value::Bytes(std::move(fixed));
}

Result<Value> PartitionValue(const Type& type, const Scalar& value) {
  if (IsNull(value)) return Value::Null();
  if (type.id() == TypeId::kDecimal) return DecimalFixedValue(type, value);
  int32_t fixed_width = 0;
  const Result<ColumnKind> kind = ColumnKindFor(type, &fixed_width);
  if (!kind.ok()) return InvalidArgument("type {} cannot be a partition value", type.ToString());
  if (!ScalarHolds(type, value)) {
    return InvalidArgument("partition value of type {} held in the wrong representation",
                           type.ToString());
  }
  switch (*kind) {
    case ColumnKind::kBool:
      return Value::Boolean(std::get<bool>(value));
    case ColumnKind::kInt32:
      return Value::Int(std::get<int32_t>(value));
    case ColumnKind::kInt64:
      return Value::Long(std::get<int64_t>(value));
    case ColumnKind::kFloat:
      return Value::Float(std::get<float>(value));
    case ColumnKind::kDouble:
      return Value::Double(std::get<double>(value));
    case ColumnKind::kBytes:
      if (type.id() == TypeId::kString) return Value::String(std::get<std::string>(value));
      [[fallthrough]];
    case ColumnKind::kFixed: {
      // ToSingleValue checks the length of uuid and fixed values.
      FLOE_ASSIGN_OR_RAISE(std::string bytes, ToSingleValue(type, value));
      return Value::Bytes(std::move(bytes));
    }
  }
  return InvalidArgument("type {} cannot be a partition value", type.ToString());
}

Result<Value> DataFileValue(const DataFile& file, const Type& partition_type,
                            int32_t format_version, ManifestContent content) {
  const std::vector<NestedField>& partition_fields = partition_type.fields();
  if (file.partition.size() != partition_fields.size()) {
    return InvalidArgument("data file {} has {} partition values, the spec has {} fields",
                           file.file_path, file.partition.size(), partition_fields.size());
  }
  std::vector<Value> partition;
  partition.reserve(partition_fields.size());
  for (size_t i = 0; i < partition_fields.size(); ++i) {
    Result<Value> value = PartitionValue(*partition_fields[i].type, file.partition[i]);
    FLOE_RETURN_IF_ERROR_CTX(value, fmt::format("data file {} partition field '{}'", file.file_path,
                                                partition_fields[i].name));
    partition.push_back(std::move(value).value());
  }
  const auto long_value = [](int64_t v) { return Value::Long(v); };
  const auto bytes_value = [](const std::string& v) { return Value::Bytes(v); };

  std::vector<Value> split_offsets;
  for (int64_t offset : file.split_offsets) split_offsets.push_back(Value::Long(offset));
  std::vector<Value> equality_ids;
  for (int32_t id : file.equality_ids) equality_ids.push_back(Value::Int(id));

  std::vector<Value> fields = {
      Value::Int(static_cast<int32_t>(file.content)),
      Value::String(file.file_path),
      Value::String(std::string(FileFormatName(file.file_format))),
      Value::Record(std::move(partition)),
      Value::Long(file.record_count),
      Value::Long(file.file_size_in_bytes),
      IntKeyedMapValue(file.column_sizes, long_value),
      IntKeyedMapValue(file.value_counts, long_value),
      IntKeyedMapValue(file.null_value_counts, long_value),
      IntKeyedMapValue(file.nan_value_counts, long_value),
      IntKeyedMapValue(file.lower_bounds, bytes_value),
      IntKeyedMapValue(file.upper_bounds, bytes_value),
      OptionalBytes(file.key_metadata),
      split_offsets.empty() ? Value::Null() : Value::Array(std::move(split_offsets)),
      equality_ids.empty() ? Value::Null() : Value::Array(std::move(equality_ids)),
      file.sort_order_id ? Value::Int(*file.sort_order_id) : Value::Null(),
  };
  if (format_version >= kFormatVersionRowLineage) {
    // Null means "inherit" for first_row_id and "absent" for the others.
    const auto optional_long = [](const std::optional<int64_t>& v) {
      return v ? Value::Long(*v) : Value::Null();
    };
    fields.push_back(optional_long(file.first_row_id));
    fields.push_back(file.referenced_data_file ? Value::String(*file.referenced_data_file)
                                               : Value::Null());
    fields.push_back(optional_long(file.content_offset));
    fields.push_back(optional_long(file.content_size_in_bytes));
  } else if (content == ManifestContent::kDeletes) {
    fields.push_back(file.referenced_data_file ? Value::String(*file.referenced_data_file)
                                               : Value::Null());
  }
  return Value::Record(std::move(fields));
}

// ---- partition summaries ---------------------------------------------------------------------

bool IsNaN(const Scalar& value) {
  if (const auto* f = std::get_if<float>(&value)) return std::isnan(*f);
  if (const auto* d = std::get_if<double>(&value)) return std::isnan(*d);
  return false;
}

class PartitionSummaryBuilder {
 public:
  explicit PartitionSummaryBuilder(TypePtr type) : type_(std::move(type)) {}

  void Update(const Scalar& value) {
    if (IsNull(value)) {
      contains_null_ = true;
    } else if (IsNaN(value)) {
      contains_nan_ = true;
    } else {
      if (IsNull(lower_) || ScalarLess(*type_, value, lower_)) lower_ = value;
      if (IsNull(upper_) || ScalarLess(*type_, upper_, value)) upper_ = value;
    }
  }

  Result<PartitionFieldSummary> Finish() const {
    PartitionFieldSummary summary;
    summary.contains_null = contains_null_;
    if (type_->id() == TypeId::kFloat || type_->id() == TypeId::kDouble) {
      summary.contains_nan = contains_nan_;
    }
    if (!IsNull(lower_)) {
      FLOE_ASSIGN_OR_RAISE(summary.lower_bound, ToSingleValue(*type_, lower_));
      FLOE_ASSIGN_OR_RAISE(summary.upper_bound, ToSingleValue(*type_, upper_));
    }
    return summary;
  }

 private:
  TypePtr type_;
  bool contains_null_ = false;
  bool contains_nan_ = false;
  Scalar lower_;
  Scalar upper_;
};

// ---- reading ---------------------------------------------------------------------------------

// The schema of a record's field, looking through ["null", T] unions; nullptr if absent.
const avro::Node* FieldSchema(const avro::Node& record, std::string_view name) {
  const int index = record.FieldIndex(name);
  if (index < 0) return nullptr;
  const avro::Node* type = record.fields[static_cast<size_t>(index)].type.get();
  if (type->type == avro::AvroType::kUnion) {
    for (const avro::NodePtr& branch : type->branches) {
      if (branch->type != avro::AvroType::kNull) return branch.get();
    }
  }
  return type;
}

// A record read through its writer schema, looked up by field name so that files of other
// writers (extra fields, other field orders, v1 layouts) read too.
class RecordView {
 public:
  RecordView(const avro::Node& schema, const Value& record, std::string where)
      : schema_(schema), record_(record), where_(std::move(where)) {}

  const avro::Node& schema() const { return schema_; }
  const std::string& where() const { return where_; }

  /// The field's value, or nullptr when the field is absent or null.
  const Value* Get(std::string_view name) const {
    const Value* value = avro::FindField(schema_, record_, name);
    return value == nullptr || value->is_null() ? nullptr : value;
  }
  /// The first of several names (a v1 and a v2 spelling) that is present.
  const Value* GetAny(std::initializer_list<std::string_view> names) const {
    for (std::string_view name : names) {
      if (const Value* value = Get(name)) return value;
    }
    return nullptr;
  }

  Result<std::optional<int64_t>> OptionalLong(std::string_view name) const {
    return ToLong(Get(name), name);
  }
  Result<std::optional<int64_t>> OptionalLongAny(std::initializer_list<std::string_view> names,
                                                 std::string_view shown) const {
    return ToLong(GetAny(names), shown);
  }
  Result<int64_t> RequiredLong(std::string_view name) const {
    FLOE_ASSIGN_OR_RAISE(std::optional<int64_t> value, OptionalLong(name));
    if (!value) return Missing(name);
    return *value;
  }
  Result<std::string> RequiredString(std::string_view name) const {
    const Value* value = Get(name);
    if (value == nullptr) return Missing(name);
    if (!value->is_string() && !value->is_bytes()) return WrongKind(name, *value, "string");
    return value->as_string();
  }
  Result<std::optional<std::string>> OptionalBytes(std::string_view name) const {
    const Value* value = Get(name);
    if (value == nullptr) return std::optional<std::string>();
    if (!value->is_bytes() && !value->is_string()) return WrongKind(name, *value, "bytes");
    return std::optional<std::string>(value->as_bytes());
  }

  Status Missing(std::string_view name) const {
    return Corrupt("{}: missing required field '{}'", where_, name);
  }
  Status WrongKind(std::string_view name, const Value& value, std::string_view expected) const {
    return Corrupt("{}: field '{}' is {}, expected {}", where_, name, value.kind_name(), expected);
  }

 private:
  Result<std::optional<int64_t>> ToLong(const Value* value, std::string_view name) const {
    if (value == nullptr) return std::optional<int64_t>();
    if (value->is_long()) return std::optional<int64_t>(value->as_long());
    if (value->is_int()) return std::optional<int64_t>(value->as_int());
    return WrongKind(name, *value, "long");
  }

  const avro::Node& schema_;
  const Value& record_;
  std::string where_;
};

Result<int32_t> NarrowToInt(int64_t value, std::string_view what, const std::string& where) {
  if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max()) {
    return Corrupt("{}: {} {} does not fit an int", where, what, value);
  }
  return static_cast<int32_t>(value);
}

template <typename V, typename ReadValue>
Result<std::map<int32_t, V>> ReadIntKeyedMap(const RecordView& record, std::string_view name,
                                             ReadValue read_value) {
  std::map<int32_t, V> out;
  const Value* value = record.Get(name);
  if (value == nullptr) return out;
  const std::string where = fmt::format("{}.{}", record.where(), name);
  if (value->is_map()) {
    // Not the spec's form, but a plain Avro map with the ids as string keys is unambiguous.
    for (const auto& [key, item] : value->as_map()) {
      int32_t id = 0;
      const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), id);
      if (error != std::errc() || end != key.data() + key.size()) {
        return Corrupt("{}: map key '{}' is not a field id", where, key);
      }
      FLOE_ASSIGN_OR_RAISE(out[id], read_value(item, where));
    }
    return out;
  }
  const avro::Node* array_schema = FieldSchema(record.schema(), name);
  if (!value->is_array() || array_schema == nullptr || array_schema->items == nullptr ||
      array_schema->items->type != avro::AvroType::kRecord) {
    return Corrupt("{}: expected an array of key/value records", where);
  }
  for (const Value& item : value->as_array()) {
    const RecordView entry(*array_schema->items, item, where);
    const Value* key = entry.Get("key");
    const Value* item_value = entry.Get("value");
    if (key == nullptr || !key->is_int() || item_value == nullptr) {
      return Corrupt("{}: entry without an int key and a value", where);
    }
    FLOE_ASSIGN_OR_RAISE(out[key->as_int()], read_value(*item_value, where));
  }
  return out;
}

Result<int64_t> ReadLongValue(const Value& value, const std::string& where) {
  if (value.is_long()) return value.as_long();
  if (value.is_int()) return static_cast<int64_t>(value.as_int());
  return Corrupt("{}: value is {}, expected long", where, value.kind_name());
}

Result<std::string> ReadBytesValue(const Value& value, const std::string& where) {
  if (value.is_bytes() || value.is_string()) return value.as_bytes();
  return Corrupt("{}: value is {}, expected bytes", where, value.kind_name());
}

Result<Scalar> ScalarFromPartitionValue(const Type& type, const Value& value,
                                        const std::string& where) {
  const auto wrong = [&]() {
    return Corrupt("{}: {} value for a partition field of type {}", where, value.kind_name(),
                   type.ToString());
  };
  if (type.id() == TypeId::kDecimal) {
    if (!value.is_bytes()) return wrong();
    return DecimalFromBytes(type, value.as_bytes());
  }
  int32_t fixed_width = 0;
  const Result<ColumnKind> kind = ColumnKindFor(type, &fixed_width);
  if (!kind.ok()) return wrong();
  switch (*kind) {
    case ColumnKind::kBool:
      if (value.is_boolean()) return Scalar(value.as_boolean());
      return wrong();
    case ColumnKind::kInt32:
      if (value.is_int()) return Scalar(value.as_int());
      return wrong();
    case ColumnKind::kInt64:
      if (value.is_long()) return Scalar(value.as_long());
      if (value.is_int()) return Scalar(static_cast<int64_t>(value.as_int()));
      return wrong();
    case ColumnKind::kFloat:
      if (value.is_float()) return Scalar(value.as_float());
      return wrong();
    case ColumnKind::kDouble:
      if (value.is_double()) return Scalar(value.as_double());
      if (value.is_float()) return Scalar(static_cast<double>(value.as_float()));
      return wrong();
    case ColumnKind::kBytes:
    case ColumnKind::kFixed:
      if (!value.is_bytes() && !value.is_string()) return wrong();
      return FromSingleValue(type, value.as_bytes());
  }
  return wrong();
}

Result<std::vector<Scalar>> ReadPartition(const RecordView& data_file, const Type& partition_type) {
  std::vector<Scalar> values(partition_type.fields().size());
  const Value* partition = data_file.Get("partition");
  const avro::Node* partition_schema = FieldSchema(data_file.schema(), "partition");
  if (partition == nullptr || partition_schema == nullptr ||
      partition_schema->type != avro::AvroType::kRecord) {
    if (values.empty()) return values;
    return Corrupt("{}: missing partition record", data_file.where());
  }
  const RecordView record(*partition_schema, *partition, data_file.where() + ".partition");
  for (size_t i = 0; i < values.size(); ++i) {
    const NestedField& field = partition_type.fields()[i];
    std::string name = field.name;
    if (partition_schema->FieldIndex(name) < 0) {
      // Renamed since? The field id still says which one it is.
      for (const avro::Field& candidate : partition_schema->fields) {
        const auto id = candidate.attributes.find("field-id");
        if (id != candidate.attributes.end() && id->is_number_integer() && *id == field.id) {
          name = candidate.name;
        }
      }
    }
    const Value* value = record.Get(name);
    if (value == nullptr) continue;
    FLOE_ASSIGN_OR_RAISE(values[i], ScalarFromPartitionValue(*field.type, *value,
                                                             record.where() + "." + field.name));
  }
  return values;
}

Result<FileFormat> ParseFileFormat(std::string_view text, const std::string& where) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "PARQUET") return FileFormat::kParquet;
  if (upper == "AVRO") return FileFormat::kAvro;
  if (upper == "ORC") return FileFormat::kOrc;
  if (upper == "PUFFIN") return FileFormat::kPuffin;
  return Corrupt("{}: unknown file format '{}'", where, text);
}

Result<DataFile> ReadDataFile(const RecordView& record, const Type& partition_type) {
  DataFile file;
  FLOE_ASSIGN_OR_RAISE(std::optional<int64_t> content, record.OptionalLong("content"));
  constexpr int64_t kLargestContent = static_cast<int64_t>(DataFileContent::kEqualityDeletes);
  if (content && (*content < 0 || *content > kLargestContent)) {
    return Corrupt("{}: unknown content {}", record.where(), *content);
  }
  file.content = static_cast<DataFileContent>(content.value_or(0));
  FLOE_ASSIGN_OR_RAISE(file.file_path, record.RequiredString("file_path"));
  FLOE_ASSIGN_OR_RAISE(std::string format, record.RequiredString("file_format"));
  FLOE_ASSIGN_OR_RAISE(file.file_format, ParseFileFormat(format, record.where()));
  FLOE_ASSIGN_OR_RAISE(file.partition, ReadPartition(record, partition_type));
  FLOE_ASSIGN_OR_RAISE(file.record_count, record.RequiredLong("record_count"));
  FLOE_ASSIGN_OR_RAISE(file.file_size_in_bytes, record.RequiredLong("file_size_in_bytes"));
  FLOE_ASSIGN_OR_RAISE(file.column_sizes,
                       ReadIntKeyedMap<int64_t>(record, "column_sizes", ReadLongValue));
  FLOE_ASSIGN_OR_RAISE(file.value_counts,
                       ReadIntKeyedMap<int64_t>(record, "value_counts", ReadLongValue));
  FLOE_ASSIGN_OR_RAISE(file.null_value_counts,
                       ReadIntKeyedMap<int64_t>(record, "null_value_counts", ReadLongValue));
  FLOE_ASSIGN_OR_RAISE(file.nan_value_counts,
                       ReadIntKeyedMap<int64_t>(record, "nan_value_counts", ReadLongValue));
  FLOE_ASSIGN_OR_RAISE(file.lower_bounds,
                       ReadIntKeyedMap<std::string>(record, "lower_bounds", ReadBytesValue));
  FLOE_ASSIGN_OR_RAISE(file.upper_bounds,
                       ReadIntKeyedMap<std::string>(record, "upper_bounds", ReadBytesValue));
  FLOE_ASSIGN_OR_RAISE(file.key_metadata, record.OptionalBytes("key_metadata"));
  if (const Value* offsets = record.Get("split_offsets"); offsets != nullptr) {
    if (!offsets->is_array()) return record.WrongKind("split_offsets", *offsets, "array");
    for (const Value& offset : offsets->as_array()) {
      FLOE_ASSIGN_OR_RAISE(int64_t v, ReadLongValue(offset, record.where() + ".split_offsets"));
      file.split_offsets.push_back(v);
    }
  }
  if (const Value* equality = record.Get("equality_ids"); equality != nullptr) {
    if (!equality->is_array()) return record.WrongKind("equality_ids", *equality, "array");
    for (const Value& id : equality->as_array()) {
      if (!id.is_int()) return record.WrongKind("equality_ids", id, "int");
      file.equality_ids.push_back(id.as_int());
    }
  }
  FLOE_ASSIGN_OR_RAISE(std::optional<int64_t> sort_order_id, record.OptionalLong("sort_order_id"));
  if (sort_order_id) {
    FLOE_ASSIGN_OR_RAISE(file.sort_order_id,
                         NarrowToInt(*sort_order_id, "sort_order_id", record.where()));
  }
  FLOE_ASSIGN_OR_RAISE(file.first_row_id, record.OptionalLong("first_row_id"));
  FLOE_ASSIGN_OR_RAISE(file.referenced_data_file, record.OptionalBytes("referenced_data_file"));
  FLOE_ASSIGN_OR_RAISE(file.content_offset, record.OptionalLong("content_offset"));
  FLOE_ASSIGN_OR_RAISE(file.content_size_in_bytes, record.OptionalLong("content_size_in_bytes"));
  return file;
}

Status ExpectRecordSchema(const avro::Node& schema, const std::string& where) {
  if (schema.type != avro::AvroType::kRecord) {
    return Corrupt("{}: the Avro schema is a {}, not a record", where,
                   avro::AvroTypeName(schema.type));
  }
  return Status::Ok();
}

}  // namespace

std::string_view FileFormatName(FileFormat format) {
  switch (format) {
    case FileFormat::kParquet:
      return "PARQUET";
    case FileFormat::kAvro:
      return "AVRO";
    case FileFormat::kOrc:
      return "ORC";
    case FileFormat::kPuffin:
      return "PUFFIN";
  }
  return "PARQUET";
}

// ---- manifests -------------------------------------------------------------------------------

Result<ManifestFile> WriteManifest(io::FileIO& io, const std::string& location,
                                   const ManifestWriteContext& context,
                                   std::span<const ManifestEntry> entries) {
  if (context.schema == nullptr || context.spec == nullptr) {
    return InvalidArgument("manifest {}: the write context needs a schema and a spec", location);
  }
  FLOE_RETURN_IF_ERROR(CheckFormatVersion(context.format_version));
  const Schema& schema = *context.schema;
  const PartitionSpec& spec = *context.spec;
  FLOE_ASSIGN_OR_RAISE(TypePtr partition_type, spec.PartitionType(schema));
  FLOE_ASSIGN_OR_RAISE(
      avro::NodePtr avro_schema,
      ManifestEntrySchema(context.format_version, *partition_type, context.content));

  avro::WriterOptions options;
  options.codec = avro::Codec::kDeflate;
  options.metadata = {
      {"schema", SchemaToJson(schema).dump()},
      {"schema-id", std::to_string(schema.schema_id())},
      {"partition-spec", PartitionFieldsToJson(spec).dump()},
      {"partition-spec-id", std::to_string(spec.spec_id)},
      {"format-version", std::to_string(context.format_version)},
      {"content", context.content == ManifestContent::kData ? "data" : "deletes"},
  };
  io::StringOutputStream sink;
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<avro::FileWriter> writer,
                       avro::FileWriter::Make(&sink, avro_schema, std::move(options)));

  ManifestFile manifest;
  manifest.manifest_path = location;
  manifest.partition_spec_id = spec.spec_id;
  manifest.content = context.content;
  manifest.sequence_number = context.sequence_number;
  manifest.added_snapshot_id = context.snapshot_id;
  std::optional<int64_t> min_explicit_sequence_number;
  std::vector<PartitionSummaryBuilder> summaries;
  for (const NestedField& field : partition_type->fields()) summaries.emplace_back(field.type);

  for (const ManifestEntry& entry : entries) {
    const bool added = entry.status == ManifestEntryStatus::kAdded;
    const bool is_data = entry.data_file.content == DataFileContent::kData;
    if (is_data != (context.content == ManifestContent::kData)) {
      return InvalidArgument("manifest {}: {} file {} in a {} manifest", location,
                             is_data ? "data" : "delete", entry.data_file.file_path,
                             is_data ? "delete" : "data");
    }
    if (!added && !entry.sequence_number) {
      return InvalidArgument(
          "manifest {}: {} entry {} needs its sequence number", location,
          entry.status == ManifestEntryStatus::kExisting ? "existing" : "deleted",
          entry.data_file.file_path);
    }
    // ADDED entries get their sequence numbers from the manifest list at commit time, so
    // that a commit retried under a new sequence number does not rewrite its manifests.
    Value snapshot_id = Value::Null();
    if (entry.snapshot_id) {
      snapshot_id = Value::Long(*entry.snapshot_id);
    } else if (context.snapshot_id != 0) {
      snapshot_id = Value::Long(context.snapshot_id);
    }
    FLOE_ASSIGN_OR_RAISE(Value data_file, DataFileValue(entry.data_file, *partition_type,
                                                        context.format_version, context.content));
    const Value row = Value::Record({
        Value::Int(static_cast<int32_t>(entry.status)),
        std::move(snapshot_id),
        added ? Value::Null() : OptionalLong(entry.sequence_number),
        // An entry that predates file sequence numbers was added by its data's commit.
        added ? Value::Null()
              : OptionalLong(entry.file_sequence_number ? entry.file_sequence_number
                                                        : entry.sequence_number),
        std::move(data_file),
    });
    FLOE_RETURN_IF_ERROR_CTX(writer->Append(row), fmt::format("manifest {}", location));

    for (size_t i = 0; i < summaries.size(); ++i) summaries[i].Update(entry.data_file.partition[i]);
    const int64_t rows = entry.data_file.record_count;
    switch (entry.status) {
      case ManifestEntryStatus::kAdded:
        ++manifest.added_files_count;
        manifest.added_rows_count += rows;
        break;
      case ManifestEntryStatus::kExisting:
        ++manifest.existing_files_count;
        manifest.existing_rows_count += rows;
        break;
      case ManifestEntryStatus::kDeleted:
        ++manifest.deleted_files_count;
        manifest.deleted_rows_count += rows;
        break;
    }
    if (!added) {
      min_explicit_sequence_number = std::min(
          min_explicit_sequence_number.value_or(*entry.sequence_number), *entry.sequence_number);
    }
  }
  FLOE_RETURN_IF_ERROR_CTX(writer->Close(), fmt::format("manifest {}", location));

  // ADDED entries will carry the commit's sequence number; the others carry theirs.
  manifest.min_sequence_number = context.sequence_number;
  if (min_explicit_sequence_number) {
    manifest.min_sequence_number =
        manifest.added_files_count > 0
            ? std::min(context.sequence_number, *min_explicit_sequence_number)
            : *min_explicit_sequence_number;
  }
  for (const PartitionSummaryBuilder& summary : summaries) {
    FLOE_ASSIGN_OR_RAISE(PartitionFieldSummary finished, summary.Finish());
    manifest.partitions.push_back(std::move(finished));
  }
  manifest.manifest_length = static_cast<int64_t>(sink.buffer().size());
  FLOE_RETURN_IF_ERROR(io.WriteFile(location, sink.buffer(), io::WriteMode::kCreateNew));
  return manifest;
}

Result<std::vector<ManifestEntry>> ReadManifest(io::FileIO& io, const ManifestFile& manifest,
                                                const Schema& schema, const PartitionSpec& spec) {
  const std::string& location = manifest.manifest_path;
  FLOE_ASSIGN_OR_RAISE(std::string bytes, io.ReadFile(location));
  Result<avro::ContainerFile> container = avro::ReadContainer(bytes);
  FLOE_RETURN_IF_ERROR_CTX(container, fmt::format("manifest {}", location));
  const avro::Node& entry_schema = *container->schema;
  FLOE_RETURN_IF_ERROR(ExpectRecordSchema(entry_schema, fmt::format("manifest {}", location)));
  const avro::Node* data_file_schema = FieldSchema(entry_schema, "data_file");
  if (data_file_schema == nullptr || data_file_schema->type != avro::AvroType::kRecord) {
    return Corrupt("manifest {}: no data_file record in the schema", location);
  }
  FLOE_ASSIGN_OR_RAISE(TypePtr partition_type, spec.PartitionType(schema));

  std::vector<ManifestEntry> entries;
  entries.reserve(container->rows.size());
  for (size_t row = 0; row < container->rows.size(); ++row) {
    const RecordView record(entry_schema, container->rows[row],
                            fmt::format("manifest {} entry {}", location, row));
    ManifestEntry entry;
    FLOE_ASSIGN_OR_RAISE(int64_t status, record.RequiredLong("status"));
    if (status < static_cast<int64_t>(ManifestEntryStatus::kExisting) ||
        status > static_cast<int64_t>(ManifestEntryStatus::kDeleted)) {
      return Corrupt("{}: unknown status {}", record.where(), status);
    }
    entry.status = static_cast<ManifestEntryStatus>(status);
    FLOE_ASSIGN_OR_RAISE(entry.snapshot_id, record.OptionalLong("snapshot_id"));
    FLOE_ASSIGN_OR_RAISE(entry.sequence_number, record.OptionalLong("sequence_number"));
    FLOE_ASSIGN_OR_RAISE(entry.file_sequence_number, record.OptionalLong("file_sequence_number"));
    const Value* data_file = record.Get("data_file");
    if (data_file == nullptr) return record.Missing("data_file");
    FLOE_ASSIGN_OR_RAISE(entry.data_file, ReadDataFile(RecordView(*data_file_schema, *data_file,
                                                                  record.where() + " data_file"),
                                                       *partition_type));

    // Inheritance (spec "Sequence Number Inheritance"): ADDED entries take the manifest's
    // snapshot and sequence number; in v1 manifests (sequence number 0) every entry does.
    const bool inherits =
        entry.status == ManifestEntryStatus::kAdded || manifest.sequence_number == 0;
    if (!entry.snapshot_id) entry.snapshot_id = manifest.added_snapshot_id;
    if (!entry.sequence_number && inherits) entry.sequence_number = manifest.sequence_number;
    if (!entry.file_sequence_number && inherits) {
      entry.file_sequence_number = manifest.sequence_number;
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

// ---- manifest lists --------------------------------------------------------------------------

Status WriteManifestList(io::FileIO& io, const std::string& location,
                         const ManifestListWriteContext& context,
                         std::span<const ManifestFile> manifests) {
  FLOE_RETURN_IF_ERROR(CheckFormatVersion(context.format_version));
  FLOE_ASSIGN_OR_RAISE(avro::NodePtr schema, ManifestFileSchema(context.format_version));
  const bool row_lineage = context.format_version >= kFormatVersionRowLineage;

  avro::WriterOptions options;
  options.codec = avro::Codec::kDeflate;
  options.metadata = {
      {"snapshot-id", std::to_string(context.snapshot_id)},
      {"parent-snapshot-id",
       context.parent_snapshot_id ? std::to_string(*context.parent_snapshot_id) : "null"},
      {"sequence-number", std::to_string(context.sequence_number)},
      {"format-version", std::to_string(context.format_version)},
  };
  if (row_lineage) {
    options.metadata.emplace_back("first-row-id", std::to_string(context.first_row_id.value_or(0)));
  }
  io::StringOutputStream sink;
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<avro::FileWriter> writer,
                       avro::FileWriter::Make(&sink, schema, std::move(options)));

  // v3: data manifests without a first row id get consecutive ranges from the snapshot's.
  int64_t next_row_id = context.first_row_id.value_or(0);
  for (const ManifestFile& manifest : manifests) {
    int64_t sequence_number = manifest.sequence_number;
    int64_t min_sequence_number = manifest.min_sequence_number;
    if (manifest.added_snapshot_id == context.snapshot_id) {
      // Written for this commit, possibly under an earlier attempt's sequence number. A minimum
      // at or above the manifest's own number came from its ADDED entries (explicit ones are
      // always older), so it moves with the commit's number too.
      if (min_sequence_number >= sequence_number) min_sequence_number = context.sequence_number;
      sequence_number = context.sequence_number;
    }
    std::vector<Value> partitions;
    partitions.reserve(manifest.partitions.size());
    for (const PartitionFieldSummary& summary : manifest.partitions) {
      partitions.push_back(Value::Record({
          Value::Boolean(summary.contains_null),
          summary.contains_nan ? Value::Boolean(*summary.contains_nan) : Value::Null(),
          OptionalBytes(summary.lower_bound),
          OptionalBytes(summary.upper_bound),
      }));
    }
    std::vector<Value> fields = {
        Value::String(manifest.manifest_path),
        Value::Long(manifest.manifest_length),
        Value::Int(manifest.partition_spec_id),
        Value::Int(static_cast<int32_t>(manifest.content)),
        Value::Long(sequence_number),
        Value::Long(min_sequence_number),
        Value::Long(manifest.added_snapshot_id),
        Value::Int(manifest.added_files_count),
        Value::Int(manifest.existing_files_count),
        Value::Int(manifest.deleted_files_count),
        Value::Long(manifest.added_rows_count),
        Value::Long(manifest.existing_rows_count),
        Value::Long(manifest.deleted_rows_count),
        Value::Array(std::move(partitions)),
        OptionalBytes(manifest.key_metadata),
    };
    if (row_lineage) {
      std::optional<int64_t> first_row_id = manifest.first_row_id;
      if (!first_row_id && manifest.content == ManifestContent::kData) {
        first_row_id = next_row_id;
        next_row_id += manifest.added_rows_count + manifest.existing_rows_count;
      }
      fields.push_back(OptionalLong(first_row_id));
    }
    FLOE_RETURN_IF_ERROR_CTX(writer->Append(Value::Record(std::move(fields))),
                             fmt::format("manifest list {}", location));
  }
  FLOE_RETURN_IF_ERROR_CTX(writer->Close(), fmt::format("manifest list {}", location));
  return io.WriteFile(location, sink.buffer(), io::WriteMode::kCreateNew);
}

Result<std::vector<ManifestFile>> ReadManifestList(io::FileIO& io, const std::string& location) {
  FLOE_ASSIGN_OR_RAISE(std::string bytes, io.ReadFile(location));
  Result<avro::ContainerFile> container = avro::ReadContainer(bytes);
  FLOE_RETURN_IF_ERROR_CTX(container, fmt::format("manifest list {}", location));
  const avro::Node& schema = *container->schema;
  FLOE_RETURN_IF_ERROR(ExpectRecordSchema(schema, fmt::format("manifest list {}", location)));
  const avro::Node* summary_array = FieldSchema(schema, "partitions");

  std::vector<ManifestFile> manifests;
  manifests.reserve(container->rows.size());
  for (size_t row = 0; row < container->rows.size(); ++row) {
    const RecordView record(schema, container->rows[row],
                            fmt::format("manifest list {} entry {}", location, row));
    ManifestFile manifest;
    FLOE_ASSIGN_OR_RAISE(manifest.manifest_path, record.RequiredString("manifest_path"));
    FLOE_ASSIGN_OR_RAISE(manifest.manifest_length, record.RequiredLong("manifest_length"));
    FLOE_ASSIGN_OR_RAISE(int64_t spec_id, record.RequiredLong("partition_spec_id"));
    FLOE_ASSIGN_OR_RAISE(manifest.partition_spec_id,
                         NarrowToInt(spec_id, "partition_spec_id", record.where()));
    // v1 manifest lists have no content and no sequence numbers: data, and 0.
    FLOE_ASSIGN_OR_RAISE(std::optional<int64_t> content, record.OptionalLong("content"));
    if (content && *content != static_cast<int64_t>(ManifestContent::kData) &&
        *content != static_cast<int64_t>(ManifestContent::kDeletes)) {
      return Corrupt("{}: unknown content {}", record.where(), *content);
    }
    manifest.content = static_cast<ManifestContent>(content.value_or(0));
    FLOE_ASSIGN_OR_RAISE(std::optional<int64_t> sequence_number,
                         record.OptionalLong("sequence_number"));
    manifest.sequence_number = sequence_number.value_or(0);
    FLOE_ASSIGN_OR_RAISE(std::optional<int64_t> min_sequence_number,
                         record.OptionalLong("min_sequence_number"));
    manifest.min_sequence_number = min_sequence_number.value_or(0);
    FLOE_ASSIGN_OR_RAISE(manifest.added_snapshot_id, record.RequiredLong("added_snapshot_id"));

    // v1 spells the counts "*_data_files_count" and lets them be null.
    const auto count = [&](std::string_view v2_name, std::string_view v1_name,
                           int32_t& out) -> Status {
      FLOE_ASSIGN_OR_RAISE(std::optional<int64_t> value,
                           record.OptionalLongAny({v2_name, v1_name}, v2_name));
      FLOE_ASSIGN_OR_RAISE(out, NarrowToInt(value.value_or(0), v2_name, record.where()));
      return Status::Ok();
    };
    FLOE_RETURN_IF_ERROR(
        count("added_files_count", "added_data_files_count", manifest.added_files_count));
    FLOE_RETURN_IF_ERROR(
        count("existing_files_count", "existing_data_files_count", manifest.existing_files_count));
    FLOE_RETURN_IF_ERROR(
        count("deleted_files_count", "deleted_data_files_count", manifest.deleted_files_count));
    FLOE_ASSIGN_OR_RAISE(std::optional<int64_t> added_rows,
                         record.OptionalLong("added_rows_count"));
    FLOE_ASSIGN_OR_RAISE(std::optional<int64_t> existing_rows,
                         record.OptionalLong("existing_rows_count"));
    FLOE_ASSIGN_OR_RAISE(std::optional<int64_t> deleted_rows,
                         record.OptionalLong("deleted_rows_count"));
    manifest.added_rows_count = added_rows.value_or(0);
    manifest.existing_rows_count = existing_rows.value_or(0);
    manifest.deleted_rows_count = deleted_rows.value_or(0);

    if (const Value* partitions = record.Get("partitions"); partitions != nullptr) {
      if (!partitions->is_array() || summary_array == nullptr || summary_array->items == nullptr ||
          summary_array->items->type != avro::AvroType::kRecord) {
        return Corrupt("{}: partitions is not an array of records", record.where());
      }
      for (const Value& item : partitions->as_array()) {
        const RecordView summary_record(*summary_array->items, item,
                                        record.where() + " partitions");
        PartitionFieldSummary summary;
        const Value* contains_null = summary_record.Get("contains_null");
        if (contains_null == nullptr || !contains_null->is_boolean()) {
          return Corrupt("{}: contains_null must be a boolean", summary_record.where());
        }
        summary.contains_null = contains_null->as_boolean();
        if (const Value* contains_nan = summary_record.Get("contains_nan")) {
          if (!contains_nan->is_boolean()) {
            return summary_record.WrongKind("contains_nan", *contains_nan, "boolean");
          }
          summary.contains_nan = contains_nan->as_boolean();
        }
        FLOE_ASSIGN_OR_RAISE(summary.lower_bound, summary_record.OptionalBytes("lower_bound"));
        FLOE_ASSIGN_OR_RAISE(summary.upper_bound, summary_record.OptionalBytes("upper_bound"));
        manifest.partitions.push_back(std::move(summary));
      }
    }
    FLOE_ASSIGN_OR_RAISE(manifest.key_metadata, record.OptionalBytes("key_metadata"));
    FLOE_ASSIGN_OR_RAISE(manifest.first_row_id, record.OptionalLong("first_row_id"));
    manifests.push_back(std::move(manifest));
  }
  return manifests;
}

}  // namespace floe::iceberg
