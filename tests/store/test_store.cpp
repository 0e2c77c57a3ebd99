// The store's contract, on a real SQLite file and on a real PostgreSQL database (backend_fixture.hpp): import
// and tokens, commits and their positions, recovery to the exact state, snapshots, idempotency, receipts, the
// log, flush and shutdown.
#include "backend_fixture.hpp"
#include "store/recovery.hpp"

namespace dais::store::testing {
namespace {

using core::Role;

class StoreContract : public BackendTest {
 protected:
  // What is stored, to show that nothing changed: the file's bytes, or the database's rows.
  std::string stored_rows() {
    if (!postgres()) return read_bytes(location());
    return on_database([](auto& db) {
      std::string all;
      for (const char* table :
           {"hearings", "heads", "tokens", "events", "ballot_box", "idempotency", "snapshots"}) {
        auto q = db.query(std::string("SELECT CAST(t AS TEXT) FROM ") + table + " t ORDER BY 1");
        while (q.next()) all += q.text(0) + "\n";
      }
      return all;
    });
  }
};
DAIS_ON_BOTH_BACKENDS(StoreContract);

// Plays a hearing through a per-presenter anonymous ballot, a named ballot that a voter changes, and a
// combined ballot that is changed and left open, with inquiries in between.
void play_hearing(StoredHearing& h) {
  h.start();
  h.run("chair", core::CallSlot{"S1"});
  h.run("chair", core::BeginStage{"S1", core::Stage::reporting});
  h.run("chair", core::BeginStage{"S1", core::Stage::questioning});
  h.run("Q1", core::SubmitInquiry{"S1", "请谈谈整改落实情况", std::nullopt});
  h.run("chair", core::ApproveInquiry{"I1"});
  h.run("chair", core::AskInquiry{"I1"});
  h.run("secretary", core::AnswerInquiry{"I1", "已制定整改清单"});
  const core::BallotId each = h.open_ballot("each");
  h.cast("V1", each, "good");
  h.cast("V2", each, "fair");
  h.cast("Q1", each, "good");
  h.cast("V3", each, "poor");
  h.run("chair", core::CloseBallot{each});
  const core::BallotId named = h.open_ballot("each_named", "S2");
  h.cast("V1", named, "good");
  h.cast("V2", named, "average");
  h.run("V2", core::CastSheet{named, marks_for({"S2"}, {"duty", "integrity"}, "good"),
                              receipt_of(StoredHearing::secret("V2", named))});
  h.run("chair", core::CloseBallot{named});
  const core::BallotId combined = h.open_ballot("combined", std::nullopt);
  h.cast("V4", combined, "satisfied");
  h.cast("V5", combined, "basic");
  h.run("V4", core::CastSheet{combined, marks_for({"S1", "S2", "S3"}, {"overall"}, "unsatisfied"),
                              receipt_of(StoredHearing::secret("V4", combined))});
}

TEST_P(StoreContract, ImportIssuesOneTokenPerParticipantAndKeepsOnlyTheirHashes) {
  auto store = open();
  StoredHearing h(*store);
  ASSERT_EQ(h.tokens.size(), h.engine.state.def.participants.size());
  for (const IssuedToken& t : h.tokens) {
    auto owner = store->find_token(t.token);
    ASSERT_TRUE(owner.has_value()) << t.participant;
    EXPECT_EQ(owner->participant, t.participant);
    EXPECT_EQ(owner->hearing, h.id());
  }
  EXPECT_FALSE(store->find_token("not-a-token").has_value());
  EXPECT_EQ(store->hearings(), std::vector<HearingId>{h.id()});
  store.reset();
  // Every stored text of the tokens table: hashes, never a token.
  const std::string stored = on_database([](auto& db) {
    std::string all;
    auto q = db.query("SELECT token_hash, hearing, participant FROM tokens");
    while (q.next()) all += q.text(0) + " " + q.text(1) + " " + q.text(2) + "\n";
    return all;
  });
  for (const IssuedToken& t : h.tokens) {
    EXPECT_EQ(stored.find(t.token), std::string::npos) << "a token is stored";
    EXPECT_NE(stored.find(sha256_hex(t.token)), std::string::npos) << "a token's hash is missing";
  }
}

TEST_P(StoreContract, ImportingAHearingTwiceIsAConflictAndChangesNothing) {
  auto store = open();
  StoredHearing h(*store);
  auto again = store->import_hearing(h.engine.state.def);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(count("SELECT count(*) FROM tokens"),
            static_cast<std::int64_t>(h.engine.state.def.participants.size()));
}

TEST_P(StoreContract, RevokedTokensStopWorkingAndAReissuedOneWorks) {
  auto store = open();
  StoredHearing h(*store);
  const IssuedToken old = h.tokens.at(5);
  ASSERT_TRUE(store->revoke_tokens(h.id(), old.participant).ok());
  EXPECT_FALSE(store->find_token(old.token).has_value());
  auto fresh = store->reissue_token(h.id(), old.participant);
  ASSERT_TRUE(fresh.ok()) << fresh.error().message;
  EXPECT_NE(fresh->token, old.token);
  EXPECT_EQ(store->find_token(fresh->token)->participant, old.participant);
  EXPECT_FALSE(store->find_token(old.token).has_value());
  auto second = store->reissue_token(h.id(), old.participant);
  EXPECT_FALSE(store->find_token(fresh->token).has_value()) << "reissuing revokes the previous token";
  EXPECT_TRUE(store->find_token(second->token).has_value());
  EXPECT_EQ(store->reissue_token(h.id(), "nobody").error().code, core::ErrorCode::not_found);
  EXPECT_EQ(store->revoke_tokens("no-such-hearing", old.participant).error().code,
            core::ErrorCode::not_found);
}

TEST_P(StoreContract, ADraftIsRedefinedWithTokensForWhoCameAndNoneForWhoLeft) {
  auto store = open();
  StoredHearing h(*store);
  core::HearingDefinition next = h.engine.state.def;
  next.title = "改定的测评会";
  const IssuedToken gone = h.tokens.back();
  const IssuedToken kept = h.tokens.front();
  next.participants.pop_back();
  core::Participant fresh = next.participants.front();
  fresh.id = "NEW1";
  fresh.name = "新增人员";
  fresh.roles = core::RoleSet{core::Role::questioner};
  next.participants.push_back(fresh);
  auto issued = store->redefine_draft(next);
  ASSERT_TRUE(issued.ok()) << issued.error().message;
  ASSERT_EQ(issued->size(), 1u);
  EXPECT_EQ(issued->front().participant, "NEW1");
  EXPECT_EQ(store->find_token(issued->front().token)->participant, "NEW1");
  EXPECT_TRUE(store->find_token(kept.token).has_value()) << "who stays keeps their link";
  EXPECT_FALSE(store->find_token(gone.token).has_value());
  EXPECT_EQ(count("SELECT count(*) FROM tokens WHERE participant = '" + gone.participant + "'"), 0);
  auto loaded = store->load(h.id());
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->def, next);
  // The chain now starts from the new definition: a command logged after it verifies on load and on audit.
  h.engine.state = *loaded;
  h.run("chair", core::OpenCheckIn{});
  EXPECT_EQ(store->head_hash(h.id()).size(), 64u);
  EXPECT_TRUE(store->load(h.id()).ok());
}

TEST_P(StoreContract, ADraftWhoseLogHasBegunCannotBeRedefined) {
  auto store = open();
  StoredHearing h(*store);
  h.run("chair", core::OpenCheckIn{});
  const std::string before = stored_rows();
  core::HearingDefinition next = h.engine.state.def;
  next.title = "太晚了";
  auto r = store->redefine_draft(next);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(stored_rows(), before);
  next.id = "no-such-hearing";
  EXPECT_EQ(store->redefine_draft(next).error().code, core::ErrorCode::not_found);
}

// A rehearsal (演练) run through check-in, a ballot and its sheets, then reset: the hearing is a clean draft
// again, its log moved to rehearsal_events as run 1, nothing of it left in the log, the boxes or the
// idempotency records, and a second run starts its chain afresh.
TEST_P(StoreContract, ARehearsalIsResetToACleanDraftWithItsLogKeptApart) {
  auto store = open();
  StoredHearing h(*store);
  core::HearingDefinition rehearsal = h.engine.state.def;
  rehearsal.settings.rehearsal = true;
  ASSERT_TRUE(store->redefine_draft(rehearsal).ok());
  h.engine.state = *store->load(h.id());
  h.start();
  const core::BallotId ballot = h.open_ballot("each");
  h.cast("V1", ballot, "good");
  h.run("secretary", core::HandOutPaperSheet{ballot, "V2"});
  h.run("secretary", core::EnterPaperSheet{ballot, 1, marks_for({"S1"}, {"duty"}, "fair"), receipt(77)});
  const std::int64_t logged = count("SELECT count(*) FROM events");
  ASSERT_GT(logged, 0);
  ASSERT_GT(count("SELECT count(*) FROM ballot_box"), 0);
  ASSERT_GT(count("SELECT count(*) FROM paper_entries"), 0);

  auto run = store->reset_rehearsal(h.id());
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(*run, 1);
  for (const char* table :
       {"events", "ballot_box", "held_tallies", "paper_entries", "idempotency", "snapshots"}) {
    EXPECT_EQ(count(std::string("SELECT count(*) FROM ") + table), 0) << table;
  }
  EXPECT_EQ(count("SELECT count(*) FROM rehearsal_events WHERE run = 1"), logged);
  auto fresh = store->load(h.id());
  ASSERT_TRUE(fresh.ok()) << fresh.error().message;
  EXPECT_EQ(fresh->phase, core::Phase::draft);
  EXPECT_EQ(fresh->event_count, 0);
  EXPECT_EQ(fresh->def, rehearsal);
  for (const IssuedToken& t : h.tokens) EXPECT_TRUE(store->find_token(t.token).has_value()) << t.participant;

  h.engine.state = *fresh;
  h.run("chair", core::OpenCheckIn{});
  EXPECT_TRUE(store->load(h.id()).ok()) << "the second run chains from the definition again";
  EXPECT_EQ(*store->reset_rehearsal(h.id()), 2);
  EXPECT_EQ(count("SELECT count(*) FROM rehearsal_events WHERE run = 2"), 1);
}

TEST_P(StoreContract, AHearingThatIsNotARehearsalIsNeverReset) {
  auto store = open();
  StoredHearing h(*store);
  h.start();
  const std::string before = stored_rows();
  auto r = store->reset_rehearsal(h.id());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::not_allowed);
  EXPECT_EQ(stored_rows(), before);
  EXPECT_EQ(store->reset_rehearsal("no-such-hearing").error().code, core::ErrorCode::not_found);
}

