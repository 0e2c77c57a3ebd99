#pragma once
// A thin RAII layer over libpq, shaped like sqlite.hpp so that the store's shared code (recovery, the log
// writer) runs on either: a connection, queries with `?` parameters sent apart from the SQL through
// PQexecParams (never spliced into it), their rows, and transactions and savepoints that roll back unless
// committed. Failures throw pg::Error; the store turns them into core::Error at its boundary.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace dais::store::pg {

class Error : public std::runtime_error {
 public:
  Error(std::string sqlstate, const std::string& message)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  // The five-character SQLSTATE ("53100": disk full, "23505": unique violation, …); empty when the
  // connection itself failed.
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

class Query;

class Connection {
 public:
  // `url`: a postgresql:// URL or a libpq connection string.
  explicit Connection(const std::string& url);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without parameters that return no rows.
  void exec(std::string_view sql);
  // A query of `sql`, its `?` placeholders numbered $1, $2, … in order.
  Query query(std::string_view sql);

  bool in_transaction() const;
  // Runs a session setting (SET …) that is applied again whenever the connection is made anew.
  void set_session(std::string_view sql);
  // A connection that broke (the server restarted, or ended this session) is made anew before the next
  // transaction, and before a statement outside any: never inside a transaction, whose earlier statements
  // were lost with the old session. Throws when the server cannot be reached.
  void reconnect_if_broken();
  // The URL without its password, for messages.
  const std::string& name() const { return name_; }
  pg_conn* handle() const { return conn_; }

  // Throws an Error for a failed result (or for the connection when `result` is null).
  [[noreturn]] void fail(const pg_result* result, std::string_view doing) const;

 private:
  friend class Transaction;
  std::string name_;
  pg_conn* conn_ = nullptr;
  std::vector<std::string> session_;  // set_session's statements, in order
  int open_transactions_ = 0;         // Transactions open on it (nested BEGINs are warned about, not refused)
};

// One query: parameters are bound, then next() runs it (on the first call) and steps through its rows, or
// run() runs one that returns none. Parameters are numbered from 1 and columns from 0, as in sql::Query.
class Query {
 public:
  Query(Connection& connection, std::string sql);
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
  template <class... Args>
  Query& with(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  bool next();                    // runs the query on the first call; true when a row is ready
  void run();                     // runs a query that returns no rows
  std::int64_t affected() const;  // rows a run() changed

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  std::string text(int column) const;
  std::string_view text_view(int column) const;  // valid while the query lives
  std::optional<std::string> optional_text(int column) const;

 private:
  void execute();

  Connection* connection_;
  std::string sql_;
  std::vector<std::optional<std::string>> params_;
  pg_result* result_ = nullptr;
  int row_ = -1;
};

// deferred: a read-only, repeatable-read transaction (one consistent picture, as a SQLite read transaction).
// immediate: a write transaction that first takes the store's writer lock, so writers of one database run one
// at a time, as SQLite's BEGIN IMMEDIATE makes them.
enum class TransactionKind : std::uint8_t { deferred, immediate };

// BEGIN … COMMIT; rolls back when destroyed uncommitted.
class Transaction {
 public:
  Transaction(Connection& connection, TransactionKind kind);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

// SAVEPOINT … RELEASE inside a transaction; rolls back to the savepoint when destroyed unreleased (which also
// clears PostgreSQL's failed-transaction state after an error inside it).
class Savepoint {
 public:
  explicit Savepoint(Connection& connection);
  ~Savepoint();
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  void release();

 private:
  Connection& connection_;
  bool done_ = false;
};

// The URL without a password, for messages and logs.
std::string redacted(std::string_view url);

}  // namespace dais::store::pg
