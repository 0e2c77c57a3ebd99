// Recounts from the box alone (or, for named ballots, from the named sheets in the log), compared with the
// result the log recorded at close.
#include "store/audit.hpp"
#include "store_fixture.hpp"

namespace dais::store::testing {
namespace {

class RecountTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = open_store(dir / "h.db");
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
    open = h.open_ballot("combined", std::nullopt);
    h.cast("V3", open, "satisfied");
    exact_anonymous = h.engine.state.ballots.at(anonymous).tally;
    exact_named = h.engine.state.ballots.at(named).tally;
  }

  TempDir dir;
  core::BallotId anonymous, named, open;
  core::Tally exact_anonymous, exact_named;
};

TEST_F(RecountTest, AnAnonymousBallotRecountsFromItsBoxToTheLoggedResult) {
  auto r = recount_ballot(dir / "h.db", std::nullopt, anonymous);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->anonymous);
  EXPECT_EQ(r->sheets, 7);
  EXPECT_EQ(r->voters, 7);
  EXPECT_EQ(r->recounted, exact_anonymous);
  EXPECT_TRUE(r->matches());
  EXPECT_GT(r->logged_position, 0);
}

TEST_F(RecountTest, ANamedBallotRecountsFromTheLatestNamedSheets) {
  auto r = recount_ballot(dir / "h.db", "test-hearing", named);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->anonymous);
  EXPECT_EQ(r->sheets, 2);
  EXPECT_EQ(r->voters, 2);
  EXPECT_EQ(r->recounted, exact_named);
  EXPECT_TRUE(r->matches());
}

TEST_F(RecountTest, AChangedBoxNoLongerMatches) {
  {
    sql::Database db(dir / "h.db", sql::OpenMode::read_write);
    db.exec("UPDATE ballot_box SET marks = replace(marks, 'poor', 'good') WHERE ballot = '" + anonymous +
            "' AND marks LIKE '%poor%'");
    ASSERT_EQ(db.changes(), 1);
  }
  auto r = recount_ballot(dir / "h.db", std::nullopt, anonymous);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->matches());
  ASSERT_TRUE(r->logged.has_value());
  EXPECT_EQ(*r->logged, exact_anonymous);
}

TEST_F(RecountTest, ASheetMoreOrLessThanTheVotersWhoTookPartDoesNotMatch) {
  {
    sql::Database db(dir / "h.db", sql::OpenMode::read_write);
    db.exec(
        "DELETE FROM ballot_box WHERE receipt_hash = (SELECT max(receipt_hash) FROM ballot_box WHERE ballot "
        "= '" +
        anonymous + "' AND marks LIKE '%good%')");
    ASSERT_EQ(db.changes(), 1);
  }
  auto r = recount_ballot(dir / "h.db", std::nullopt, anonymous);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sheets, 6);
  EXPECT_EQ(r->voters, 7);
  EXPECT_FALSE(r->matches());
}

TEST_F(RecountTest, OnlyClosedBallotsOfAKnownHearingAreRecounted) {
  EXPECT_EQ(recount_ballot(dir / "h.db", std::nullopt, open).error().code, core::ErrorCode::wrong_stage);
  EXPECT_EQ(recount_ballot(dir / "h.db", std::nullopt, "B9").error().code, core::ErrorCode::not_found);
  EXPECT_EQ(recount_ballot(dir / "h.db", "other", anonymous).error().code, core::ErrorCode::not_found);
  EXPECT_NE(recount_ballot(dir / "missing.db", std::nullopt, anonymous).error().message.find("no such file"),
            std::string::npos);
}

TEST_F(RecountTest, AFileWithSeveralHearingsNeedsTheHearingNamed) {
  {
    auto store = open_store(dir / "h.db");
    core::HearingDefinition other = make_definition();
    other.id = "other";
    ASSERT_TRUE(store->import_hearing(other).ok());
  }
  auto r = recount_ballot(dir / "h.db", std::nullopt, anonymous);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("name one with --hearing"), std::string::npos);
  EXPECT_TRUE(recount_ballot(dir / "h.db", "test-hearing", anonymous).ok());
}

}  // namespace
}  // namespace dais::store::testing
