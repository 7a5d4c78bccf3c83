#pragma once

// A small RAII layer over SQLite's C API for the SQL catalog: a connection, prepared statements
// with bound text parameters, and an IMMEDIATE transaction that rolls back unless committed.

#include <sqlite3.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace floe::iceberg::sqlite {

class Connection;

/// A statement parameter: text, or SQL NULL.
using Param = std::optional<std::string_view>;

/// True for the result codes that mean another connection held a lock for longer than the busy
/// timeout: the statement did not run, so nothing it would have changed has changed.
bool IsBusy(int result_code);

/// One prepared statement, bound and ready to step. Must not outlive its Connection.
/// Thread safety: none.
class Statement {
 public:
  /// Advances to the next row: true when a row is ready, false when the statement is done.
  Result<bool> Step();
  /// Steps until done: for statements that return no rows.
  Status Run();
  /// Text of a column of the current row; nullopt for NULL.
  std::optional<std::string> ColumnText(int column) const;
  int64_t ColumnInt64(int column) const;
  int column_count() const { return sqlite3_column_count(statement_.get()); }
  /// The result code of the last Step (SQLite's extended code): tells a busy database, where
  /// nothing ran, from other failures.
  int last_result_code() const { return last_result_code_; }

 private:
  friend class Connection;
  struct Finalizer {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
  };
  Statement(sqlite3_stmt* statement, const Connection* connection)
      : statement_(statement), connection_(connection) {}

  std::unique_ptr<sqlite3_stmt, Finalizer> statement_;
  const Connection* connection_;
  int last_result_code_ = SQLITE_OK;
};

/// One connection to a database file. Thread safety: none; the owner serializes its use.
class Connection {
 public:
  /// Opens (creating if missing) the database at `path`, with `busy_timeout_ms` of waiting for
  /// other connections' locks before a statement gives up with SQLITE_BUSY.
  static Result<Connection> Open(const std::string& path, int busy_timeout_ms);

  /// Prepares `sql` and binds `params` to ?1, ?2, ...
  Result<Statement> Prepare(std::string_view sql, std::initializer_list<Param> params = {}) const;
  /// Prepares, binds and runs a statement that returns no rows.
  Status Run(std::string_view sql, std::initializer_list<Param> params = {}) const;
  /// Runs a statement without parameters and returns SQLite's result code: for destructors,
  /// which can neither throw nor report.
  int RunQuietly(const char* sql) const noexcept;
  /// Rows changed by the last INSERT, UPDATE or DELETE on this connection.
  int64_t changes() const;
  const std::string& path() const { return path_; }

  /// A Status for a failed SQLite call: AlreadyExists for constraint violations (the catalog's
  /// only constraints are its primary keys), IoError otherwise; naming the database, what was
  /// being done and SQLite's message.
  Status Error(int result_code, std::string_view action) const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  std::unique_ptr<sqlite3, Closer> db_;
  std::string path_;
};

/// BEGIN IMMEDIATE ... COMMIT. IMMEDIATE takes the write lock at once, where the busy timeout
/// applies; a deferred transaction that reads and then writes can fail at its first write with
/// SQLITE_BUSY without waiting. Rolls back on destruction unless committed.
class Transaction {
 public:
  static Result<Transaction> Begin(const Connection& connection);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Status Commit();

 private:
  explicit Transaction(const Connection* connection) : connection_(connection) {}
  const Connection* connection_;
};

}  // namespace floe::iceberg::sqlite
