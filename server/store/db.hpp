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
  // The database's clock in milliseconds since 1970, the one clock that nodes sharing it agree on (leases).
  static constexpr const char* now_ms = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
  // Appended to the commit's read of a hearing's lease: nothing, as BEGIN IMMEDIATE already keeps every other
  // writer out until the commit ends.
  static constexpr const char* lock_lease = "";
};

template <>
struct DbTypes<pg::Connection> {
  using Error = pg::Error;
  using Transaction = pg::Transaction;
  using TransactionKind = pg::TransactionKind;
  using Savepoint = pg::Savepoint;
  static Error lost(const std::string& why) { return Error("40000", why); }
  static constexpr const char* now_ms = "(extract(epoch from clock_timestamp()) * 1000)::bigint";
  // Lease statements take no writer lock, so the commit holds the lease row itself: a takeover waits until
  // the commit ends, and a commit after a takeover reads the new epoch.
  static constexpr const char* lock_lease = " FOR SHARE";
};

}  // namespace dais::store
