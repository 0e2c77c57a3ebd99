// The libpq layer (server/store/pg.hpp) against the test cluster: parameters travel apart from the SQL,
// rows and NULLs read back, transactions and savepoints roll back unless committed, and failures carry their
// SQLSTATE into the store's plain-words errors.
#include <gtest/gtest.h>

#include "pg_cluster.hpp"
#include "store/pg.hpp"
#include "store/storage_error.hpp"

namespace dais::store::testing {
namespace {

class PostgresLayer : public ::testing::Test {
 protected:
  PostgresLayer() : db(PgCluster::shared().create_database()) {
    db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, n BIGINT NOT NULL, note TEXT)");
  }
  std::int64_t rows() {
    auto q = db.query("SELECT count(*) FROM t");
    EXPECT_TRUE(q.next());
    return q.int64(0);
  }
  pg::Connection db;
};

TEST_F(PostgresLayer, ParametersAreValuesNeverSql) {
  const std::string hostile = "x'); DROP TABLE t; --?";
  db.query("INSERT INTO t(k, n, note) VALUES (?, ?, ?)").with(hostile, std::int64_t{42}, "it's ?").run();
  auto q = db.query("SELECT k, n, note FROM t WHERE k = ?");
  q.with(hostile);
  ASSERT_TRUE(q.next());
  EXPECT_EQ(q.text(0), hostile);
  EXPECT_EQ(q.int64(1), 42);
  EXPECT_EQ(q.text(2), "it's ?");
  EXPECT_FALSE(q.next());
  EXPECT_EQ(rows(), 1);
}

TEST_F(PostgresLayer, NullsAndQuotedQuestionMarks) {
  db.query("INSERT INTO t(k, n, note) VALUES (?, ?, ?)").with("a", 1, std::optional<std::string>{}).run();
  auto q = db.query("SELECT note, '?' FROM t WHERE k = ?");
  q.with("a");
  ASSERT_TRUE(q.next());
  EXPECT_TRUE(q.is_null(0));
  EXPECT_EQ(q.optional_text(0), std::nullopt);
  EXPECT_EQ(q.text(1), "?");
}

TEST_F(PostgresLayer, TransactionRollsBackUnlessCommitted) {
  {
    pg::Transaction tx(db, pg::TransactionKind::immediate);
    db.query("INSERT INTO t(k, n) VALUES (?, ?)").with("gone", 1).run();
    EXPECT_TRUE(db.in_transaction());
  }
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(rows(), 0);
  {
    pg::Transaction tx(db, pg::TransactionKind::immediate);
    db.query("INSERT INTO t(k, n) VALUES (?, ?)").with("kept", 1).run();
    tx.commit();
  }
  EXPECT_EQ(rows(), 1);
}

TEST_F(PostgresLayer, SavepointUndoesOneFailedStepAndTheRestCommits) {
  pg::Transaction tx(db, pg::TransactionKind::immediate);
  db.query("INSERT INTO t(k, n) VALUES (?, ?)").with("first", 1).run();
  try {
    pg::Savepoint sp(db);
    db.query("INSERT INTO t(k, n) VALUES (?, ?)").with("second", 2).run();
    db.query("INSERT INTO t(k, n) VALUES (?, ?)").with("first", 3).run();  // duplicate key
    sp.release();
    FAIL() << "the duplicate key was accepted";
  } catch (const pg::Error& e) {
    EXPECT_EQ(e.sqlstate(), "23505");
  }
  db.query("INSERT INTO t(k, n) VALUES (?, ?)").with("third", 3).run();
  tx.commit();
  auto q = db.query("SELECT k FROM t ORDER BY k");
  std::vector<std::string> keys;
  while (q.next()) keys.push_back(q.text(0));
  EXPECT_EQ(keys, (std::vector<std::string>{"first", "third"}));
}

TEST_F(PostgresLayer, CommitOfAFailedTransactionThrowsAndStoresNothing) {
  pg::Transaction tx(db, pg::TransactionKind::immediate);
  db.query("INSERT INTO t(k, n) VALUES (?, ?)").with("a", 1).run();
  EXPECT_THROW(db.query("INSERT INTO t(k, n) VALUES (?, ?)").with("a", 2).run(), pg::Error);
  EXPECT_THROW(tx.commit(), pg::Error);
  EXPECT_EQ(rows(), 0);
}

TEST_F(PostgresLayer, ReadTransactionRefusesWrites) {
  pg::Transaction tx(db, pg::TransactionKind::deferred);
  try {
    db.query("INSERT INTO t(k, n) VALUES (?, ?)").with("a", 1).run();
    FAIL() << "a read transaction wrote";
  } catch (const pg::Error& e) {
    const core::Error error = storage_error(e, "writing");
    EXPECT_EQ(error.code, core::ErrorCode::storage_failed);
    EXPECT_NE(error.message.find("read-only"), std::string::npos) << error.message;
  }
}

TEST(PostgresConnection, UnreachableServerIsAClearErrorWithoutThePassword) {
  // A port from the cluster's own range that nothing listens on: the cluster's port, one past it.
  const std::string url =
      "postgresql://dais:hunter2@127.0.0.1:" + std::to_string(PgCluster::shared().port() + 1) + "/x";
  try {
    pg::Connection db(url);
    FAIL() << "connected to nothing";
  } catch (const pg::Error& e) {
    const core::Error error = storage_error(e, "opening the store");
    EXPECT_NE(error.message.find("cannot be reached"), std::string::npos) << error.message;
    EXPECT_EQ(error.message.find("hunter2"), std::string::npos) << error.message;
    EXPECT_NE(error.message.find("dais:***@127.0.0.1"), std::string::npos) << error.message;
  }
}

TEST(PostgresConnection, MissingDatabaseIsNamed) {
  try {
    pg::Connection db(PgCluster::shared().url("no_such_database"));
    FAIL() << "connected to a database that does not exist";
  } catch (const pg::Error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_database"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dais::store::testing
