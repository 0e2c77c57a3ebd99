// After an anonymous ballot, everything the store holds — every table, and the raw bytes of the database and
// its WAL — links no voter to what they chose: the box has no voter, no time and no insertion order; the log
// says who took part and never what they marked. The tables are checked on both backends
// (backend_fixture.hpp); the file's bytes are SQLite's own (test_pg_store.cpp looks at PostgreSQL's box).
#include <algorithm>
#include <numeric>
#include <set>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "backend_fixture.hpp"

namespace dais::store::testing {
namespace {

std::vector<std::string> columns(sql::Database& db, const std::string& table) {
  std::vector<std::string> out;
  auto q = db.query("SELECT name FROM pragma_table_info(?)");
  q.with(table);
  while (q.next()) out.push_back(q.text(0));
  return out;
}

std::vector<std::string> columns(pg::Connection& db, const std::string& table) {
  std::vector<std::string> out;
  auto q = db.query(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND "
      "table_name = ? ORDER BY ordinal_position");
  q.with(table);
  while (q.next()) out.push_back(q.text(0));
  return out;
}

// The voters in cast order, chosen so that the order of their receipt hashes differs from it.
const std::vector<std::string> kVoters = {"V1", "Q2", "V4", "V2", "Q1", "V6", "V3", "V5", "Q3"};

class SecretBallotTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    auto store = open();
    StoredHearing h(*store);
    h.start();
    ballot = h.open_ballot("each");
    for (std::size_t i = 0; i < kVoters.size(); ++i) {
      // Different marks, so that a leak of order would leak content.
      h.cast(kVoters[i], ballot, i % 3 == 0 ? "good" : (i % 3 == 1 ? "fair" : "poor"));
    }
    for (const core::Event& e : h.engine.log) {
      if (e.at > 0) times.push_back(std::to_string(e.at));
    }
    h.run("chair", core::CloseBallot{ballot});
    receipts_in_cast_order.clear();
    for (const std::string& v : kVoters)
      receipts_in_cast_order.push_back(receipt_of(StoredHearing::secret(v, ballot)));
  }

  core::BallotId ballot;
  std::vector<std::string> times;
  std::vector<std::string> receipts_in_cast_order;
};
DAIS_ON_BOTH_BACKENDS(SecretBallotTest);

// What only a SQLite file has: its raw bytes and its WAL.
class SecretBallotFileTest : public SecretBallotTest {};
INSTANTIATE_TEST_SUITE_P(Backends, SecretBallotFileTest, ::testing::Values(Backend::sqlite), backend_name);

TEST_P(SecretBallotTest, TheBoxTableHasNoVoterNoTimeAndNoRowid) {
  on_database([&](auto& db) {
    // The change tag hashes the voter with a key only the device knows; it is gone once the ballot closed.
    EXPECT_EQ(columns(db, "ballot_box"), (std::vector<std::string>{"hearing", "ballot", "receipt_hash",
                                                                   "tally_group", "marks", "change_tag"}));
    EXPECT_FALSE(db.query("SELECT 1 FROM ballot_box WHERE change_tag IS NOT NULL").next());
    if constexpr (std::is_same_v<std::remove_reference_t<decltype(db)>, sql::Database>) {
      EXPECT_THROW(db.query("SELECT rowid FROM ballot_box").next(), sql::Error);  // WITHOUT ROWID
    }
    auto q = db.query("SELECT receipt_hash, tally_group, marks FROM ballot_box");
    int rows = 0;
    while (q.next()) {
      ++rows;
      for (const std::string& column : {q.text(0), q.text(1), q.text(2)}) {
        for (const std::string& v : kVoters) EXPECT_EQ(column.find(v), std::string::npos) << column;
        for (const std::string& t : times) EXPECT_EQ(column.find(t), std::string::npos) << column;
      }
    }
    EXPECT_EQ(rows, static_cast<int>(kVoters.size()));
  });
}

TEST_P(SecretBallotTest, TheLogSaysWhoVotedButNeverWhatOrWithWhichReceipt) {
  on_database([&](auto& db) {
    auto q = db.query("SELECT type, body FROM events");
    std::set<std::string> recorded;
    while (q.next()) {
      const std::string type = q.text(0);
      const std::string body = q.text(1);
      EXPECT_NE(type, "sheet_stored") << "an anonymous sheet's contents are in the log";
      for (const std::string& r : receipts_in_cast_order) EXPECT_EQ(body.find(r), std::string::npos);
      if (type == "sheet_recorded") {
        recorded.insert(nlohmann::json::parse(body).at("voter").get<std::string>());
        EXPECT_EQ(body.find("marks"), std::string::npos);
      }
    }
    EXPECT_EQ(recorded, std::set<std::string>(kVoters.begin(), kVoters.end()));
    // Nor do the idempotency records or the snapshots hold receipts or marks.
    for (const char* sql : {"SELECT ack FROM idempotency", "SELECT state FROM snapshots"}) {
      auto rows = db.query(sql);
      while (rows.next()) {
        const std::string text = rows.text(0);
        for (const std::string& r : receipts_in_cast_order) EXPECT_EQ(text.find(r), std::string::npos) << sql;
      }
    }
  });
}

