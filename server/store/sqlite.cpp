#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <limits>

namespace dais::store::sql {

namespace {

int open_flags(OpenMode mode) {
  // NOMUTEX: every connection is used by one thread at a time (the store's writer thread, or under a mutex).
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case OpenMode::read_only:
      return flags | SQLITE_OPEN_READONLY;
    case OpenMode::immutable:
      return flags | SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
    case OpenMode::read_write:
      return flags | SQLITE_OPEN_READWRITE;
    case OpenMode::create:
      return flags | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  }
  return flags;
}

int length_of(std::string_view s) {
  if (s.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw Error(SQLITE_TOOBIG, "sqlite: value too large to bind");
  }
  return static_cast<int>(s.size());
}

// file: URI of a path, with the characters URIs give a meaning escaped.
std::string immutable_uri(const std::filesystem::path& path) {
  std::string uri = "file:";
  for (char c : std::filesystem::absolute(path).string()) {
    if (c == '%' || c == '?' || c == '#') {
      static constexpr char kHex[] = "0123456789ABCDEF";
      const auto byte = static_cast<unsigned char>(c);
      uri += '%';
      uri += kHex[byte >> 4];
      uri += kHex[byte & 0x0f];
    } else {
      uri += c;
    }
  }
  return uri + "?immutable=1";
}

// A new database is created readable by the server's account only: it holds the ballot boxes and token
// hashes. SQLite gives the WAL and shared-memory files the database file's mode, so they follow.
void create_private(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);  // EEXIST: an existing file keeps the mode its operator gave it
}

}  // namespace

std::unique_ptr<Database> Database::open_for_reading(const std::filesystem::path& path) {
  auto db = std::make_unique<Database>(path, OpenMode::read_only);
  try {
    db->query("SELECT count(*) FROM sqlite_schema").run();
    return db;
  } catch (const Error& e) {
    if (e.primary() != SQLITE_READONLY && e.primary() != SQLITE_CANTOPEN) throw;
  }
  return std::make_unique<Database>(path, OpenMode::immutable);
}

Database::Database(const std::filesystem::path& path, OpenMode mode) : path_(path) {
  const std::string name = mode == OpenMode::immutable ? immutable_uri(path) : path.string();
  if (mode == OpenMode::create && path != ":memory:" && !path.empty()) create_private(path);
  int rc = sqlite3_open_v2(name.c_str(), &db_, open_flags(mode), nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw Error(rc, "cannot open " + path.string() + ": " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() {
  cache_.clear();  // statements first: a connection with live statements does not close
  sqlite3_close_v2(db_);
}

void Database::fail(int code, std::string_view doing) const {
  throw Error(
      code, std::string(sqlite3_errmsg(db_)) + " (while " + std::string(doing) + ", " + path_.string() + ")");
}

void Database::exec(std::string_view sql) {
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(rc, text.substr(0, 60));
}

Query Database::query(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_.emplace(std::string(sql), std::make_unique<Statement>(*this, sql)).first;
  }
  if (it->second->in_use_) return Query(std::make_unique<Statement>(*this, sql));
  return Query(*it->second);
}

void Database::set_busy_timeout(std::chrono::milliseconds timeout) {
  auto ms = timeout.count();
  if (ms < 0 || ms > std::numeric_limits<int>::max()) throw Error(SQLITE_RANGE, "busy timeout out of range");
  sqlite3_busy_timeout(db_, static_cast<int>(ms));
}

std::string Database::pragma_text(std::string_view statement) {
  Query q = query(std::string("PRAGMA ") + std::string(statement));
  return q.next() ? q.text(0) : std::string();
}

bool Database::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}
bool Database::read_only() const {
  return sqlite3_db_readonly(db_, "main") == 1;
}
std::int64_t Database::changes() const {
  return sqlite3_changes64(db_);
}

Statement::Statement(Database& db, std::string_view sql) : db_(db) {
  int rc =
      sqlite3_prepare_v3(db.handle(), sql.data(), length_of(sql), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) db.fail(rc, "preparing " + std::string(sql.substr(0, 60)));
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Query::Query(Statement& statement) : statement_(&statement) {
  statement.in_use_ = true;
}

Query::Query(std::unique_ptr<Statement> owned) : owned_(std::move(owned)), statement_(owned_.get()) {
  statement_->in_use_ = true;
}

Query::Query(Query&& other) noexcept : owned_(std::move(other.owned_)), statement_(other.statement_) {
  other.statement_ = nullptr;
}

Query::~Query() {
  if (statement_ == nullptr) return;
  sqlite3_reset(statement_->stmt_);
  sqlite3_clear_bindings(statement_->stmt_);
  statement_->in_use_ = false;
}

Query& Query::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(statement_->stmt_, index, value);
  if (rc != SQLITE_OK) statement_->db_.fail(rc, "binding a parameter");
  return *this;
}

Query& Query::bind(int index, std::string_view value) {
  int rc = sqlite3_bind_text(statement_->stmt_, index, value.data(), length_of(value), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) statement_->db_.fail(rc, "binding a parameter");
  return *this;
}

Query& Query::bind(int index, const std::optional<std::string>& value) {
  if (value) return bind(index, std::string_view(*value));
  int rc = sqlite3_bind_null(statement_->stmt_, index);
  if (rc != SQLITE_OK) statement_->db_.fail(rc, "binding a parameter");
  return *this;
}

bool Query::next() {
  int rc = sqlite3_step(statement_->stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  statement_->db_.fail(rc,
                       std::string("running ") + std::string(sqlite3_sql(statement_->stmt_)).substr(0, 60));
}

void Query::run() {
  while (next()) {
  }
}

bool Query::is_null(int column) const {
  return sqlite3_column_type(statement_->stmt_, column) == SQLITE_NULL;
}

std::int64_t Query::int64(int column) const {
  return sqlite3_column_int64(statement_->stmt_, column);
}

std::string_view Query::text_view(int column) const {
  const auto* data = sqlite3_column_text(statement_->stmt_, column);
  int size = sqlite3_column_bytes(statement_->stmt_, column);
  if (data == nullptr) return {};
  return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)};
}

std::string Query::text(int column) const {
  return std::string(text_view(column));
}

std::optional<std::string> Query::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

Transaction::Transaction(Database& db, TransactionKind kind) : db_(db) {
  db.exec(kind == TransactionKind::immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
}

Transaction::~Transaction() {
  // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL); then there is nothing to undo.
  if (!done_ && db_.in_transaction()) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

Savepoint::Savepoint(Database& db) : db_(db) {
  db.exec("SAVEPOINT record");
}

Savepoint::~Savepoint() {
  if (done_ || !db_.in_transaction()) return;
  sqlite3_exec(db_.handle(), "ROLLBACK TO record; RELEASE record", nullptr, nullptr, nullptr);
}

void Savepoint::release() {
  db_.exec("RELEASE record");
  done_ = true;
}

}  // namespace dais::store::sql
