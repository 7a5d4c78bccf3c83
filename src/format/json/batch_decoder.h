#pragma once

// Decodes JSON objects straight into column buffers: one column per FieldSpec, one row per
// object. Used for newline-delimited files (`floe table append --rows`) and for Kafka messages
// (the streaming job's decode step), so the common case (every message with the same keys in
// the same order) is the fast one.

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/column_vector.h"
#include "common/result.h"
#include "format/json/field_spec.h"

namespace floe::json {

enum class RecordErrorType : uint8_t {
  kDeserialization,  // not JSON, truncated, bad UTF-8, not an object
  kValidation,       // JSON, but a value does not fit its field (type, range, format, required)
};

std::string_view RecordErrorTypeName(RecordErrorType type);

/// One record that contributed no row. `raw` views the caller's input (the line without its
/// line break, or the whole message): valid only while that input is.
struct RecordError {
  int64_t position = 0;  // line number (DecodeLines) or the caller's position (DecodeOne)
  std::string_view raw;
  RecordErrorType type = RecordErrorType::kValidation;
  std::string message;  // "field 'ts': unparseable timestamp '2025-13-01T00:00:00Z' (month 13)"
};

/// The decoder's output: columns[i] holds field i's values; every column but a deferred one
/// has num_rows() rows, positions[r] is where row r came from. Errors accumulate alongside.
/// Reuse one batch across calls (Clear() keeps capacity) to avoid allocation.
///
/// A deferred field (BatchDecoder::Defer) is validated like any other but not copied: its
/// column stays empty and deferred[i] holds one view per row instead, into the caller's input
/// (or into `unescaped` for a value with escapes), with a null view (data() == nullptr) for a
/// null. The views are valid while that input is; MaterializeDeferred copies the rows wanted.
/// Whether the fields are deferred is settled when decoding into the batch while it is empty,
/// from `defer`: a caller that keeps most rows clears it, since copying every row later costs
/// more than copying it at once.
struct DecodedBatch {
  std::vector<ColumnVector> columns;
  bool defer = true;                                    // see above; Clear() keeps it
  std::vector<bool> is_deferred;                        // per field, in the current rows
  std::vector<std::vector<std::string_view>> deferred;  // per field: its views, when deferred
  std::deque<std::string> unescaped;                    // deferred values that had escapes
  std::vector<int64_t> positions;
  std::vector<RecordError> errors;

  size_t num_rows() const { return positions.size(); }
  /// Appends the values of deferred field `field` at `rows` to `out`, a kBytes column.
  void MaterializeDeferred(size_t field, Selection rows, ColumnVector* out) const;
  void Clear();
};

/// Turns JSON objects into rows of a DecodedBatch. Built once per set of fields by Make(), then
/// fed any number of lines or messages. Keys are matched exactly (after unescaping) against the
/// field names; other keys are skipped. A missing key or a JSON null gives a null (an error for
/// a required field). When a key occurs twice every occurrence is validated and the last one
/// wins, as in JavaScript's JSON.parse. A record that fails appends nothing to any column and
/// adds one RecordError instead, so columns always stay the same length.
/// Thread safety: none; it owns a parser and scratch buffers. Use one decoder per thread.
class BatchDecoder {
 public:
  /// InvalidArgument for an empty list, a bad spec, or two fields with the same name.
  static Result<BatchDecoder> Make(std::vector<FieldSpec> fields);

  BatchDecoder(BatchDecoder&&) noexcept;
  BatchDecoder& operator=(BatchDecoder&&) noexcept;
  ~BatchDecoder();

  const std::vector<FieldSpec>& fields() const;

  /// Defers the listed fields (indexes into fields(), each of kind kString): their values are
  /// checked as before but left in place, as views, until the caller materialises the rows it
  /// keeps (late materialisation: a filter reads the other columns first), in batches whose
  /// `defer` is set. InvalidArgument for an index out of range or another kind.
  Status Defer(const std::vector<int>& fields);

  /// An empty batch with one column of the right kind per field.
  DecodedBatch NewBatch() const;

  /// Decodes newline-delimited JSON: `buffer` holds whole lines (the last may lack its '\n'; a
  /// trailing '\r' is JSON whitespace). Line i of the buffer (0-based) has position
  /// first_line_number + i; blank lines give no row but keep their number. Lines are parsed in
  /// place; only those within the last 64 bytes are copied to meet the parser's padding rule.
  /// Returns non-ok only when `batch` does not belong to this decoder; bad records go to
  /// batch->errors.
  Status DecodeLines(std::string_view buffer, int64_t first_line_number, DecodedBatch* batch);

  /// Decodes one message holding one JSON object (a Kafka value); `position` is recorded with
  /// its row or its error (the offset, say). The message is copied into a padded buffer first.
  /// An empty or blank message is a kDeserialization error.
  Status DecodeOne(std::string_view message, int64_t position, DecodedBatch* batch);

  /// DecodeOne for each of `messages` (with positions[i]), with the same rows and errors;
  /// many small messages are copied into one buffer and parsed as one stream of documents,
  /// message by message as long as each is one object on its own (then one by one from the
  /// first that is not). InvalidArgument when the two lists differ in length.
  Status DecodeMany(const std::vector<std::string_view>& messages,
                    const std::vector<int64_t>& positions, DecodedBatch* batch);

 private:
  struct Impl;
  explicit BatchDecoder(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace floe::json
