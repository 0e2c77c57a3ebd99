// Paper sheets (纸质票) in the file: entries waiting for a match lie beside the box (paper_entries, no time),
// are read back by recovery, go once their sheet is counted and at close; the log says who took paper and who
// entered which sheet number, never marks; verify and recount count the paper sheets. On both backends
// (backend_fixture.hpp).
#include "backend_fixture.hpp"
#include "store/audit.hpp"

namespace dais::store::testing {
namespace {

core::Command entry(const core::BallotId& ballot, std::int64_t sheet, const core::GradeId& grade,
                    int receipt) {
  return core::EnterPaperSheet{ballot, sheet, marks_for({"S1"}, {"duty", "integrity"}, grade),
                               core::testing::receipt(receipt)};
}

class PaperStore : public BackendTest {};
DAIS_ON_BOTH_BACKENDS(PaperStore);

// What another process reading the store rebuilds (as `dais serve` does after a restart).
std::string recovered(const std::string& location, const HearingId& hearing) {
  auto store = open_store(StoreOptions{.path = location, .read_only = true});
  auto state = store->load(hearing);
  if (!state) return "not loaded: " + state.error().message;
  return canonical(*state);
}

TEST_P(PaperStore, EntriesWaitBesideTheBoxAreRecoveredAndTheRecountHoldsThePaperSheets) {
  const std::string file = location();
  auto store = open();
  StoredHearing h(*store);
  h.start();
  const core::BallotId ballot = h.open_ballot("each");
  for (const char* voter : {"V1", "V2", "V3"}) h.run("secretary", core::HandOutPaperSheet{ballot, voter});
  h.run("chair", entry(ballot, 1, "good", 1));
  h.run("chair", entry(ballot, 2, "poor", 2));
  h.run("secretary", entry(ballot, 2, "fair", 3));  // disagrees: sheet 2 is disputed
  store->flush();
  EXPECT_EQ(count("SELECT count(*) FROM paper_entries"), 3);
  // The log names who entered which number, never what they read.
  EXPECT_EQ(count("SELECT count(*) FROM events WHERE type = 'paper_sheet_entered'"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM events WHERE type = 'paper_sheet_handed_out'"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM events WHERE body LIKE '%\"poor\"%' OR body LIKE '%\"fair\"%'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM events WHERE type = 'paper_entry_stored'"), 0);
  EXPECT_EQ(recovered(file, h.id()), canonical(h.engine.state));  // the waiting entries came back

  h.run("secretary", entry(ballot, 1, "good", 4));  // agrees with the chair's: counted
  store->flush();
  EXPECT_EQ(count("SELECT count(*) FROM paper_entries WHERE sheet = 1"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM ballot_box"), 1);
  EXPECT_EQ(recovered(file, h.id()), canonical(h.engine.state));

  // Sheet 2 stays disputed (this hearing has two staff members only), so the close is refused however many
  // sheets are in; sheet 3, kept by its voter and never entered, would not hold it up.
  for (const char* voter : {"Q1", "Q2", "Q3"}) h.cast(voter, ballot, "fair");
  auto refused = core::decide(h.engine.state, "chair", core::CloseBallot{ballot}, h.engine.now + 1000);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::conflict);
}

TEST_P(PaperStore, AClosedBallotKeepsNoEntryAndVerifyAndRecountNameThePaperSheets) {
  const std::string file = location();
  auto store = open();
  StoredHearing h(*store);
  h.start();
  const core::BallotId ballot = h.open_ballot("each");
  for (const char* voter : {"V1", "V2", "V3"}) h.run("secretary", core::HandOutPaperSheet{ballot, voter});
  h.run("chair", entry(ballot, 1, "good", 1));
  h.run("secretary", entry(ballot, 1, "good", 2));
  h.run("secretary", entry(ballot, 2, "poor", 3));
  h.run("chair", entry(ballot, 2, "poor", 4));
  for (const char* voter : {"Q1", "Q2"}) h.cast(voter, ballot, "fair");
  h.run("chair", core::CloseBallot{ballot});
  store->flush();
  EXPECT_EQ(count("SELECT count(*) FROM paper_entries"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM ballot_box"), 4);
  EXPECT_EQ(recovered(file, h.id()), canonical(h.engine.state));

  auto r = recount_ballot(file, std::nullopt, ballot);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->sheets, 4);
  EXPECT_EQ(r->voters, 2);  // on tablets
  EXPECT_EQ(r->paper, 2);
  EXPECT_EQ(r->paper_handed_out, 3);  // V3 kept theirs
  EXPECT_EQ(r->recounted, h.engine.state.ballots.at(ballot).tally);
  EXPECT_TRUE(r->matches());

  auto verified = verify_file(file, std::nullopt);
  ASSERT_TRUE(verified.ok());
  ASSERT_FALSE(verified->first_break);
  ASSERT_EQ(verified->verified.size(), 1u);
  EXPECT_EQ(verified->verified[0].paper_sheets, 2);
}

// Where the rule weights voter groups each entry names the group printed on its sheet: a waiting entry comes
// back from the file with its group, and the counted sheet's box row holds it.
TEST_P(PaperStore, AWaitingEntryKeepsItsGroupInTheFile) {
  const std::string file = location();
  auto store = open();
  core::HearingDefinition def = core::testing::make_definition();
  for (core::ScoringRule& r : def.rules) r.weight_groups = true;
  StoredHearing h(*store, std::move(def));
  h.start();
  const core::BallotId ballot = h.open_ballot("each");
  h.run("secretary", core::HandOutPaperSheet{ballot, "V2"});  // 群众代表
  auto under = [&](const core::ParticipantId& staff, int receipt) {
    auto cmd = std::get<core::EnterPaperSheet>(entry(ballot, 1, "good", receipt));
    cmd.group = "citizens";
    h.run(staff, cmd);
  };
  under("chair", 1);
  store->flush();
  EXPECT_EQ(count("SELECT count(*) FROM paper_entries WHERE tally_group = 'citizens'"), 1);
  EXPECT_EQ(recovered(file, h.id()), canonical(h.engine.state));
  under("secretary", 2);
  store->flush();
  EXPECT_EQ(count("SELECT count(*) FROM ballot_box WHERE tally_group = 'citizens'"), 1);
  EXPECT_EQ(recovered(file, h.id()), canonical(h.engine.state));
}

}  // namespace
}  // namespace dais::store::testing
