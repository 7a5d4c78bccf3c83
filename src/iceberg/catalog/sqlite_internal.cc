#include "iceberg/catalog/sqlite_internal.h"

#include <utility>

namespace floe::iceberg::sqlite {

namespace {
/// Primary result codes are the low byte of extended ones.
constexpr int kPrimaryCodeMask = 0xFF;
}  // namespace

bool IsBusy(int result_code) {
  int primary = result_code & kPrimaryCodeMask;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

Result<bool> Statement::Step() {
  last_result_code_ = sqlite3_step(statement_.get());
  if (last_result_code_ == SQLITE_ROW) return true;
  if (last_result_code_ == SQLITE_DONE) return false;
  return connection_->Error(last_result_code_,
                            fmt::format("running \"{}\"", sqlite3_sql(statement_.get())));
}

Status Statement::Run() {
  while (true) {
    FLOE_ASSIGN_OR_RAISE(bool row, Step());
    if (!row) return Status::Ok();
  }
}

std::optional<std::string> Statement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(statement_.get(), column);
  if (text == nullptr) return std::nullopt;
  int size = sqlite3_column_bytes(statement_.get(), column);
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

int64_t Statement::ColumnInt64(int column) const {
  return sqlite3_column_int64(statement_.get(), column);
}

Result<Connection> Connection::Open(const std::string& path, int busy_timeout_ms) {
  sqlite3* db = nullptr;
  // NOMUTEX: the catalog serializes each connection itself. EXRESCODE: extended result codes,
  // so errors say which constraint or I/O step failed.
  int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  int result = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  Connection connection(db, path);  // owns the handle even when opening failed
  if (result != SQLITE_OK) return connection.Error(result, "opening");
  result = sqlite3_busy_timeout(db, busy_timeout_ms);
  if (result != SQLITE_OK) return connection.Error(result, "setting the busy timeout");
  return connection;
}

Result<Statement> Connection::Prepare(std::string_view sql,
                                      std::initializer_list<Param> params) const {
  sqlite3_stmt* raw = nullptr;
  int result =
      sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  Statement statement(raw, this);
  if (result != SQLITE_OK) return Error(result, fmt::format("preparing \"{}\"", sql));
  int index = 1;
  for (const Param& param : params) {
    result = param ? sqlite3_bind_text(raw, index, param->data(), static_cast<int>(param->size()),
                                       SQLITE_TRANSIENT)
                   : sqlite3_bind_null(raw, index);
    if (result != SQLITE_OK) {
      return Error(result, fmt::format("binding parameter {} of \"{}\"", index, sql));
    }
    ++index;
  }
  return statement;
}

Status Connection::Run(std::string_view sql, std::initializer_list<Param> params) const {
  FLOE_ASSIGN_OR_RAISE(Statement statement, Prepare(sql, params));
  return statement.Run();
}

int Connection::RunQuietly(const char* sql) const noexcept {
  return sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr);
}

int64_t Connection::changes() const { return sqlite3_changes64(db_.get()); }

Status Connection::Error(int result_code, std::string_view action) const {
  const char* message = db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(result_code);
  if ((result_code & kPrimaryCodeMask) == SQLITE_CONSTRAINT) {
    return AlreadyExists("catalog database {}: {}: {}", path_, action, message);
  }
  return IoError("catalog database {}: {}: {} (SQLite code {})", path_, action, message,
                 result_code);
}

Result<Transaction> Transaction::Begin(const Connection& connection) {
  FLOE_RETURN_IF_ERROR(connection.Run("BEGIN IMMEDIATE"));
  return Transaction(&connection);
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)) {}

Transaction::~Transaction() {
  // Undoes an unfinished transaction. A ROLLBACK fails only when SQLite has rolled back by
  // itself already (after an I/O or memory error), and a destructor has no one to tell.
  if (connection_ != nullptr) static_cast<void>(connection_->RunQuietly("ROLLBACK"));
}

Status Transaction::Commit() {
  Status status = connection_->Run("COMMIT");
  // After a failed COMMIT the transaction is still open; the destructor rolls it back.
  if (status.ok()) connection_ = nullptr;
  return status;
}

}  // namespace floe::iceberg::sqlite