TEST_P(SecretBallotFileTest, TheRawFileKeepsNoCastOrderAndNoVoterNearTheSheets) {
  // After the close, the WAL (which held every commit's pages in order) is checkpointed and truncated.
  const std::filesystem::path file = location();
  const std::filesystem::path wal = location() + "-wal";
  if (std::filesystem::exists(wal)) {
    const std::string wal_bytes = read_bytes(wal);
    for (const std::string& r : receipts_in_cast_order) {
      EXPECT_EQ(wal_bytes.find(r), std::string::npos) << "a receipt hash is still in the WAL";
    }
  }
  const std::string bytes = read_bytes(file);
  std::vector<std::size_t> offsets;
  for (const std::string& r : receipts_in_cast_order) {
    const std::size_t at = bytes.find(r);
    ASSERT_NE(at, std::string::npos);
    EXPECT_EQ(bytes.find(r, at + 1), std::string::npos) << "a receipt hash is in the file twice";
    offsets.push_back(at);
  }
  // Where each sheet sits follows the order of the receipt hashes alone, not the order of casting.
  std::vector<std::size_t> by_key(offsets.size());
  std::iota(by_key.begin(), by_key.end(), 0);
  std::sort(by_key.begin(), by_key.end(), [&](std::size_t x, std::size_t y) {
    return receipts_in_cast_order[x] < receipts_in_cast_order[y];
  });
  std::vector<std::size_t> by_offset(offsets.size());
  std::iota(by_offset.begin(), by_offset.end(), 0);
  std::sort(by_offset.begin(), by_offset.end(),
            [&](std::size_t x, std::size_t y) { return offsets[x] < offsets[y]; });
  std::vector<std::size_t> reversed_key(by_key.rbegin(), by_key.rend());
  EXPECT_TRUE(by_offset == by_key || by_offset == reversed_key) << "the file layout follows the cast order";
  std::vector<std::size_t> cast_order(offsets.size());
  std::iota(cast_order.begin(), cast_order.end(), 0);
  ASSERT_NE(by_key, cast_order) << "the test needs a cast order different from the key order";
  std::vector<std::size_t> reversed_cast(cast_order.rbegin(), cast_order.rend());
  ASSERT_NE(by_key, reversed_cast);

  // The page that holds the sheets holds no voter id and no time.
  const std::size_t page_size = [&] {
    sql::Database db(file, sql::OpenMode::read_only);
    return static_cast<std::size_t>(std::stoul(db.pragma_text("page_size")));
  }();
  const std::size_t first = *std::min_element(offsets.begin(), offsets.end()) / page_size;
  const std::size_t last = *std::max_element(offsets.begin(), offsets.end()) / page_size;
  const std::string pages = bytes.substr(first * page_size, (last - first + 1) * page_size);
  for (const std::string& v : kVoters)
    EXPECT_EQ(pages.find(v), std::string::npos) << v << " is on the box's page";
  for (const std::string& t : times)
    EXPECT_EQ(pages.find(t), std::string::npos) << "a time is on the box's page";
}

TEST_P(SecretBallotTest, TheBoxStillRecountsToTheLoggedResult) {
  auto store = open();
  auto state = store->load("test-hearing");
  ASSERT_TRUE(state.ok());
  const core::Ballot& b = state->ballots.at(ballot);
  EXPECT_EQ(b.tally.sheets, static_cast<std::int64_t>(kVoters.size()));
  EXPECT_EQ(b.box.size(), kVoters.size());
  EXPECT_TRUE(b.named.empty());
}

// A voided ballot counts for nothing, and two sheets' marks would be the aggregate of the two voters the log
// names: the file keeps the receipts (to be checked), never the marks, and a recovery finds what the engine
// holds.
class VoidedBox : public BackendTest {};
DAIS_ON_BOTH_BACKENDS(VoidedBox);

TEST_P(VoidedBox, KeepsTheReceiptsAndNoMarks) {
  auto store = open();
  StoredHearing h(*store);
  h.start();
  const core::BallotId ballot = h.open_ballot("each");
  h.cast("V1", ballot, "good");
  h.cast("Q2", ballot, "poor");
  h.run("chair", core::VoidBallot{ballot, "重新表决"});
  on_database([&](auto& db) {
    auto q = db.query("SELECT receipt_hash, tally_group, marks FROM ballot_box WHERE ballot = ?");
    q.with(ballot);
    std::set<std::string> receipts;
    while (q.next()) {
      receipts.insert(q.text(0));
      EXPECT_EQ(q.text(1), "");
      EXPECT_EQ(q.text(2), "{}");
    }
    EXPECT_EQ(receipts, (std::set<std::string>{receipt_of(StoredHearing::secret("V1", ballot)),
                                               receipt_of(StoredHearing::secret("Q2", ballot))}));
  });
  EXPECT_TRUE(store->receipt_in_box(h.id(), ballot, receipt_of(StoredHearing::secret("V1", ballot))).value());
  store.reset();
  auto reopened = open();
  auto state = reopened->load(h.id());
  ASSERT_TRUE(state.ok()) << state.error().message;
  EXPECT_EQ(canonical(*state), canonical(h.engine.state));
  EXPECT_EQ(state->ballots.at(ballot), h.engine.state.ballots.at(ballot));
}

}  // namespace
}  // namespace dais::store::testing