TEST_P(StoreContract, ReissuingEveryTokenAtOnceRetiresEveryEarlierOne) {
  auto store = open();
  StoredHearing h(*store);
  std::vector<core::ParticipantId> who;
  for (const IssuedToken& t : h.tokens) who.push_back(t.participant);
  auto issued = store->reissue_tokens(h.id(), who);
  ASSERT_TRUE(issued.ok()) << issued.error().message;
  ASSERT_EQ(issued->size(), who.size());
  for (std::size_t i = 0; i < who.size(); ++i) {
    EXPECT_EQ((*issued)[i].participant, who[i]);
    EXPECT_EQ(store->find_token((*issued)[i].token)->participant, who[i]);
    EXPECT_FALSE(store->find_token(h.tokens[i].token).has_value());
  }
  // One unknown participant and nobody's token changes.
  const std::string before = stored_rows();
  EXPECT_EQ(store->reissue_tokens(h.id(), {who.front(), "nobody"}).error().code, core::ErrorCode::not_found);
  EXPECT_EQ(stored_rows(), before);
  EXPECT_TRUE(store->find_token(issued->front().token).has_value());
}

TEST_P(StoreContract, ATokenRevokedEventRevokesInTheSameCommit) {
  auto store = open();
  StoredHearing h(*store);
  const IssuedToken v1 = h.tokens.at(10);
  h.run("chair", core::RevokeToken{v1.participant});
  EXPECT_FALSE(store->find_token(v1.token).has_value());
}

