// The PostgreSQL side of sql::Connection, over libpq: one blocking connection, text parameters
// and results. Statements arrive with SQLite-style ?N parameters and are rewritten to $N.

#include <libpq-fe.h>

#include <cstdlib>
#include <memory>

#include "iceberg/catalog/sql_connection.h"

namespace floe::iceberg::sql {

namespace {

/// PostgreSQL's type oid for text: every parameter is bound as text, so that uses such as
/// length($1) or $1 || '.' need no inference.
constexpr Oid kTextOid = 25;
constexpr std::string_view kUniqueViolation = "23505";

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

struct ConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};

/// ?N → $N outside quoted strings and identifiers.
std::string RewriteParameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      out.push_back(c);
    } else if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
    } else if (c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out.push_back('$');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

/// "postgresql://user:secret@host/db" without the password, for messages.
std::string Redact(std::string_view url) {
  size_t scheme = url.find("://");
  size_t at = url.find('@');
  if (scheme == std::string_view::npos || at == std::string_view::npos || at < scheme) {
    return std::string(url);
  }
  size_t colon = url.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return fmt::format("{}:***{}", url.substr(0, colon), url.substr(at));
}

class PostgresConnection final : public Connection {
 public:
  PostgresConnection(PGconn* conn, std::string description)
      : conn_(conn), description_(std::move(description)) {}

  Dialect dialect() const override { return Dialect::kPostgres; }
  const std::string& description() const override { return description_; }

  Result<std::vector<Row>> Query(std::string_view sql,
                                 std::initializer_list<Param> params) override {
    FLOE_ASSIGN_OR_RAISE(ResultPtr result, Run(sql, params));
    std::vector<Row> rows;
    int row_count = PQntuples(result.get());
    int column_count = PQnfields(result.get());
    rows.reserve(static_cast<size_t>(row_count));
    for (int r = 0; r < row_count; ++r) {
      Row row;
      row.reserve(static_cast<size_t>(column_count));
      for (int c = 0; c < column_count; ++c) {
        if (PQgetisnull(result.get(), r, c)) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(std::string(PQgetvalue(result.get(), r, c),
                                       static_cast<size_t>(PQgetlength(result.get(), r, c))));
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  Result<int64_t> Execute(std::string_view sql, std::initializer_list<Param> params) override {
    FLOE_ASSIGN_OR_RAISE(ResultPtr result, Run(sql, params));
    const char* tuples = PQcmdTuples(result.get());
    if (tuples == nullptr || *tuples == '\0') return int64_t{0};
    return static_cast<int64_t>(std::strtoll(tuples, nullptr, 10));
  }

  bool last_failure_not_applied() const override { return not_applied_; }

  Status Begin() override { return Execute("BEGIN", {}).status(); }

  Status Commit() override {
    FLOE_ASSIGN_OR_RAISE(ResultPtr result, Run("COMMIT", {}));
    // COMMIT of a transaction that failed earlier "succeeds" as a ROLLBACK.
    if (std::string_view(PQcmdStatus(result.get())) == "ROLLBACK") {
      not_applied_ = true;
      return IoError("{}: the transaction was rolled back", description_);
    }
    return Status::Ok();
  }

  void RollbackQuietly() noexcept override {
    if (PQstatus(conn_.get()) != CONNECTION_OK) return;
    PQclear(PQexec(conn_.get(), "ROLLBACK"));
  }

 private:
  Result<ResultPtr> Run(std::string_view sql, std::initializer_list<Param> params) {
    not_applied_ = false;
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
      // A broken connection from an earlier call: reconnect; nothing of this call ran yet.
      PQreset(conn_.get());
      if (PQstatus(conn_.get()) != CONNECTION_OK) {
        not_applied_ = true;
        return IoError("{}: reconnecting: {}", description_, PQerrorMessage(conn_.get()));
      }
    }
    const std::string text = RewriteParameters(sql);
    std::vector<std::string> values;
    std::vector<const char*> pointers;
    std::vector<Oid> types(params.size(), kTextOid);
    values.reserve(params.size());
    for (const Param& param : params) {
      if (param) {
        values.emplace_back(*param);
        pointers.push_back(values.back().c_str());
      } else {
        pointers.push_back(nullptr);
      }
    }
    ResultPtr result(PQexecParams(conn_.get(), text.c_str(), static_cast<int>(params.size()),
                                  types.data(), pointers.data(), nullptr, nullptr, 0));
    ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;

    const char* state = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
    std::string message = result ? PQresultErrorMessage(result.get()) : "";
    if (message.empty()) message = PQerrorMessage(conn_.get());
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    // An error with an SQLSTATE on a live connection came from the statement: it did not
    // apply. A dead connection may have lost the answer to a statement that did.
    not_applied_ = state != nullptr && PQstatus(conn_.get()) == CONNECTION_OK;
    if (state != nullptr && std::string_view(state) == kUniqueViolation) {
      return AlreadyExists("{}: running \"{}\": {}", description_, sql, message);
    }
    return IoError("{}: running \"{}\": {} (SQLSTATE {})", description_, sql, message,
                   state == nullptr ? "none" : state);
  }

  std::unique_ptr<PGconn, ConnDeleter> conn_;
  std::string description_;
  bool not_applied_ = false;
};

}  // namespace

Result<std::unique_ptr<Connection>> OpenPostgres(const std::string& conninfo) {
  std::string description = Redact(conninfo);
  PGconn* raw = PQconnectdb(conninfo.c_str());
  std::unique_ptr<PGconn, ConnDeleter> conn(raw);
  if (raw == nullptr) return IoError("{}: out of memory connecting", description);
  if (PQstatus(raw) != CONNECTION_OK) {
    std::string message = PQerrorMessage(raw);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return IoError("{}: connecting: {}", description, message);
  }
  // Notices ("relation exists, skipping") would go to stderr otherwise.
  PQsetNoticeProcessor(
      raw, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<Connection>(
      std::make_unique<PostgresConnection>(conn.release(), std::move(description)));
}

}  // namespace floe::iceberg::sql
