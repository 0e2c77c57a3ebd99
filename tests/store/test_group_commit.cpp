// Group commit, batch by batch: one transaction per batch, a savepoint per record; a failed record takes the
// later records of its hearing with it, never the records of other hearings, and nothing is reported
// committed that is not in the file.
#include "store/audit.hpp"
#include "store/log_writer.hpp"
#include "store_fixture.hpp"

namespace dais::store::testing {
namespace {

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    core::HearingDefinition second = make_definition();
    second.id = "second-hearing";
    {
      auto store = open_store(dir / "h.db");
      ASSERT_TRUE(store->import_hearing(a.state.def).ok());
      ASSERT_TRUE(store->import_hearing(second).ok());
    }
    b = TestHearing(second);
    db = std::make_unique<sql::Database>(dir / "h.db", sql::OpenMode::read_write);
    db->exec("PRAGMA foreign_keys = ON");
    writer = std::make_unique<LogWriter>(*db, options);
  }

  std::vector<core::Result<CommitInfo>> commit_all(const std::vector<CommandRecord>& records) {
    std::vector<const CommandRecord*> batch;
    for (const CommandRecord& r : records) batch.push_back(&r);
    return writer->commit(batch);
  }

  std::int64_t logged(const std::string& hearing) {
    auto q = db->query("SELECT count(*) FROM events WHERE hearing = ?");
    q.with(hearing);
    q.next();
    return q.int64(0);
  }

  TempDir dir;
  StoreOptions options{.path = dir / "h.db"};
  TestHearing a;
  TestHearing b;
  std::unique_ptr<sql::Database> db;
  std::unique_ptr<LogWriter> writer;
};

TEST_F(GroupCommitTest, AllRecordsOfABatchCommitTogetherWithConsecutivePositions) {
  std::vector<CommandRecord> records = {{a.state.def.id, a.ok("chair", core::OpenCheckIn{}), std::nullopt},
                                        {b.state.def.id, b.ok("chair", core::OpenCheckIn{}), std::nullopt},
                                        {a.state.def.id, a.ok("V1", core::CheckIn{}), std::nullopt},
                                        {a.state.def.id, a.ok("V2", core::CheckIn{}), std::nullopt}};
  auto results = commit_all(records);
  ASSERT_EQ(results.size(), 4u);
  for (const auto& r : results) ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(results[0]->log_position, 1);
  EXPECT_EQ(results[1]->log_position, 1);
  EXPECT_EQ(results[2]->log_position, 2);
  EXPECT_EQ(results[3]->log_position, 3);
  EXPECT_EQ(logged(a.state.def.id), 3);
  EXPECT_EQ(logged(b.state.def.id), 1);
  auto report = verify_file(dir / "h.db", std::nullopt);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->first_break.has_value());
  EXPECT_EQ(report->verified.front().head_hash, results[1]->head_hash);  // "second-hearing" sorts first
}

TEST_F(GroupCommitTest, AFailedRecordTakesTheLaterRecordsOfItsHearingButNotOthers) {
  commit_all({{a.state.def.id, a.ok("chair", core::OpenCheckIn{}), std::nullopt}});
  // The second record reuses the first one's idempotency key: a constraint failure inside the batch.
  std::vector<CommandRecord> records = {
      {a.state.def.id, a.ok("V1", core::CheckIn{}), Idempotency{"V1", "k", "{}"}},
      {a.state.def.id, a.ok("V2", core::CheckIn{}), Idempotency{"V1", "k", "{}"}},
      {a.state.def.id, a.ok("V3", core::CheckIn{}), std::nullopt},
      {b.state.def.id, b.ok("chair", core::OpenCheckIn{}), std::nullopt}};
  auto results = commit_all(records);
  ASSERT_TRUE(results[0].ok());
  ASSERT_FALSE(results[1].ok());
  EXPECT_EQ(results[1].error().code, core::ErrorCode::storage_failed);
  EXPECT_NE(results[1].error().message.find("conflicts with what is already stored"), std::string::npos)
      << results[1].error().message;
  ASSERT_FALSE(results[2].ok());
  EXPECT_NE(results[2].error().message.find("earlier command of hearing test-hearing"), std::string::npos)
      << results[2].error().message;
  ASSERT_TRUE(results[3].ok());
  EXPECT_EQ(logged(a.state.def.id), 2);  // check-in opened, V1
  EXPECT_EQ(logged(b.state.def.id), 1);
  {
    auto q = db->query("SELECT count(*) FROM idempotency");
    q.next();
    EXPECT_EQ(q.int64(0), 1);
  }
  auto report = verify_file(dir / "h.db", std::nullopt);
  EXPECT_FALSE(report->first_break.has_value()) << report->first_break->what;
  // The caller reloads the hearing and goes on from what was stored.
  writer.reset();
  db.reset();
  auto store = open_store(dir / "h.db");
  auto reloaded = store->load(a.state.def.id);
  ASSERT_TRUE(reloaded.ok());
  EXPECT_EQ(reloaded->checked_in, (std::set<core::ParticipantId>{"V1"}));
  TestHearing again(a.state.def);
  again.state = *reloaded;
  auto next = commit(*store, CommandRecord{a.state.def.id, again.ok("V2", core::CheckIn{}), std::nullopt});
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->log_position, 3);
}

TEST_F(GroupCommitTest, ARecordForAnUnknownHearingFailsAlone) {
  auto results = commit_all({{"no-such-hearing", {core::Event{1, core::CheckInOpened{}}}, std::nullopt},
                             {a.state.def.id, a.ok("chair", core::OpenCheckIn{}), std::nullopt}});
  ASSERT_FALSE(results[0].ok());
  EXPECT_EQ(results[0].error().code, core::ErrorCode::not_found);
  EXPECT_TRUE(results[1].ok());
}

TEST_F(GroupCommitTest, EventsThatDoNotFitTheStateAreRefusedAndRolledBack) {
  // A sheet for a ballot that does not exist: the writer's state copy cannot apply it, so nothing is stored.
  auto results =
      commit_all({{a.state.def.id, {core::Event{1, core::SheetRecorded{"B9", "V1", false}}}, std::nullopt}});
  ASSERT_FALSE(results[0].ok());
  EXPECT_EQ(logged(a.state.def.id), 0);
}

TEST_F(GroupCommitTest, WhenTheTransactionIsLostEveryRecordOfTheBatchFails) {
  // Another connection holds the write lock: BEGIN IMMEDIATE gives up after the busy timeout.
  db->set_busy_timeout(std::chrono::milliseconds(20));
  sql::Database other(dir / "h.db", sql::OpenMode::read_write);
  sql::Transaction lock(other, sql::TransactionKind::immediate);
  auto results = commit_all({{a.state.def.id, a.ok("chair", core::OpenCheckIn{}), std::nullopt},
                             {b.state.def.id, b.ok("chair", core::OpenCheckIn{}), std::nullopt}});
  for (const auto& r : results) {
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("locked"), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace dais::store::testing
