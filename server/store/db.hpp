#pragma once
// The two databases the store's shared code runs on, SQLite (sql::Database) and PostgreSQL (pg::Connection),
// named alike: their error, transaction and savepoint types. Recovery and the log writer are written once
// over these.
#include <string>

#include "store/pg.hpp"
#include "store/sqlite.hpp"

namespace dais::store {

template <class Db>
struct DbTypes;

template <>
struct DbTypes<sql::Database> {
  using Error = sql::Error;
  using Transaction = sql::Transaction;
  using TransactionKind = sql::TransactionKind;
  using Savepoint = sql::Savepoint;
  // The transaction was rolled back as a whole under the writer (SQLite does this after disk full or I/O).
  static Error lost(const std::string& why);
};

template <>
struct DbTypes<pg::Connection> {
  using Error = pg::Error;
  using Transaction = pg::Transaction;
  using TransactionKind = pg::TransactionKind;
  using Savepoint = pg::Savepoint;
  static Error lost(const std::string& why) { return Error("40000", why); }
};

}  // namespace dais::store
