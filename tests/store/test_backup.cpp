// The online backup: a copy taken while the writer commits is one consistent moment of the store. From a
// SQLite file it is SQLite's online backup; from PostgreSQL an export of one snapshot into a new SQLite file.
// On both backends (backend_fixture.hpp); the copy is a SQLite file either way.
#include <algorithm>
#include <thread>

#include "backend_fixture.hpp"
#include "store/audit.hpp"

namespace dais::store::testing {
namespace {

class Backup : public BackendTest {
 protected:
  TempDir dir;
};
DAIS_ON_BOTH_BACKENDS(Backup);

// Every row of `table`, in the columns named, as sorted lines: what two databases hold, compared.
template <class Db>
std::vector<std::string> rows_of(Db& db, const std::string& table, const std::vector<std::string>& columns) {
  std::string list;
  for (const std::string& c : columns) list += (list.empty() ? "" : ", ") + c;
  std::vector<std::string> out;
  auto q = db.query("SELECT " + list + " FROM " + table);
  while (q.next()) {
    std::string line;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const auto value = q.optional_text(static_cast<int>(i));
      line += (value ? *value : "NULL") + "|";
    }
    out.push_back(std::move(line));
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_P(Backup, ACopyTakenWhileCommandsAreCommittedVerifiesAndLoads) {
  auto store = open();
  StoredHearing h(*store);
  h.start();
  const std::int64_t started = h.engine.state.event_count;
  constexpr int kCommands = 120;
  std::promise<void> halfway;
  std::atomic<std::int64_t> acknowledged{0};
  // The hearing goes on in its own thread, one command after another, while the backup runs.
  std::thread hearing([&] {
    for (int i = 0; i < kCommands; ++i) {
      const core::Command cmd =
          i % 2 == 0 ? core::Command{core::PauseSession{}} : core::Command{core::ResumeSession{}};
      auto r = commit(*store, CommandRecord{h.id(), h.engine.ok("chair", cmd), std::nullopt});
      if (!r) return;
      acknowledged = r->log_position;
      if (i == kCommands / 3) halfway.set_value();
    }
  });
  halfway.get_future().wait();
  const std::int64_t before_backup = acknowledged;
  auto done = store->backup_to(dir / "copy.db");
  hearing.join();
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(acknowledged.load(), started + kCommands);

  auto report = verify_file(dir / "copy.db", std::nullopt);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_FALSE(report->first_break.has_value()) << report->first_break->what;
  auto copy = open_store(StoreOptions{.path = dir / "copy.db", .read_only = true});
  auto state = copy->load(h.id());
  ASSERT_TRUE(state.ok()) << state.error().message;
  EXPECT_GE(state->event_count, before_backup);
  EXPECT_LE(state->event_count, started + kCommands);
  // The copy is the hearing as it was at one position: the same state the engine had there.
  TestHearing replayed(h.engine.state.def);
  for (const core::Event& e : h.engine.log) {
    if (replayed.state.event_count == state->event_count) break;
    core::apply(replayed.state, e);
  }
  EXPECT_EQ(canonical(*state), canonical(replayed.state));
}

// Everything the store holds is in the copy, row for row in every table of the file's schema: the log, the
// boxes (sealed and open), tokens, idempotency records, snapshots, accounts and the ledger; the copy verifies
// and recounts as the store does, and its tokens open the same doors.
TEST_P(Backup, TheCopyHoldsEveryRowAndVerifiesAndRecountsAsTheStoreDoes) {
  auto store = open();
  StoredHearing h(*store);
  h.start();
  const core::BallotId closed = h.open_ballot("each");
  for (const char* v : {"V1", "Q2", "V4", "V2"}) h.cast(v, closed, "good");
  h.cast("Q1", closed, "poor");
  h.run("chair", core::CloseBallot{closed});
  const core::BallotId open_one = h.open_ballot("each_named", "S2");
  h.cast("V1", open_one, "fair");
  Account account;
  account.name = "secretariat";
  account.role = "organizer";
  account.password_hash = "hash";
  account.created_ms = 1;
  ASSERT_TRUE(store->add_account(account).ok());
  ASSERT_TRUE(
      store->take_into_ledger({LedgerCommitment{h.id(), "I1", 1, "单位", "张三", "问", "改", "2027-01-31"}})
          .ok());
  ASSERT_TRUE(store->add_ledger_note(1, LedgerNote{"secretariat", 5, "已启动"}).ok());
  ASSERT_TRUE(store->backup_to(dir / "copy.db").ok());

  const auto copy_path = dir / "copy.db";
  sql::Database copy(copy_path, sql::OpenMode::read_only);
  std::vector<std::string> tables;
  {
    auto q = copy.query(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_' ORDER BY "
        "name");
    while (q.next()) tables.push_back(q.text(0));
  }
  ASSERT_GE(tables.size(), 10u);
  for (const std::string& table : tables) {
    if (table == "meta") continue;  // each database's own bookkeeping
    std::vector<std::string> columns;
    auto q = copy.query("SELECT name FROM pragma_table_info(?) ORDER BY cid");
    q.with(table);
    while (q.next()) columns.push_back(q.text(0));
    const auto stored = on_database([&](auto& db) { return rows_of(db, table, columns); });
    EXPECT_EQ(rows_of(copy, table, columns), stored) << table;
  }

  auto report = verify_file(copy_path, std::nullopt);
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_FALSE(report->first_break.has_value()) << report->first_break->what;
  EXPECT_EQ(report->verified.at(0).head_hash, store->head_hash(h.id()));
  EXPECT_EQ(report->verified.at(0).sealed_boxes, 1);
  auto recount = recount_ballot(copy_path, std::nullopt, closed);
  ASSERT_TRUE(recount.ok()) << recount.error().message;
  EXPECT_TRUE(recount->matches());
  EXPECT_EQ(recount->sheets, 5);
  auto reopened = open_store(StoreOptions{.path = copy_path, .read_only = true});
  auto state = reopened->load(h.id());
  ASSERT_TRUE(state.ok()) << state.error().message;
  EXPECT_EQ(canonical(*state), canonical(h.engine.state));
  EXPECT_EQ(reopened->find_token(h.tokens.front().token)->participant, h.tokens.front().participant);
}

TEST_P(Backup, ABackupNeverOverwritesAFile) {
  auto store = open();
  StoredHearing h(*store);
  { std::ofstream(dir / "taken.db") << "precious"; }
  auto done = store->backup_to(dir / "taken.db");
  ASSERT_FALSE(done.ok());
  EXPECT_NE(done.error().message.find("already exists"), std::string::npos);
  EXPECT_EQ(read_bytes(dir / "taken.db"), "precious");
}

TEST_P(Backup, ABackupIntoAMissingDirectoryFailsClearlyAndLeavesNothing) {
  auto store = open();
  StoredHearing h(*store);
  auto done = store->backup_to(dir / "no" / "such" / "dir.db");
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().code, core::ErrorCode::storage_failed);
  EXPECT_NE(done.error().message.find("backing up to"), std::string::npos) << done.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir / "no"));
}

}  // namespace
}  // namespace dais::store::testing
