#include "store/pg.hpp"

#include <libpq-fe.h>

#include <charconv>

namespace dais::store::pg {

namespace {

// `?` placeholders (outside quoted literals and identifiers) become $1, $2, …: the store's SQL is written
// once for both databases.
std::string numbered_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
      continue;
    }
    out += c;
  }
  return out;
}

void ignore_notice(void* /*arg*/, const char* /*message*/) {}

// The writer lock's key (pg_advisory_xact_lock): "DAIS".
constexpr std::int64_t kWriterLock = 0x44414953;

}  // namespace

std::string redacted(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const auto at = url.find('@', scheme + 3);
  if (at == std::string_view::npos) return std::string(url);
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

Connection::Connection(const std::string& url) : name_(redacted(url)), conn_(PQconnectdb(url.c_str())) {
  if (conn_ == nullptr) throw Error("", "cannot connect to " + name_ + ": out of memory");
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = "cannot connect to " + name_ + ": " + PQerrorMessage(conn_);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    PQfinish(conn_);
    conn_ = nullptr;
    throw Error("08001", message);
  }
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);  // "already exists, skipping" and the like
}

Connection::~Connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

void Connection::set_session(std::string_view sql) {
  exec(sql);
  session_.emplace_back(sql);
}

void Connection::reconnect_if_broken() {
  if (PQstatus(conn_) != CONNECTION_BAD || open_transactions_ > 0) return;
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = "cannot connect to " + name_ + " again: " + PQerrorMessage(conn_);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw Error("08001", message);
  }
  for (const std::string& sql : session_) exec(sql);
}

void Connection::exec(std::string_view sql) {
  reconnect_if_broken();
  PGresult* result = PQexec(conn_, std::string(sql).c_str());
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    try {
      fail(result, "running " + std::string(sql.substr(0, 60)));
    } catch (...) {
      PQclear(result);
      throw;
    }
  }
  PQclear(result);
}

Query Connection::query(std::string_view sql) {
  return Query(*this, numbered_placeholders(sql));
}

bool Connection::in_transaction() const {
  return PQtransactionStatus(conn_) != PQTRANS_IDLE;
}

void Connection::fail(const pg_result* result, std::string_view doing) const {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state != nullptr ? state : (PQstatus(conn_) != CONNECTION_OK ? "08006" : "");
  std::string message(doing);
  message += ": ";
  message += result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  throw Error(std::move(sqlstate), message);
}

Query::Query(Connection& connection, std::string sql) : connection_(&connection), sql_(std::move(sql)) {}

Query::~Query() {
  if (result_ != nullptr) PQclear(result_);
}

Query::Query(Query&& other) noexcept
    : connection_(other.connection_),
      sql_(std::move(other.sql_)),
      params_(std::move(other.params_)),
      result_(other.result_),
      row_(other.row_) {
  other.result_ = nullptr;
}

Query& Query::bind(int index, std::int64_t value) {
  return bind(index, std::optional<std::string>(std::to_string(value)));
}

Query& Query::bind(int index, std::string_view value) {
  return bind(index, std::optional<std::string>(std::string(value)));
}

Query& Query::bind(int index, const std::optional<std::string>& value) {
  if (index < 1) throw Error("", "parameter numbers start at 1");
  const auto position = static_cast<std::size_t>(index);
  if (params_.size() < position) params_.resize(position);
  params_[position - 1] = value;
  return *this;
}

void Query::execute() {
  connection_->reconnect_if_broken();
  std::vector<const char*> values;
  values.reserve(params_.size());
  for (const auto& p : params_) values.push_back(p ? p->c_str() : nullptr);
  // Text parameters of unspecified type: the server types each one from where it stands in the SQL.
  result_ = PQexecParams(connection_->handle(), sql_.c_str(), static_cast<int>(values.size()), nullptr,
                         values.data(), nullptr, nullptr, 0);
  const ExecStatusType status = PQresultStatus(result_);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    connection_->fail(result_, "running " + sql_.substr(0, 60));
  }
}

bool Query::next() {
  if (result_ == nullptr) execute();
  ++row_;
  return row_ < PQntuples(result_);
}

void Query::run() {
  if (result_ == nullptr) execute();
}

std::int64_t Query::affected() const {
  if (result_ == nullptr) return 0;
  std::int64_t n = 0;
  const char* text = PQcmdTuples(result_);
  std::from_chars(text, text + std::char_traits<char>::length(text), n);
  return n;
}

bool Query::is_null(int column) const {
  return PQgetisnull(result_, row_, column) != 0;
}

std::int64_t Query::int64(int column) const {
  const std::string_view text = text_view(column);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw Error("22P02",
                "column " + std::to_string(column) + " holds " + std::string(text) + ", not an integer");
  }
  return value;
}

std::string Query::text(int column) const {
  return std::string(text_view(column));
}

std::string_view Query::text_view(int column) const {
  return {PQgetvalue(result_, row_, column), static_cast<std::size_t>(PQgetlength(result_, row_, column))};
}

std::optional<std::string> Query::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

Transaction::Transaction(Connection& connection, TransactionKind kind) : connection_(connection) {
  connection_.reconnect_if_broken();
  if (kind == TransactionKind::deferred) {
    connection_.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    ++connection_.open_transactions_;
    return;
  }
  connection_.exec("BEGIN");
  ++connection_.open_transactions_;
  try {
    connection_.query("SELECT pg_advisory_xact_lock(?)").with(kWriterLock).run();
  } catch (...) {
    PQclear(PQexec(connection_.handle(), "ROLLBACK"));
    --connection_.open_transactions_;
    throw;
  }
}

Transaction::~Transaction() {
  if (done_) return;
  --connection_.open_transactions_;
  if (!connection_.in_transaction()) return;
  PGresult* result = PQexec(connection_.handle(), "ROLLBACK");
  PQclear(result);
}

void Transaction::commit() {
  // COMMIT of a transaction that an error aborted answers "ROLLBACK", not an error: nothing was stored.
  PGresult* result = PQexec(connection_.handle(), "COMMIT");
  const bool committed =
      PQresultStatus(result) == PGRES_COMMAND_OK && std::string_view(PQcmdStatus(result)) == "COMMIT";
  done_ = true;
  --connection_.open_transactions_;
  if (!committed) {
    try {
      if (PQresultStatus(result) != PGRES_COMMAND_OK) connection_.fail(result, "committing");
      throw Error("40000", "committing: the transaction had failed and was rolled back");
    } catch (...) {
      PQclear(result);
      throw;
    }
  }
  PQclear(result);
}

Savepoint::Savepoint(Connection& connection) : connection_(connection) {
  connection_.exec("SAVEPOINT dais_record");
}

Savepoint::~Savepoint() {
  if (done_ || !connection_.in_transaction()) return;
  PGresult* result = PQexec(connection_.handle(), "ROLLBACK TO SAVEPOINT dais_record");
  PQclear(result);
  result = PQexec(connection_.handle(), "RELEASE SAVEPOINT dais_record");
  PQclear(result);
}

void Savepoint::release() {
  connection_.exec("RELEASE SAVEPOINT dais_record");
  done_ = true;
}

}  // namespace dais::store::pg
