// The rectification ledger's part of the store's contract, on both backends: commitments are taken once,
// organizers set due dates and status and add dated notes, and an unknown entry changes nothing.
#include "backend_fixture.hpp"

namespace dais::store::testing {
namespace {

class LedgerContract : public BackendTest {};
DAIS_ON_BOTH_BACKENDS(LedgerContract);

LedgerCommitment commitment(const HearingId& hearing, const std::string& inquiry, std::int64_t position,
                            const std::string& text) {
  return LedgerCommitment{hearing, inquiry,     position, "区水务局", "王某", "河道整治何时完成？",
                          text,    "2026-06-30"};
}

TEST_P(LedgerContract, CommitmentsAreTakenOnceInTheOrderGiven) {
  auto store = open();
  StoredHearing h(*store);
  const HearingId id = h.engine.state.def.id;
  EXPECT_TRUE(store->ledger().empty());
  const std::vector<LedgerCommitment> first = {commitment(id, "I1", 1, "6月底前完成清淤"),
                                               commitment(id, "I1", 2, "建立长效机制")};
  ASSERT_EQ(store->take_into_ledger(first).value(), 2);
  // The same commitments again, and one new: only the new one is taken.
  std::vector<LedgerCommitment> again = first;
  again.push_back(commitment(id, "I3", 1, "三季度完成整改"));
  ASSERT_EQ(store->take_into_ledger(again).value(), 1);
  EXPECT_EQ(store->take_into_ledger(again).value(), 0);

  const auto all = store->ledger();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, 1);
  EXPECT_EQ(all[2].id, 3);
  EXPECT_EQ(all[2].commitment.text, "三季度完成整改");
  EXPECT_EQ(all[0].commitment.unit, "区水务局");
  EXPECT_EQ(all[0].commitment.presenter, "王某");
  EXPECT_EQ(all[0].commitment.inquiry_text, "河道整治何时完成？");
  EXPECT_EQ(all[0].due, "2026-06-30");
  EXPECT_EQ(all[0].status, "open");
  EXPECT_FALSE(all[0].done_ms);
  EXPECT_TRUE(all[0].notes.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM ledger"), 3);
}

TEST_P(LedgerContract, DueDatesStatusAndNotesAreKept) {
  auto store = open();
  StoredHearing h(*store);
  const HearingId id = h.engine.state.def.id;
  ASSERT_TRUE(store->take_into_ledger({commitment(id, "I1", 1, "6月底前完成清淤")}));
  ASSERT_TRUE(store->update_ledger_entry(1, std::string("2026-07-31"), std::nullopt, 1000));
  ASSERT_TRUE(store->update_ledger_entry(1, std::nullopt, std::string("in_progress"), 2000));
  ASSERT_TRUE(store->add_ledger_note(1, LedgerNote{"alice", 3000, "已完成一半河段"}));
  ASSERT_TRUE(store->add_ledger_note(1, LedgerNote{"bob", 4000, "验收中"}));
  auto e = store->ledger_entry(1);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->due, "2026-07-31");
  EXPECT_EQ(e->commitment.due, "2026-06-30");  // as promised in the hall
  EXPECT_EQ(e->status, "in_progress");
  EXPECT_FALSE(e->done_ms);
  ASSERT_EQ(e->notes.size(), 2u);
  EXPECT_EQ(e->notes[0].account, "alice");
  EXPECT_EQ(e->notes[0].at_ms, 3000);
  EXPECT_EQ(e->notes[0].text, "已完成一半河段");
  EXPECT_EQ(e->notes[1].text, "验收中");

  // Done remembers when; done again keeps the first day; reopened forgets it.
  ASSERT_TRUE(store->update_ledger_entry(1, std::nullopt, std::string("done"), 5000));
  ASSERT_TRUE(store->update_ledger_entry(1, std::nullopt, std::string("done"), 9000));
  EXPECT_EQ(store->ledger_entry(1)->done_ms, 5000);
  ASSERT_TRUE(store->update_ledger_entry(1, std::nullopt, std::string("open"), 10000));
  EXPECT_FALSE(store->ledger_entry(1)->done_ms);
  EXPECT_EQ(store->ledger_entry(1)->status, "open");

  // Reopened, the store gives back the same.
  store.reset();
  store = open();
  EXPECT_EQ(store->ledger_entry(1)->notes.size(), 2u);
  EXPECT_EQ(store->ledger_entry(1)->due, "2026-07-31");
}

TEST_P(LedgerContract, AnUnknownEntryIsNotFoundAndNothingChanges) {
  auto store = open();
  StoredHearing h(*store);
  ASSERT_TRUE(store->take_into_ledger({commitment(h.engine.state.def.id, "I1", 1, "6月底前完成清淤")}));
  EXPECT_EQ(store->update_ledger_entry(7, std::string("2026-07-31"), std::nullopt, 1).error().code,
            core::ErrorCode::not_found);
  EXPECT_EQ(store->add_ledger_note(7, LedgerNote{"alice", 1, "x"}).error().code, core::ErrorCode::not_found);
  EXPECT_FALSE(store->ledger_entry(7));
  EXPECT_EQ(count("SELECT COUNT(*) FROM ledger_notes"), 0);
  EXPECT_EQ(store->ledger_entry(1)->due, "2026-06-30");
}

// The status is one of three: the database itself refuses another, and the entry keeps its own.
TEST_P(LedgerContract, AStatusOutsideTheThreeIsRefused) {
  auto store = open();
  StoredHearing h(*store);
  ASSERT_TRUE(store->take_into_ledger({commitment(h.engine.state.def.id, "I1", 1, "6月底前完成清淤")}));
  EXPECT_FALSE(store->update_ledger_entry(1, std::string("2026-08-31"), std::string("overdue"), 1));
  EXPECT_EQ(store->ledger_entry(1)->status, "open");
  EXPECT_EQ(store->ledger_entry(1)->due, "2026-06-30");  // the whole change was rolled back
}

}  // namespace
}  // namespace dais::store::testing
