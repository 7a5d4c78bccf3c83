#include "iceberg/catalog/sql_connection.h"

#include <utility>

#include "iceberg/catalog/sqlite_internal.h"

namespace floe::iceberg::sql {

namespace {

constexpr std::string_view kSqlitePrefix = "sqlite:";

/// SQLite behind the Connection interface.
class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite::Connection connection)
      : connection_(std::move(connection)),
        description_(fmt::format("sqlite:{}", connection_.path())) {}

  Dialect dialect() const override { return Dialect::kSqlite; }
  const std::string& description() const override { return description_; }

  Result<std::vector<Row>> Query(std::string_view sql,
                                 std::initializer_list<Param> params) override {
    not_applied_ = false;
    FLOE_ASSIGN_OR_RAISE(sqlite::Statement statement, connection_.Prepare(sql, params));
    std::vector<Row> rows;
    while (true) {
      Result<bool> row = statement.Step();
      if (!row.ok()) {
        not_applied_ = sqlite::IsBusy(statement.last_result_code());
        return row.status();
      }
      if (!*row) return rows;
      Row values;
      int columns = statement.column_count();
      values.reserve(static_cast<size_t>(columns));
      for (int i = 0; i < columns; ++i) values.push_back(statement.ColumnText(i));
      rows.push_back(std::move(values));
    }
  }

  Result<int64_t> Execute(std::string_view sql, std::initializer_list<Param> params) override {
    not_applied_ = false;
    Result<sqlite::Statement> statement = connection_.Prepare(sql, params);
    if (!statement.ok()) {
      not_applied_ = true;
      return statement.status();
    }
    Status ran = statement->Run();
    if (!ran.ok()) {
      not_applied_ = sqlite::IsBusy(statement->last_result_code()) || ran.IsAlreadyExists();
      return ran;
    }
    return connection_.changes();
  }

  bool last_failure_not_applied() const override { return not_applied_; }

  Status Begin() override {
    Result<int64_t> begun = Execute("BEGIN IMMEDIATE", {});
    return begun.status();
  }
  Status Commit() override { return Execute("COMMIT", {}).status(); }
  void RollbackQuietly() noexcept override {
    // Fails only when SQLite rolled back by itself already (after an I/O or memory error).
    static_cast<void>(connection_.RunQuietly("ROLLBACK"));
  }

 private:
  sqlite::Connection connection_;
  std::string description_;
  bool not_applied_ = false;
};

}  // namespace

bool IsPostgresUrl(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

Result<std::unique_ptr<Connection>> OpenSqlite(const std::string& path, int busy_timeout_ms) {
  FLOE_ASSIGN_OR_RAISE(sqlite::Connection connection,
                       sqlite::Connection::Open(path, busy_timeout_ms));
  return std::unique_ptr<Connection>(std::make_unique<SqliteConnection>(std::move(connection)));
}

Result<std::unique_ptr<Connection>> OpenDatabase(const std::string& url, int busy_timeout_ms) {
  if (IsPostgresUrl(url)) return OpenPostgres(url);
  std::string_view path = url;
  if (path.starts_with(kSqlitePrefix)) path.remove_prefix(kSqlitePrefix.size());
  if (path.empty()) return InvalidArgument("database URL '{}' names no file", url);
  return OpenSqlite(std::string(path), busy_timeout_ms);
}

Result<Transaction> Transaction::Begin(Connection& connection) {
  FLOE_RETURN_IF_ERROR(connection.Begin());
  return Transaction(&connection);
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)) {}

Transaction::~Transaction() {
  if (connection_ != nullptr) connection_->RollbackQuietly();
}

Status Transaction::Commit() {
  Status status = connection_->Commit();
  // After a failed COMMIT the transaction may still be open; the destructor rolls it back.
  if (status.ok()) connection_ = nullptr;
  return status;
}

}  // namespace floe::iceberg::sql
