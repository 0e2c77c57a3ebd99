// The SQLite layer on real files: statements, transactions that roll back unless committed, savepoints,
// errors.
#include <sqlite3.h>
#include <sys/stat.h>

#include "store/sqlite.hpp"
#include "store_fixture.hpp"

namespace dais::store::testing {
namespace {

std::int64_t count_rows(sql::Database& db) {
  auto q = db.query("SELECT count(*) FROM t");
  q.next();
  return q.int64(0);
}

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override { db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)"); }
  TempDir dir;
  sql::Database db{dir / "t.db", sql::OpenMode::create};
};

TEST_F(SqliteTest, CachedStatementBindsStepsAndResets) {
  for (int i = 0; i < 3; ++i)
    db.query("INSERT INTO t(k, v) VALUES (?, ?)").with("k" + std::to_string(i), i).run();
  auto q = db.query("SELECT k, v FROM t WHERE v >= ? ORDER BY v");
  q.with(1);
  ASSERT_TRUE(q.next());
  EXPECT_EQ(q.text(0), "k1");
  EXPECT_EQ(q.int64(1), 1);
  ASSERT_TRUE(q.next());
  EXPECT_EQ(q.text(0), "k2");
  EXPECT_FALSE(q.next());
}

TEST_F(SqliteTest, TheSameStatementCanBeNestedInItself) {
  for (int i = 0; i < 2; ++i)
    db.query("INSERT INTO t(k, v) VALUES (?, ?)").with("k" + std::to_string(i), i).run();
  int pairs = 0;
  auto outer = db.query("SELECT v FROM t");
  while (outer.next()) {
    auto inner = db.query("SELECT v FROM t");
    while (inner.next()) ++pairs;
  }
  EXPECT_EQ(pairs, 4);
}

TEST_F(SqliteTest, TransactionRollsBackUnlessCommitted) {
  {
    sql::Transaction tx(db, sql::TransactionKind::immediate);
    db.query("INSERT INTO t(k, v) VALUES ('a', 1)").run();
  }
  EXPECT_EQ(count_rows(db), 0);
  EXPECT_FALSE(db.in_transaction());
  {
    sql::Transaction tx(db, sql::TransactionKind::immediate);
    db.query("INSERT INTO t(k, v) VALUES ('a', 1)").run();
    tx.commit();
  }
  EXPECT_EQ(count_rows(db), 1);
}

TEST_F(SqliteTest, SavepointUndoesOnlyItsOwnPart) {
  sql::Transaction tx(db, sql::TransactionKind::immediate);
  {
    sql::Savepoint keep(db);
    db.query("INSERT INTO t(k, v) VALUES ('kept', 1)").run();
    keep.release();
  }
  {
    sql::Savepoint drop(db);
    db.query("INSERT INTO t(k, v) VALUES ('dropped', 2)").run();
  }
  tx.commit();
  auto q = db.query("SELECT k FROM t");
  ASSERT_TRUE(q.next());
  EXPECT_EQ(q.text(0), "kept");
  EXPECT_FALSE(q.next());
}

TEST_F(SqliteTest, ConstraintViolationThrowsWithTheCode) {
  const char* insert = "INSERT INTO t(k, v) VALUES (?, ?)";
  db.query(insert).with("a", 1).run();
  try {
    db.query(insert).with("a", 2).run();
    FAIL() << "a duplicate key was accepted";
  } catch (const sql::Error& e) {
    EXPECT_EQ(e.primary(), SQLITE_CONSTRAINT);
    EXPECT_NE(std::string(e.what()).find("UNIQUE"), std::string::npos) << e.what();
  }
  // The failed statement was reset: the cached statement works again.
  db.query(insert).with("b", 2).run();
  EXPECT_EQ(count_rows(db), 2);
}

TEST_F(SqliteTest, NullsAndOptionalText) {
  db.query("INSERT INTO t(k, v) VALUES (?, NULL)").with(std::optional<std::string>("x")).run();
  auto q = db.query("SELECT v, k FROM t");
  ASSERT_TRUE(q.next());
  EXPECT_TRUE(q.is_null(0));
  EXPECT_EQ(q.optional_text(0), std::nullopt);
  EXPECT_EQ(q.optional_text(1), "x");
}

// The file holds the ballot boxes: a new one, and its WAL, are for the server's account alone, whatever the
// umask; an existing file keeps the mode its operator chose.
TEST(Sqlite, ANewDatabaseAndItsWalAreReadableByTheOwnerOnly) {
  TempDir dir;
  const mode_t old_mask = ::umask(022);
  {
    sql::Database db{dir / "new.db", sql::OpenMode::create};
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("CREATE TABLE t (k TEXT)");
    db.exec("INSERT INTO t VALUES ('x')");
    for (const char* name : {"new.db", "new.db-wal"}) {
      struct stat st {};
      ASSERT_EQ(::stat((dir / name).c_str(), &st), 0) << name;
      EXPECT_EQ(st.st_mode & 0777, 0600u) << name;
    }
  }
  {
    const auto existing = dir / "existing.db";
    { sql::Database db{existing, sql::OpenMode::create}; }
    ASSERT_EQ(::chmod(existing.c_str(), 0640), 0);
    sql::Database again{existing, sql::OpenMode::create};
    struct stat st {};
    ASSERT_EQ(::stat(existing.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0640u);
  }
  ::umask(old_mask);
}

TEST(Sqlite, OpeningAMissingFileWithoutCreateFailsClearly) {
  TempDir dir;
  try {
    sql::Database db(dir / "missing.db", sql::OpenMode::read_write);
    FAIL() << "opened a missing file";
  } catch (const sql::Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.db"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dais::store::testing
