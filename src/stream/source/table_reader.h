#pragma once

// Reads an Iceberg table's rows the way `floe table scan` shows them: a snapshot (current, by
// id, or as of a time), an optional filter in the job expression language (pruning files by
// partition values and column bounds, then evaluated on every row), chosen columns, a limit.
// Row-level deletes (position, equality, deletion vectors) are applied by iceberg/.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/column_vector.h"
#include "common/result.h"
#include "iceberg/table_metadata.h"
#include "iceberg/table_scan.h"
#include "io/file_io.h"
#include "stream/expr/expression.h"

namespace floe::stream {

struct TableReadOptions {
  std::string where;                 // empty: every row
  std::vector<std::string> columns;  // empty: every top-level column, in schema order
  std::optional<int64_t> limit;      // at most this many rows
  std::optional<int64_t> snapshot_id;
  std::optional<int64_t> as_of_ms;
};

/// Receives rows: one column per output field, `selection` naming the rows to use.
using RowsConsumer =
    std::function<Status(const std::vector<const ColumnVector*>& columns, Selection selection)>;

/// A planned read of one table. Thread safety: none; one thread.
class TableReader {
 public:
  /// Plans the read. A bad filter is InvalidArgument naming its position ("--where: unknown
  /// column 'x' at 1:1"); an unknown column in `columns` is InvalidArgument listing the table's
  /// columns; snapshot errors as TableScan::Plan.
  static Result<std::unique_ptr<TableReader>> Open(std::shared_ptr<io::FileIO> io,
                                                   const iceberg::TableMetadata& metadata,
                                                   const TableReadOptions& options);

  /// The fields of the rows handed out, in output order.
  const iceberg::Schema& output_schema() const { return output_schema_; }
  const iceberg::TableScan& scan() const { return scan_; }

  /// Reads every matching row (up to the limit), batch after batch.
  Status Read(const RowsConsumer& consume);

 private:
  struct PrivateToken {
    explicit PrivateToken() = default;
  };

 public:
  TableReader(PrivateToken, std::shared_ptr<io::FileIO> io, iceberg::TableScan scan);

 private:
  std::shared_ptr<io::FileIO> io_;
  iceberg::TableScan scan_;
  std::shared_ptr<const iceberg::Schema> read_schema_;  // the fields read from the files
  std::unique_ptr<BoundExpression> filter_;             // bound to read_schema_, or null
  iceberg::Schema output_schema_;
  std::vector<int> output_indexes_;  // per output field: its position in read_schema_
  std::optional<int64_t> limit_;
};

}  // namespace floe::stream
