// Recounts from the box alone (or, for named ballots, from the named sheets in the log), compared with the
// result the log recorded at close. On both backends (backend_fixture.hpp): recount reads a SQLite file or a
// postgresql:// URL.
#include <type_traits>

#include "backend_fixture.hpp"
#include "store/audit.hpp"

namespace dais::store::testing {
namespace {

class RecountTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    auto store = open();
    StoredHearing h(*store);
    h.start();
    anonymous = h.open_ballot("each");
    for (const char* v : {"V1", "V2", "V3", "V4", "Q1", "Q2"}) h.cast(v, anonymous, "good");
    h.cast("V5", anonymous, "poor");
    h.run("chair", core::CloseBallot{anonymous});
    named = h.open_ballot("each_named", "S2");
    h.cast("V1", named, "fair");
    h.cast("V2", named, "good");
    h.run("V1", core::CastSheet{named, marks_for({"S2"}, {"duty", "integrity"}, "poor"),
                                receipt_of(StoredHearing::secret("V1", named))});  // changed before close
    h.run("chair", core::CloseBallot{named});
    still_open = h.open_ballot("combined", std::nullopt);
    h.cast("V3", still_open, "satisfied");
    exact_anonymous = h.engine.state.ballots.at(anonymous).tally;
    exact_named = h.engine.state.ballots.at(named).tally;
  }

  // Runs `sql`, which must change exactly one row, on the store's database.
  void change_one_row(const std::string& sql) {
    on_database([&](auto& db) {
      auto q = db.query(sql);
      q.run();
      if constexpr (std::is_same_v<std::remove_reference_t<decltype(db)>, sql::Database>) {
        EXPECT_EQ(db.changes(), 1) << sql;
      } else {
        EXPECT_EQ(q.affected(), 1) << sql;
      }
    });
  }

  TempDir elsewhere;
  core::BallotId anonymous, named, still_open;
  core::Tally exact_anonymous, exact_named;
};
DAIS_ON_BOTH_BACKENDS(RecountTest);

TEST_P(RecountTest, AnAnonymousBallotRecountsFromItsBoxToTheLoggedResult) {
  auto r = recount_ballot(location(), std::nullopt, anonymous);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->anonymous);
  EXPECT_EQ(r->sheets, 7);
  EXPECT_EQ(r->voters, 7);
  EXPECT_EQ(r->recounted, exact_anonymous);
  EXPECT_TRUE(r->matches());
  EXPECT_GT(r->logged_position, 0);
}

TEST_P(RecountTest, ANamedBallotRecountsFromTheLatestNamedSheets) {
  auto r = recount_ballot(location(), "test-hearing", named);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->anonymous);
  EXPECT_EQ(r->sheets, 2);
  EXPECT_EQ(r->voters, 2);
  EXPECT_EQ(r->recounted, exact_named);
  EXPECT_TRUE(r->matches());
}

TEST_P(RecountTest, AChangedBoxNoLongerMatches) {
  change_one_row("UPDATE ballot_box SET marks = replace(marks, 'poor', 'good') WHERE ballot = '" + anonymous +
                 "' AND marks LIKE '%poor%'");
  auto r = recount_ballot(location(), std::nullopt, anonymous);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->matches());
  ASSERT_TRUE(r->logged.has_value());
  EXPECT_EQ(*r->logged, exact_anonymous);
}

TEST_P(RecountTest, ASheetMoreOrLessThanTheVotersWhoTookPartDoesNotMatch) {
  change_one_row(
      "DELETE FROM ballot_box WHERE receipt_hash = (SELECT max(receipt_hash) FROM ballot_box WHERE ballot = "
      "'" +
      anonymous + "' AND marks LIKE '%good%')");
  auto r = recount_ballot(location(), std::nullopt, anonymous);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sheets, 6);
  EXPECT_EQ(r->voters, 7);
  EXPECT_FALSE(r->matches());
}

TEST_P(RecountTest, OnlyClosedBallotsOfAKnownHearingAreRecounted) {
  EXPECT_EQ(recount_ballot(location(), std::nullopt, still_open).error().code, core::ErrorCode::wrong_stage);
  EXPECT_EQ(recount_ballot(location(), std::nullopt, "B9").error().code, core::ErrorCode::not_found);
  EXPECT_EQ(recount_ballot(location(), "other", anonymous).error().code, core::ErrorCode::not_found);
  EXPECT_NE(
      recount_ballot(elsewhere / "missing.db", std::nullopt, anonymous).error().message.find("no such file"),
      std::string::npos);
}

TEST_P(RecountTest, AFileWithSeveralHearingsNeedsTheHearingNamed) {
  {
    auto store = open();
    core::HearingDefinition other = make_definition();
    other.id = "other";
    ASSERT_TRUE(store->import_hearing(other).ok());
  }
  auto r = recount_ballot(location(), std::nullopt, anonymous);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("name one with --hearing"), std::string::npos);
  EXPECT_TRUE(recount_ballot(location(), "test-hearing", anonymous).ok());
}

}  // namespace
}  // namespace dais::store::testing