TEST_P(StoreContract, CommitsReportTheLogPositionAndHeadHash) {
  auto store = open();
  StoredHearing h(*store);
  const std::string genesis = store->head_hash(h.id());
  EXPECT_EQ(genesis.size(), 64u);
  CommitInfo first = h.run("chair", core::OpenCheckIn{});
  EXPECT_EQ(first.log_position, 1);
  EXPECT_EQ(first.log_position, h.engine.state.event_count);
  EXPECT_NE(first.head_hash, genesis);
  EXPECT_EQ(store->head_hash(h.id()), first.head_hash);
  CommitInfo second = h.run("V1", core::CheckIn{});
  EXPECT_EQ(second.log_position, 2);
  EXPECT_EQ(store->head_hash(h.id()), second.head_hash);
  EXPECT_EQ(store->head_hash("no-such-hearing"), "");
}

TEST_P(StoreContract, ReopenedHearingsLoadToExactlyTheStateTheEngineHad) {
  std::string expected;
  HearingId id;
  {
    auto store = open();
    StoredHearing h(*store);
    play_hearing(h);
    expected = canonical(h.engine.state);
    id = h.id();
    // The live store loads the same state too.
    auto live = store->load(id);
    ASSERT_TRUE(live.ok()) << live.error().message;
    EXPECT_EQ(canonical(*live), expected);
  }
  auto store = open();
  auto loaded = store->load(id);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(canonical(*loaded), expected);
  EXPECT_EQ(store->load("no-such-hearing").error().code, core::ErrorCode::not_found);
}

