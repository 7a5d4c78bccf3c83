#pragma once

// Writes rows of columns back out as JSON objects, one per line: the inverse of BatchDecoder,
// for sinks that emit the input's shape (the JSON-lines sink, the Kafka sink). Every value is
// written so that BatchDecoder reads it back to the same value: timestamps as ISO-8601 (UTC ones
// with 'Z'), decimals as exact strings, binary and fixed as base64, uuids in their text form.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/column_vector.h"
#include "common/result.h"
#include "format/json/field_spec.h"

namespace floe::json {

/// Thread safety: const after Make(); Encode* may be called from several threads at once.
class RowEncoder {
 public:
  /// The fields, in column order; InvalidArgument for a bad spec.
  static Result<RowEncoder> Make(std::vector<FieldSpec> fields);

  const std::vector<FieldSpec>& fields() const { return fields_; }

  /// Appends the selected rows to `out`, each as one object followed by '\n'. `columns` holds
  /// one column per field, in the kinds ColumnKindOf names (InvalidArgument otherwise). A null
  /// value is written as null.
  Status EncodeLines(std::span<const ColumnVector* const> columns, Selection selection,
                     std::string* out) const;
  /// Appends one row's object (no line break).
  void EncodeRow(std::span<const ColumnVector* const> columns, size_t row, std::string* out) const;

 private:
  explicit RowEncoder(std::vector<FieldSpec> fields);

  std::vector<FieldSpec> fields_;
  std::vector<std::string> keys_;  // each field's `"name":` prefix, escaped once
};

/// The JSON string literal of UTF-8 text (quotes included), escaping '"', '\\' and control
/// characters.
void AppendJsonString(std::string_view text, std::string* out);

/// ISO-8601 texts of the decoder's units: "2025-09-11", "09:01:11.318522",
/// "2025-09-11T09:01:11.318522" (+ "Z" when `utc`). Fractions are written in groups of three
/// digits as needed (none, millis, micros, nanos), as Java's java.time does.
void AppendDate(int32_t days, std::string* out);
void AppendTimeMicros(int64_t micros, std::string* out);
void AppendTimestamp(int64_t value, bool nanos, bool utc, std::string* out);

}  // namespace floe::json
