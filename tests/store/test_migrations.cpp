// The schema version in the meta table: new files are created at the current version, older ones would be
// migrated, and a file from a newer incompatible version is refused and left exactly as it was.
#include "store/migrations.hpp"
#include "store_fixture.hpp"

namespace dais::store::testing {
namespace {

std::int64_t meta(const std::filesystem::path& path, const char* key) {
  sql::Database db(path, sql::OpenMode::read_only);
  auto q = db.query("SELECT value FROM meta WHERE key = ?");
  q.with(key);
  return q.next() ? q.int64(0) : -1;
}

void set_meta(const std::filesystem::path& path, std::int64_t version, std::int64_t compatible) {
  sql::Database db(path, sql::OpenMode::read_write);
  db.query("UPDATE meta SET value = ? WHERE key = 'version'").with(version).run();
  db.query("UPDATE meta SET value = ? WHERE key = 'compatible_version'").with(compatible).run();
}

TEST(Migrations, ANewFileGetsTheCurrentSchemaInWalMode) {
  TempDir dir;
  open_store(dir / "h.db");
  EXPECT_EQ(meta(dir / "h.db", "version"), kSchemaVersion);
  EXPECT_EQ(meta(dir / "h.db", "compatible_version"), 2);
  sql::Database db(dir / "h.db", sql::OpenMode::read_only);
  EXPECT_EQ(db.pragma_text("journal_mode"), "wal");
  EXPECT_EQ(db.pragma_text("application_id"), std::to_string(kApplicationId));
}

// Schema 1 had neither change tags in the box nor held counts: opening such a file adds both.
TEST(Migrations, ASchemaOneFileGainsChangeTagsAndHeldCounts) {
  TempDir dir;
  open_store(dir / "h.db");
  {
    sql::Database db(dir / "h.db", sql::OpenMode::read_write);
    db.exec("DROP TABLE hearing_leases");
    db.exec("DROP TABLE held_tallies");
    db.exec("ALTER TABLE ballot_box DROP COLUMN change_tag");
    db.exec("DROP TABLE accounts");
    db.exec("DROP TABLE ledger_notes");
    db.exec("DROP TABLE ledger");
    db.exec("DROP TABLE rehearsal_events");
    db.exec("DROP TABLE paper_entries");
  }
  set_meta(dir / "h.db", 1, 1);
  open_store(dir / "h.db");
  EXPECT_EQ(meta(dir / "h.db", "version"), kSchemaVersion);
  EXPECT_EQ(meta(dir / "h.db", "compatible_version"), 2);
  sql::Database db(dir / "h.db", sql::OpenMode::read_only);
  EXPECT_TRUE(db.query("SELECT change_tag FROM ballot_box").next() == false);  // the column exists
  EXPECT_TRUE(db.query("SELECT event FROM held_tallies").next() == false);     // and so does the table
}

// Schema 3 only adds the organizer accounts: a file of schema 2 gains the table and stays readable by a build
// of schema 2 (compatible version 2).
TEST(Migrations, ASchemaTwoFileGainsAccounts) {
  TempDir dir;
  open_store(dir / "h.db");
  {
    sql::Database db(dir / "h.db", sql::OpenMode::read_write);
    db.exec("DROP TABLE hearing_leases");
    db.exec("DROP TABLE accounts");
    db.exec("DROP TABLE ledger_notes");
    db.exec("DROP TABLE ledger");
    db.exec("DROP TABLE rehearsal_events");
    db.exec("DROP TABLE paper_entries");
  }
  set_meta(dir / "h.db", 2, 2);
  open_store(dir / "h.db");
  EXPECT_EQ(meta(dir / "h.db", "version"), kSchemaVersion);
  EXPECT_EQ(meta(dir / "h.db", "compatible_version"), 2);
  sql::Database db(dir / "h.db", sql::OpenMode::read_only);
  EXPECT_FALSE(db.query("SELECT password_hash FROM accounts").next());
}

// Schema 4 only adds the rectification ledger: a file of schema 3 gains its two tables and stays readable by
// a build of schema 2 or 3 (compatible version 2).
TEST(Migrations, ASchemaThreeFileGainsTheLedger) {
  TempDir dir;
  open_store(dir / "h.db");
  {
    sql::Database db(dir / "h.db", sql::OpenMode::read_write);
    db.exec("DROP TABLE hearing_leases");
    db.exec("DROP TABLE ledger_notes");
    db.exec("DROP TABLE ledger");
    db.exec("DROP TABLE rehearsal_events");
    db.exec("DROP TABLE paper_entries");
  }
  set_meta(dir / "h.db", 3, 2);
  open_store(dir / "h.db");
  EXPECT_EQ(meta(dir / "h.db", "version"), kSchemaVersion);
  EXPECT_EQ(meta(dir / "h.db", "compatible_version"), 2);
  sql::Database db(dir / "h.db", sql::OpenMode::read_only);
  EXPECT_FALSE(db.query("SELECT status, due FROM ledger").next());
  EXPECT_FALSE(db.query("SELECT text FROM ledger_notes").next());
}

// Schema 5 keeps reset rehearsals' logs apart: a file of schema 4 gains the table, still readable by
// schema 2.
TEST(Migrations, ASchemaFourFileGainsTheRehearsalLogs) {
  TempDir dir;
  open_store(dir / "h.db");
  {
    sql::Database db(dir / "h.db", sql::OpenMode::read_write);
    db.exec("DROP TABLE hearing_leases");
    db.exec("DROP TABLE rehearsal_events");
    db.exec("DROP TABLE paper_entries");
  }
  set_meta(dir / "h.db", 4, 2);
  open_store(dir / "h.db");
  EXPECT_EQ(meta(dir / "h.db", "version"), kSchemaVersion);
  EXPECT_EQ(meta(dir / "h.db", "compatible_version"), 2);
  sql::Database db(dir / "h.db", sql::OpenMode::read_only);
  EXPECT_FALSE(db.query("SELECT run, position, type, body FROM rehearsal_events").next());
}

// Schema 6 keeps paper sheets' entries beside the box: a file of schema 5 gains the table, still readable by
// schema 2.
TEST(Migrations, ASchemaFiveFileGainsThePaperEntries) {
  TempDir dir;
  open_store(dir / "h.db");
  {
    sql::Database db(dir / "h.db", sql::OpenMode::read_write);
    db.exec("DROP TABLE hearing_leases");
    db.exec("DROP TABLE paper_entries");
  }
  set_meta(dir / "h.db", 5, 2);
  open_store(dir / "h.db");
  EXPECT_EQ(meta(dir / "h.db", "version"), kSchemaVersion);
  EXPECT_EQ(meta(dir / "h.db", "compatible_version"), 2);
  sql::Database db(dir / "h.db", sql::OpenMode::read_only);
  EXPECT_FALSE(db.query("SELECT ballot, sheet, entered_by, marks FROM paper_entries").next());
}

// Schema 7 gives each paper entry the voter group its sheet is printed for: the entries of a file of schema 6
// keep their marks and read as naming no group, still readable by schema 2.
TEST(Migrations, ASchemaSixFileGivesItsPaperEntriesAGroup) {
  TempDir dir;
  open_store(dir / "h.db");
  {
    sql::Database db(dir / "h.db", sql::OpenMode::read_write);
    db.exec("DROP TABLE hearing_leases");
    db.exec("ALTER TABLE paper_entries DROP COLUMN tally_group");
    db.exec("INSERT INTO hearings(id, definition, genesis_hash) VALUES ('h1', '{}', '')");
    db.exec(
        "INSERT INTO paper_entries(hearing, ballot, sheet, entered_by, marks) VALUES "
        "('h1', 'B1', 1, 'chair', '{}')");
  }
  set_meta(dir / "h.db", 6, 2);
  open_store(dir / "h.db");
  EXPECT_EQ(meta(dir / "h.db", "version"), kSchemaVersion);
  EXPECT_EQ(meta(dir / "h.db", "compatible_version"), 2);
  sql::Database db(dir / "h.db", sql::OpenMode::read_only);
  auto q = db.query("SELECT marks, tally_group FROM paper_entries WHERE sheet = 1");
  ASSERT_TRUE(q.next());
  EXPECT_EQ(q.text(0), "{}");
  EXPECT_EQ(q.text(1), "");
}

// Schema 8 keeps the leases of nodes sharing a database: a file of schema 7 gains the empty table, still
// readable by schema 2.
TEST(Migrations, ASchemaSevenFileGainsTheHearingLeases) {
  TempDir dir;
  open_store(dir / "h.db");
  {
    sql::Database db(dir / "h.db", sql::OpenMode::read_write);
    db.exec("DROP TABLE hearing_leases");
  }
  set_meta(dir / "h.db", 7, 2);
  open_store(dir / "h.db");
  EXPECT_EQ(meta(dir / "h.db", "version"), kSchemaVersion);
  EXPECT_EQ(meta(dir / "h.db", "compatible_version"), 2);
  sql::Database db(dir / "h.db", sql::OpenMode::read_only);
  EXPECT_FALSE(db.query("SELECT hearing, owner, epoch, expires_at_ms FROM hearing_leases").next());
}

TEST(Migrations, ReopeningChangesNothing) {
  TempDir dir;
  open_store(dir / "h.db");
  const std::string before = read_bytes(dir / "h.db");
  open_store(dir / "h.db");
  EXPECT_EQ(read_bytes(dir / "h.db"), before);
}

TEST(Migrations, ANewerIncompatibleFileIsRefusedAndNotModified) {
  TempDir dir;
  open_store(dir / "h.db");
  const std::int64_t newer = kSchemaVersion + 2;
  set_meta(dir / "h.db", newer, newer - 1);
  const std::string before = read_bytes(dir / "h.db");
  for (bool read_only : {false, true}) {
    auto store = Store::open(StoreOptions{.path = dir / "h.db", .read_only = read_only});
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, core::ErrorCode::storage_failed);
    EXPECT_NE(store.error().message.find("newer Dais (schema " + std::to_string(newer) +
                                         ", readable from schema " + std::to_string(newer - 1) + " on)"),
              std::string::npos)
        << store.error().message;
    EXPECT_NE(store.error().message.find("not changed"), std::string::npos);
  }
  EXPECT_EQ(read_bytes(dir / "h.db"), before);
  EXPECT_EQ(meta(dir / "h.db", "version"), newer);
}

TEST(Migrations, ANewerCompatibleFileOpens) {
  TempDir dir;
  open_store(dir / "h.db");
  set_meta(dir / "h.db", kSchemaVersion + 1, kSchemaVersion);
  auto store = Store::open(StoreOptions{.path = dir / "h.db"});
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(meta(dir / "h.db", "version"), kSchemaVersion + 1);  // not downgraded
}

TEST(Migrations, AnotherSqliteDatabaseIsNotTakenOver) {
  TempDir dir;
  {
    sql::Database other(dir / "other.db", sql::OpenMode::create);
    other.exec("CREATE TABLE photos (id INTEGER PRIMARY KEY)");
  }
  const std::string before = read_bytes(dir / "other.db");
  auto store = Store::open(StoreOptions{.path = dir / "other.db"});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("not a Dais database"), std::string::npos) << store.error().message;
  EXPECT_EQ(read_bytes(dir / "other.db"), before);
}

TEST(Migrations, AMetaTableWithoutAValidVersionIsRefused) {
  TempDir dir;
  open_store(dir / "h.db");
  {
    sql::Database db(dir / "h.db", sql::OpenMode::read_write);
    db.exec("DELETE FROM meta WHERE key = 'version'");
  }
  auto store = Store::open(StoreOptions{.path = dir / "h.db"});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("no valid version"), std::string::npos) << store.error().message;
}

TEST(Migrations, ReadOnlyOpeningOfAnEmptyFileIsRefused) {
  TempDir dir;
  { std::ofstream(dir / "empty.db"); }
  auto store = Store::open(StoreOptions{.path = dir / "empty.db", .read_only = true});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("empty"), std::string::npos) << store.error().message;
  auto missing = Store::open(StoreOptions{.path = dir / "missing.db", .read_only = true});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no such file"), std::string::npos) << missing.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir / "missing.db"));
}

}  // namespace
}  // namespace dais::store::testing
