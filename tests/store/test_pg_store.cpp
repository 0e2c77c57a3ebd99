// What is particular to the PostgreSQL store (the contract itself is tested on both backends in
// test_store.cpp, test_group_commit.cpp and the others on backend_fixture.hpp): its schema's versioning, what
// it refuses to open, and what PostgreSQL's row headers show of a closed anonymous ballot.
#include <algorithm>
#include <set>

#include "pg_cluster.hpp"
#include "store/pg.hpp"
#include "store/pg_migrations.hpp"
#include "store/pg_store.hpp"
#include "store_fixture.hpp"

namespace dais::store::testing {
namespace {

TEST(PostgresStore, OpensOnlyPostgresUrls) {
  EXPECT_TRUE(is_postgres_url("postgresql://dais@127.0.0.1:5432/dais"));
  EXPECT_TRUE(is_postgres_url("postgres://db.example/dais"));
  EXPECT_FALSE(is_postgres_url("/var/lib/dais/postgresql://x.db"));
  EXPECT_FALSE(is_postgres_url("hearing.db"));
}

TEST(PostgresStore, MigratesAnEmptyDatabaseOnceAndReopensIt) {
  const std::string url = PgCluster::shared().create_database();
  open_store(StoreOptions{.path = url});
  open_store(StoreOptions{.path = url});  // a second open finds the schema in place
  pg::Connection db(url);
  auto version = read_schema_version(db);
  ASSERT_TRUE(version.ok()) << version.error().message;
  EXPECT_EQ(version->version, kPgSchemaVersion);
}

TEST(PostgresStore, RefusesADatabaseOfSomethingElseAndChangesNothing) {
  const std::string url = PgCluster::shared().create_database();
  {
    pg::Connection db(url);
    db.exec("CREATE TABLE payroll (who TEXT)");
  }
  auto store = Store::open(StoreOptions{.path = url});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("not a Dais database"), std::string::npos) << store.error().message;
  pg::Connection db(url);
  auto q = db.query("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()");
  ASSERT_TRUE(q.next());
  EXPECT_EQ(q.int64(0), 1);
}

TEST(PostgresStore, RefusesADatabaseFromANewerIncompatibleVersion) {
  const std::string url = PgCluster::shared().create_database();
  open_store(StoreOptions{.path = url});
  {
    pg::Connection db(url);
    db.query("UPDATE meta SET value = ? WHERE key IN ('version', 'compatible_version')")
        .with(kPgSchemaVersion + 1)
        .run();
  }
  auto store = Store::open(StoreOptions{.path = url});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("newer Dais"), std::string::npos) << store.error().message;
}

TEST(PostgresStore, AReadOnlyOpenOfAnEmptyDatabaseIsRefused) {
  const std::string url = PgCluster::shared().create_database();
  auto store = Store::open(StoreOptions{.path = url, .read_only = true});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("empty"), std::string::npos) << store.error().message;
}

// The backup is a new SQLite file (test_backup.cpp runs the backup's contract on both backends). Its ballot
// box is written in receipt-hash order, so where a sheet of a ballot still open sits in the file follows its
// receipt, not the order of casting that PostgreSQL's table still shows.
TEST(PostgresStore, TheBackupFileLaysTheBoxOutInReceiptOrder) {
  auto store = open_store(StoreOptions{.path = PgCluster::shared().create_database()});
  StoredHearing h(*store);
  h.start();
  const core::BallotId ballot = h.open_ballot("each");
  const std::vector<std::string> voters = {"V1", "Q2", "V4", "V2", "Q1", "V6", "V3", "V5", "Q3"};
  std::vector<std::string> receipts;
  for (const std::string& v : voters) {
    h.cast(v, ballot, "good");
    receipts.push_back(receipt_of(StoredHearing::secret(v, ballot)));
  }
  std::vector<std::string> sorted = receipts;
  std::sort(sorted.begin(), sorted.end());
  ASSERT_NE(receipts, sorted) << "the test needs a cast order different from the receipt order";
  TempDir dir;
  ASSERT_TRUE(store->backup_to(dir / "copy.db").ok());
  const std::string bytes = read_bytes(dir / "copy.db");
  std::vector<std::pair<std::size_t, std::string>> by_place;
  for (const std::string& r : receipts) {
    const std::size_t at = bytes.find(r);
    ASSERT_NE(at, std::string::npos);
    EXPECT_EQ(bytes.find(r, at + 1), std::string::npos) << "a receipt hash is in the file twice";
    by_place.emplace_back(at, r);
  }
  std::sort(by_place.begin(), by_place.end());
  std::vector<std::string> placed;
  for (const auto& [at, r] : by_place) placed.push_back(r);
  std::vector<std::string> reversed(sorted.rbegin(), sorted.rend());
  EXPECT_TRUE(placed == sorted || placed == reversed) << "the file's layout follows the cast order";
}

// Closing rewrites the box in receipt-hash order in the closing transaction: every live row then carries that
// transaction's id (xmin), and their places in the table (ctid) follow the receipt hashes, not the casting.
// The cast-time row versions are dead but still in the table's pages until VACUUM, and in the WAL
// (docs/storage.md says so); this test shows only what the live rows show.
TEST(PostgresStore, AClosedBoxShowsNeitherCastOrderNorCastTransactions) {
  const std::string url = PgCluster::shared().create_database();
  auto store = open_store(StoreOptions{.path = url});
  StoredHearing h(*store);
  h.start();
  const core::BallotId ballot = h.open_ballot("each");
  const std::vector<std::string> voters = {"V1", "Q2", "V4", "V2", "Q1", "V6", "V3", "V5", "Q3"};
  for (std::size_t i = 0; i < voters.size(); ++i)
    h.cast(voters[i], ballot, i % 3 == 0 ? "good" : (i % 3 == 1 ? "fair" : "poor"));
  pg::Connection db(url);
  auto xmins = [&] {
    std::set<std::string> out;
    auto q = db.query("SELECT CAST(xmin AS TEXT) FROM ballot_box WHERE ballot = ?");
    q.with(ballot);
    while (q.next()) out.insert(q.text(0));
    return out;
  };
  EXPECT_GT(xmins().size(), 1u) << "while open, each sheet's row has the transaction that cast it";
  h.run("chair", core::CloseBallot{ballot});
  EXPECT_EQ(xmins().size(), 1u) << "after the close, one transaction wrote every row";
  std::vector<std::string> by_place;
  auto q = db.query("SELECT receipt_hash FROM ballot_box WHERE ballot = ? ORDER BY ctid");
  q.with(ballot);
  while (q.next()) by_place.push_back(q.text(0));
  std::vector<std::string> sorted = by_place;
  std::sort(sorted.begin(), sorted.end());
  ASSERT_EQ(by_place.size(), voters.size());
  EXPECT_EQ(by_place, sorted);
}

}  // namespace
}  // namespace dais::store::testing