TEST_P(StoreContract, AnonymousSheetsGoToTheBoxAndEverythingElseToTheLog) {
  auto store = open();
  StoredHearing h(*store);
  play_hearing(h);
  auto log = store->read_log(h.id());
  ASSERT_TRUE(log.ok());
  std::vector<core::Event> logged;
  for (const core::Event& e : h.engine.log) {
    if (!core::is_secret(e)) logged.push_back(e);
  }
  ASSERT_EQ(log->size(), logged.size());
  for (std::size_t i = 0; i < logged.size(); ++i) {
    EXPECT_EQ(core::to_json((*log)[i]).dump(), core::to_json(logged[i]).dump()) << "event " << i + 1;
  }
  auto tail = store->read_log(h.id(), static_cast<std::int64_t>(logged.size()) - 2);
  ASSERT_EQ(tail->size(), 2u);
  EXPECT_EQ(core::to_json(tail->back()).dump(), core::to_json(logged.back()).dump());
  EXPECT_EQ(store->read_log("nope").error().code, core::ErrorCode::not_found);
  // B1 (4 sheets) and B3 (2 receipts, one changed) are anonymous; B2 is named and logged.
  EXPECT_EQ(count("SELECT count(*) FROM ballot_box WHERE ballot = 'B1'"), 4);
  EXPECT_EQ(count("SELECT count(*) FROM ballot_box WHERE ballot = 'B2'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM ballot_box WHERE ballot = 'B3'"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM events WHERE type = 'sheet_stored'"), 3);
}

TEST_P(StoreContract, ReceiptsAreFoundInTheBoxAndInTheNamedSheets) {
  auto store = open();
  StoredHearing h(*store);
  play_hearing(h);
  EXPECT_TRUE(*store->receipt_in_box(h.id(), "B1", receipt_of(StoredHearing::secret("V2", "B1"))));
  EXPECT_TRUE(*store->receipt_in_box(h.id(), "B2", receipt_of(StoredHearing::secret("V2", "B2"))));
  EXPECT_TRUE(*store->receipt_in_box(h.id(), "B3", receipt_of(StoredHearing::secret("V4", "B3"))));
  EXPECT_FALSE(*store->receipt_in_box(h.id(), "B1", receipt_of(StoredHearing::secret("V5", "B1"))));
  EXPECT_FALSE(*store->receipt_in_box(h.id(), "B3", receipt_of(StoredHearing::secret("V2", "B1"))));
  EXPECT_EQ(store->receipt_in_box("nope", "B1", "x").error().code, core::ErrorCode::not_found);
}

TEST_P(StoreContract, IdempotencyRecordsReturnTheAckAndNeverTheReceipt) {
  auto store = open();
  StoredHearing h(*store);
  h.start();
  const core::BallotId b = h.open_ballot("each");
  h.run("V1", core::CastSheet{b, marks_for({"S1"}, {"duty", "integrity"}, "good"), receipt_of("r-v1")},
        Idempotency{"V1", "k-17", R"({"id":"c5","seq":9,"type":"ack"})"});
  EXPECT_EQ(store->find_idempotent_ack(h.id(), "V1", "k-17"), R"({"id":"c5","seq":9,"type":"ack"})");
  EXPECT_EQ(store->find_idempotent_ack(h.id(), "V1", "k-18"), std::nullopt);
  EXPECT_EQ(store->find_idempotent_ack(h.id(), "V2", "k-17"), std::nullopt);
  // The same key again is refused as a whole: nothing of the second record is stored.
  const std::int64_t before = count("SELECT count(*) FROM events");
  auto events =
      h.engine.ok("V2", core::CastSheet{b, marks_for({"S1"}, {"duty"}, "good"), receipt_of("r-v2")});
  auto r = commit(*store, CommandRecord{h.id(), events, Idempotency{"V1", "k-17", "{}"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::storage_failed);
  EXPECT_EQ(count("SELECT count(*) FROM events"), before);
  EXPECT_FALSE(*store->receipt_in_box(h.id(), b, receipt_of("r-v2")));
}

TEST_P(StoreContract, SnapshotsAreTakenEveryNEventsAndAtAdjournmentAndKeptOnlyOnce) {
  auto store = open(StoreOptions{.path = location(), .snapshot_every = 7});
  StoredHearing h(*store);
  play_hearing(h);
  EXPECT_EQ(count("SELECT count(*) FROM snapshots"), 1);
  const std::int64_t head = h.engine.state.event_count;
  const std::int64_t at = count("SELECT position FROM snapshots");
  EXPECT_GT(at, head - 7 - 3);  // a record holds at most a few events
  EXPECT_LE(at, head);
  h.cast("V6", "B3", "basic");  // the k-th sheet: an anonymous ballot is counted from k sheets on
  h.run("chair", core::CloseBallot{"B3"});
  h.run("chair", core::Adjourn{});
  EXPECT_EQ(count("SELECT position FROM snapshots"), h.engine.state.event_count);
  // The snapshot never holds a box: no receipt hash is in it.
  const std::string state = on_database([](auto& db) {
    auto q = db.query("SELECT state FROM snapshots");
    return q.next() ? q.text(0) : std::string();
  });
  ASSERT_FALSE(state.empty());
  EXPECT_EQ(state.find(receipt_of(StoredHearing::secret("V1", "B1"))), std::string::npos);
  EXPECT_EQ(state.find(receipt_of(StoredHearing::secret("V4", "B3"))), std::string::npos);
  auto loaded = store->load(h.id());
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(canonical(*loaded), canonical(h.engine.state));
}

TEST_P(StoreContract, RecoveryUsesTheSnapshotAndTheLogTail) {
  HearingId id;
  std::string expected;
  {
    auto store = open(StoreOptions{.path = location(), .snapshot_every = 5});
    StoredHearing h(*store);
    play_hearing(h);
    id = h.id();
    expected = canonical(h.engine.state);
  }
  auto recovered = on_database([&](auto& db) { return recover_hearing(db, id); });
  ASSERT_TRUE(recovered.ok()) << recovered.error().message;
  EXPECT_GT(recovered->snapshot_position, 0);
  EXPECT_EQ(canonical(recovered->state), expected);
}

TEST_P(StoreContract, ADamagedSnapshotIsIgnoredAndTheLogReplayed) {
  HearingId id;
  std::string expected;
  {
    auto store = open(StoreOptions{.path = location(), .snapshot_every = 5});
    StoredHearing h(*store);
    play_hearing(h);
    id = h.id();
    expected = canonical(h.engine.state);
  }
  exec("UPDATE snapshots SET state = '{\"broken\":true}'");
  auto store = open();
  auto loaded = store->load(id);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(canonical(*loaded), expected);
}

TEST_P(StoreContract, FlushWaitsForEverySubmittedRecord) {
  auto store = open();
  StoredHearing h(*store);
  h.run("chair", core::OpenCheckIn{});
  std::atomic<int> committed{0};
  std::vector<std::string> voters = ids_with_role(h.engine.state.def, Role::voter);
  for (const std::string& v : voters) {
    store->submit(CommandRecord{h.id(), h.engine.ok(v, core::CheckIn{}), std::nullopt},
                  [&committed](core::Result<CommitInfo> r) {
                    if (r.ok()) ++committed;
                  });
  }
  store->flush();
  EXPECT_EQ(committed.load(), static_cast<int>(voters.size()));
  EXPECT_EQ(count("SELECT position FROM heads"), h.engine.state.event_count);
}

TEST_P(StoreContract, ClosingTheStoreWritesEverythingQueuedFirst) {
  std::atomic<int> committed{0};
  std::string expected;
  HearingId id;
  {
    auto store = open();
    StoredHearing h(*store);
    h.run("chair", core::OpenCheckIn{});
    for (const std::string& v : ids_with_role(h.engine.state.def, Role::voter)) {
      store->submit(CommandRecord{h.id(), h.engine.ok(v, core::CheckIn{}), std::nullopt},
                    [&committed](core::Result<CommitInfo> r) {
                      if (r.ok()) ++committed;
                    });
    }
    expected = canonical(h.engine.state);
    id = h.id();
  }
  EXPECT_EQ(committed.load(), 9);
  auto store = open();
  EXPECT_EQ(canonical(*store->load(id)), expected);
}

TEST_P(StoreContract, AReadOnlyStoreReadsButRefusesEveryWrite) {
  HearingId id;
  {
    auto store = open();
    StoredHearing h(*store);
    h.start();
    id = h.id();
  }
  const std::string before = stored_rows();
  auto store = open(StoreOptions{.path = location(), .read_only = true});
  EXPECT_TRUE(store->load(id).ok());
  auto r = commit(*store, CommandRecord{id, {core::Event{1, core::SessionPaused{}}}, std::nullopt});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("read-only"), std::string::npos);
  EXPECT_FALSE(store->import_hearing(make_definition()).ok());
  EXPECT_FALSE(store->reissue_token(id, "V1").ok());
  store.reset();
  EXPECT_EQ(stored_rows(), before);
}

TEST_P(StoreContract, SeveralHearingsShareOneFileWithSeparateChains) {
  auto store = open();
  StoredHearing a(*store);
  core::HearingDefinition other = make_definition();
  other.id = "second-hearing";
  auto tokens = store->import_hearing(other);
  ASSERT_TRUE(tokens.ok());
  TestHearing b(other);
  a.run("chair", core::OpenCheckIn{});
  auto r = commit(*store, CommandRecord{other.id, b.ok("chair", core::OpenCheckIn{}), std::nullopt});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->log_position, 1);
  EXPECT_NE(store->head_hash(a.id()), store->head_hash(other.id));
  EXPECT_EQ(store->hearings(), (std::vector<HearingId>{"second-hearing", "test-hearing"}));
}

Account account(const std::string& name, const std::string& role, const std::string& hash, std::int64_t at) {
  Account a;
  a.name = name;
  a.role = role;
  a.password_hash = hash;
  a.created_ms = at;
  return a;
}

TEST_P(StoreContract, AccountsAreAddedFoundLockedAndRemoved) {
  auto store = open();
  ASSERT_TRUE(store->add_account(account("li", "organizer", "hash-1", 1000)).ok());
  ASSERT_TRUE(store->add_account(account("chen", "observer", "hash-2", 2000)).ok());
  EXPECT_EQ(store->add_account(account("li", "observer", "hash-3", 3000)).error().code,
            core::ErrorCode::conflict);
  auto all = store->accounts();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "chen");  // by name
  EXPECT_EQ(all[1].role, "organizer");
  EXPECT_EQ(all[1].password_hash, "hash-1");

  ASSERT_EQ(*store->record_failed_sign_in("li", 5000, 2, 60000), std::nullopt);
  EXPECT_EQ(store->find_account("li")->failed_sign_ins, 1);
  EXPECT_EQ(*store->record_failed_sign_in("li", 6000, 2, 60000), std::optional<std::int64_t>(66000));
  EXPECT_EQ(store->find_account("li")->locked_until_ms, 66000);
  ASSERT_TRUE(store->set_password("li", "hash-4").ok());  // also lifts the lock
  auto li = store->find_account("li");
  EXPECT_EQ(li->password_hash, "hash-4");
  EXPECT_EQ(li->locked_until_ms, std::nullopt);
  EXPECT_EQ(li->failed_sign_ins, 0);
  ASSERT_TRUE(store->record_sign_in("li", 7000).ok());
  EXPECT_EQ(store->find_account("li")->last_sign_in_ms, 7000);

  EXPECT_EQ(store->set_password("nobody", "x").error().code, core::ErrorCode::not_found);
  EXPECT_EQ(store->record_failed_sign_in("nobody", 1, 2, 3).error().code, core::ErrorCode::not_found);
  ASSERT_TRUE(store->remove_account("chen").ok());
  EXPECT_EQ(store->remove_account("chen").error().code, core::ErrorCode::not_found);
  EXPECT_EQ(store->find_account("chen"), std::nullopt);
  EXPECT_EQ(store->accounts().size(), 1u);
}

}  // namespace
}  // namespace dais::store::testing
