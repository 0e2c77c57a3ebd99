#pragma once
// A thin RAII layer over the SQLite C API: a connection, prepared statements cached per connection, and
// transactions and savepoints that roll back unless they are committed. Failures throw sql::Error; the store
// turns them into core::Error at its boundary, so nothing above the store sees an exception.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace dais::store::sql {

class Error : public std::runtime_error {
 public:
  Error(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }            // extended result code
  int primary() const { return code_ & 0xff; }  // SQLITE_BUSY, SQLITE_FULL, …
 private:
  int code_;
};

class Statement;
class Query;

// immutable: read-only, for a file nobody can change while it is open (SQLite then needs no -shm file).
enum class OpenMode : std::uint8_t { read_only, immutable, read_write, create };

class Database {
 public:
  Database(const std::filesystem::path& path, OpenMode mode);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Read-only. A WAL file in a directory this process cannot write has no -shm to share; SQLite can read it
  // only as immutable, which is then right: nobody can be writing it either.
  static std::unique_ptr<Database> open_for_reading(const std::filesystem::path& path);

  // Runs one or more statements that return no rows.
  void exec(std::string_view sql);
  // A use of the cached prepared statement for `sql` (prepared on first use).
  Query query(std::string_view sql);

  void set_busy_timeout(std::chrono::milliseconds timeout);
  // A PRAGMA's single value, e.g. pragma_text("journal_mode").
  std::string pragma_text(std::string_view statement);
  bool in_transaction() const;
  bool read_only() const;
  std::int64_t changes() const;
  const std::filesystem::path& path() const { return path_; }
  sqlite3* handle() const { return db_; }

  // Throws an Error for `code` with this connection's message and what was being done.
  [[noreturn]] void fail(int code, std::string_view doing) const;

 private:
  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> cache_;
};

// One prepared statement, owned.
class Statement {
 public:
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

 private:
  friend class Database;
  friend class Query;
  Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
  bool in_use_ = false;
};

// Binding, stepping and reading a cached statement. Resets it when destroyed, so the statement holds no lock
// and can be used again. Parameters and columns are numbered from 1 and 0, as in SQLite. When the cached
// statement is already in use (the same SQL nested in itself), the query prepares and owns a fresh one.
class Query {
 public:
  explicit Query(Statement& statement);
  explicit Query(std::unique_ptr<Statement> owned);
  ~Query();
  Query(Query&& other) noexcept;
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Query& operator=(Query&&) = delete;

  Query& bind(int index, std::int64_t value);
  Query& bind(int index, std::string_view value);
  Query& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Query& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Query& bind(int index, const std::optional<std::string>& value);
  Query& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Query& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value ? 1 : 0)); }
  // Binds the arguments to parameters 1, 2, … in order.
  template <class... Args>
  Query& with(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  bool next();  // steps; true when a row is ready
  void run();   // steps a statement that returns no rows

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  std::string text(int column) const;
  std::string_view text_view(int column) const;  // valid until the next step
  std::optional<std::string> optional_text(int column) const;

 private:
  std::unique_ptr<Statement> owned_;
  Statement* statement_;
};

enum class TransactionKind : std::uint8_t { deferred, immediate };

// BEGIN … COMMIT; rolls back when destroyed uncommitted (also after SQLite rolled back on its own).
class Transaction {
 public:
  Transaction(Database& db, TransactionKind kind);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

// SAVEPOINT … RELEASE inside a transaction; rolls back to the savepoint when destroyed unreleased.
class Savepoint {
 public:
  explicit Savepoint(Database& db);
  ~Savepoint();
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  void release();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace dais::store::sql
