#pragma once

// One connection to the database behind the SQL catalog and the catalog server: SQLite (a file)
// or PostgreSQL (libpq). Statements are written once, with ?1, ?2 ... parameters, in the SQL
// both databases understand; the PostgreSQL connection rewrites the parameters to $1, $2.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace floe::iceberg::sql {

/// A statement parameter: text, or SQL NULL.
using Param = std::optional<std::string_view>;
/// One result row, every column as text (NULL: nullopt).
using Row = std::vector<std::optional<std::string>>;

enum class Dialect { kSqlite, kPostgres };

/// Thread safety: none; the owner serializes its use (the SQL catalog holds a mutex).
class Connection {
 public:
  virtual ~Connection() = default;

  virtual Dialect dialect() const = 0;
  /// "sqlite:/path/catalog.db" or "postgresql://user@host:port/db" (password left out), for
  /// messages.
  virtual const std::string& description() const = 0;

  /// Runs a statement that returns rows; all of them are read (the catalog's results are small).
  virtual Result<std::vector<Row>> Query(std::string_view sql,
                                         std::initializer_list<Param> params = {}) = 0;
  /// Runs a statement; returns how many rows it changed. Constraint violations (the catalog's
  /// primary keys) are kAlreadyExists.
  virtual Result<int64_t> Execute(std::string_view sql,
                                  std::initializer_list<Param> params = {}) = 0;
  /// After a failed Execute or Commit: true when the database certainly did not apply it (SQLite
  /// could not take its lock; PostgreSQL reported an error from the statement itself), false
  /// when the outcome is unknown (the connection broke while it ran).
  virtual bool last_failure_not_applied() const = 0;

  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  /// For destructors and error paths: cannot report, and must not throw.
  virtual void RollbackQuietly() noexcept = 0;
};

/// Opens a database by URL: "sqlite:PATH" (or a bare path) or "postgresql://..." /
/// "postgres://..." (libpq connection URI). `busy_timeout_ms` is SQLite's lock wait.
Result<std::unique_ptr<Connection>> OpenDatabase(const std::string& url, int busy_timeout_ms);
Result<std::unique_ptr<Connection>> OpenSqlite(const std::string& path, int busy_timeout_ms);
Result<std::unique_ptr<Connection>> OpenPostgres(const std::string& conninfo);

/// True for "postgresql://..." and "postgres://...".
bool IsPostgresUrl(std::string_view url);

/// BEGIN ... COMMIT that rolls back unless committed. Takes the write lock at once on SQLite
/// (BEGIN IMMEDIATE), where the busy timeout applies.
class Transaction {
 public:
  static Result<Transaction> Begin(Connection& connection);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Status Commit();

 private:
  explicit Transaction(Connection* connection) : connection_(connection) {}
  Connection* connection_;
};

}  // namespace floe::iceberg::sql
