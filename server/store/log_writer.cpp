#include "store/log_writer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <exception>
#include <set>

#include <nlohmann/json.hpp>

#include "store/chain.hpp"
#include "store/recovery.hpp"
#include "store/storage_error.hpp"

namespace dais::store {

namespace {

using nlohmann::json;

bool adjourns(const CommandRecord& record) {
  return std::any_of(record.events.begin(), record.events.end(), [](const core::Event& e) {
    return std::holds_alternative<core::HearingAdjourned>(e.body);
  });
}

std::int64_t logged_events(const CommandRecord& record) {
  return std::count_if(record.events.begin(), record.events.end(),
                       [](const core::Event& e) { return !core::is_secret(e); });
}

}  // namespace

template <class Db>
std::vector<core::Result<CommitInfo>> BasicLogWriter<Db>::commit(
    std::span<const CommandRecord* const> batch) {
  std::vector<core::Result<CommitInfo>> results(batch.size(), storage_error("not written"));
  try {
    typename DbTypes<Db>::Transaction tx(db_, DbTypes<Db>::TransactionKind::immediate);
    std::set<HearingId> failed;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const CommandRecord& record = *batch[i];
      if (failed.contains(record.hearing)) {
        results[i] = storage_error("not stored: an earlier command of hearing " + record.hearing +
                                   " in the same commit failed");
        continue;
      }
      results[i] = write_record(record);
      if (results[i].ok()) continue;
      failed.insert(record.hearing);
      shadows_.erase(record.hearing);
      // Some failures (disk full, I/O) make SQLite roll back the whole transaction, earlier records included.
      if (!db_.in_transaction()) throw DbTypes<Db>::lost(results[i].error().message);
    }
    tx.commit();
  } catch (const typename DbTypes<Db>::Error& e) {
    for (auto& r : results) r = storage_error(e, "committing");
    for (const CommandRecord* record : batch) shadows_.erase(record->hearing);
    return results;
  }
  if (checkpoint_due_) checkpoint();
  return results;
}

// One record in its own savepoint: its secret sheets into the box, everything else chained onto the log,
// then the idempotency record, the writer's state copy and, when due, a snapshot.
template <class Db>
core::Result<CommitInfo> BasicLogWriter<Db>::write_record(const CommandRecord& record) {
  try {
    typename DbTypes<Db>::Savepoint savepoint(db_);
    if (auto leased = check_lease(record); !leased) return leased.error();
    Head head;
    {
      // Read inside the write transaction: the file's head, whatever any other writer did before.
      auto q = db_.query("SELECT position, hash FROM heads WHERE hearing = ?");
      q.with(record.hearing);
      if (!q.next()) {
        return core::make_error(core::ErrorCode::not_found, "no hearing " + record.hearing + " in the file");
      }
      head = Head{q.int64(0), q.text(1)};
    }
    for (const core::Event& e : record.events) {
      if (const auto* sheet = std::get_if<core::SheetStored>(&e.body); sheet && core::is_secret(e)) {
        put_in_box(record.hearing, *sheet);
      } else if (std::holds_alternative<core::LiveTallyHeld>(e.body)) {
        hold_tally(record.hearing, e);
      } else if (const auto* entry = std::get_if<core::PaperEntryStored>(&e.body)) {
        keep_paper_entry(record.hearing, *entry);
      } else {
        append_to_log(record.hearing, e, head);
      }
      if (const auto* revoked = std::get_if<core::TokenRevoked>(&e.body)) {
        revoke_tokens(record.hearing, revoked->participant);  // in the same transaction as the event
      }
    }
    db_.query("UPDATE heads SET position = ?, hash = ? WHERE hearing = ?")
        .with(head.position, head.hash, record.hearing)
        .run();
    if (record.idempotency) {
      const Idempotency& idem = *record.idempotency;
      db_.query("INSERT INTO idempotency(hearing, participant, key, ack) VALUES (?, ?, ?, ?)")
          .with(record.hearing, idem.participant, idem.key, idem.ack_json)
          .run();
    }
    auto shadowed = advance_shadow(record, head);
    if (!shadowed) return shadowed.error();
    savepoint.release();
    return CommitInfo{head.position, head.hash};
  } catch (const typename DbTypes<Db>::Error& e) {
    return storage_error(e, "storing a command of hearing " + record.hearing);
  } catch (const std::exception& e) {
    return storage_error("storing a command of hearing " + record.hearing + " failed: " + e.what());
  }
}

// Fencing between nodes sharing the database (docs/storage.md, "Leases"): a record is stored only while its
// hearing's lease is this node's at the epoch the record was decided under. Read inside the commit's
// transaction, so no takeover can slip in between this check and the commit.
template <class Db>
core::Result<bool> BasicLogWriter<Db>::check_lease(const CommandRecord& record) {
  if (options_.node.empty()) return true;  // the only node: no leases
  if (!record.lease_epoch) {
    return storage_error("a command of hearing " + record.hearing + " carries no lease epoch; node " +
                         options_.node + " stores commands only under a lease");
  }
  const std::int64_t held = *record.lease_epoch;
  auto q = db_.query(std::string("SELECT owner, epoch FROM hearing_leases WHERE hearing = ?") +
                     DbTypes<Db>::lock_lease);
  q.with(record.hearing);
  if (!q.next()) {
    return core::make_error(
        core::ErrorCode::storage_failed,
        "hearing " + record.hearing + " has no lease (this node held epoch " + std::to_string(held) + ")",
        core::ErrorParams{{"lease_epoch", held}, {"owner", std::string()}});
  }
  std::string owner = q.text(0);
  const std::int64_t epoch = q.int64(1);
  if (owner == options_.node && epoch == held) return true;
  std::string message = "hearing " + record.hearing + " moved to node " + owner + " (lease epoch " +
                        std::to_string(epoch) + ", this node held " + std::to_string(held) + ")";
  return core::make_error(core::ErrorCode::storage_failed, std::move(message),
                          core::ErrorParams{{"lease_epoch", held}, {"owner", std::move(owner)}});
}

template <class Db>
void BasicLogWriter<Db>::put_in_box(const HearingId& hearing, const core::SheetStored& sheet) {
  // A changed sheet replaces its row in place: the box holds one row per receipt, never a history.
  db_.query(
         "INSERT INTO ballot_box(hearing, ballot, receipt_hash, tally_group, marks, change_tag) "
         "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(hearing, ballot, receipt_hash) DO UPDATE SET "
         "tally_group = excluded.tally_group, marks = excluded.marks, change_tag = excluded.change_tag")
      .with(hearing, sheet.ballot, sheet.receipt_hash, sheet.entry.group, json(sheet.entry.marks).dump(),
            sheet.entry.change_tag)
      .run();
}

template <class Db>
void BasicLogWriter<Db>::keep_paper_entry(const HearingId& hearing, const core::PaperEntryStored& stored) {
  db_.query(
         "INSERT INTO paper_entries(hearing, ballot, sheet, entered_by, marks, tally_group) "
         "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(hearing, ballot, sheet, entered_by) "
         "DO UPDATE SET marks = excluded.marks, tally_group = excluded.tally_group")
      .with(hearing, stored.ballot, stored.entry.sheet, stored.entry.by, json(stored.entry.marks).dump(),
            stored.entry.group)
      .run();
}

// One row per open ballot: each step of k sheets replaces the count held back from the one before.
template <class Db>
void BasicLogWriter<Db>::hold_tally(const HearingId& hearing, const core::Event& held) {
  db_.query(
         "INSERT INTO held_tallies(hearing, ballot, event) VALUES (?, ?, ?) "
         "ON CONFLICT(hearing, ballot) DO UPDATE SET event = excluded.event")
      .with(hearing, std::get<core::LiveTallyHeld>(held.body).ballot, core::to_json(held).dump())
      .run();
}

template <class Db>
void BasicLogWriter<Db>::append_to_log(const HearingId& hearing, const core::Event& e, Head& head) {
  const std::string body = core::to_json(e).dump();
  std::optional<std::string> digest;
  if (const auto* closed = std::get_if<core::BallotClosed>(&e.body)) {
    digest = box_digest(hearing, closed->ballot, retire_box(hearing, closed->ballot));
  }
  if (const auto* voided = std::get_if<core::BallotVoided>(&e.body))
    retire_box(hearing, voided->ballot, Retire::discarding_marks);
  // A counted paper sheet is in the box now: its entries, the losing one of a dispute too, go.
  if (const auto* counted = std::get_if<core::PaperSheetCounted>(&e.body)) {
    db_.query("DELETE FROM paper_entries WHERE hearing = ? AND ballot = ? AND sheet = ?")
        .with(hearing, counted->ballot, counted->sheet)
        .run();
  }
  const std::int64_t position = head.position + 1;
  std::string hash = event_hash(head.hash, hearing, position, body, digest);
  db_.query(
         "INSERT INTO events(hearing, position, type, body, box_digest, prev_hash, hash) "
         "VALUES (?, ?, ?, ?, ?, ?, ?)")
      .with(hearing, position, std::string(core::event_name(e.body)), body, digest, head.hash, hash)
      .run();
  head = Head{position, std::move(hash)};
}

// A ballot that closes or is voided takes no more sheets. Its box is rewritten in receipt-hash order, so that
// where a row sits in the file no longer tells when it was cast, and without change tags; its held count
// and any paper entries still waiting (a void may leave some) go. secure_delete zeroes the old cells, and the
// WAL, which still holds the cast-order history, is checkpointed and truncated after the commit. A voided box
// keeps its receipts only (core's apply does the same to the engine's box). Returns the rows, for the digest
// that seals a closed box.
template <class Db>
std::vector<BoxRow> BasicLogWriter<Db>::retire_box(const HearingId& hearing, const core::BallotId& ballot,
                                                   Retire how) {
  db_.query("DELETE FROM held_tallies WHERE hearing = ? AND ballot = ?").with(hearing, ballot).run();
  db_.query("DELETE FROM paper_entries WHERE hearing = ? AND ballot = ?").with(hearing, ballot).run();
  std::vector<BoxRow> rows = box_rows(db_, hearing, ballot);
  db_.query("DELETE FROM ballot_box WHERE hearing = ? AND ballot = ?").with(hearing, ballot).run();
  for (BoxRow& row : rows) {
    row.change_tag.reset();
    if (how == Retire::discarding_marks) row = BoxRow{row.receipt_hash, "", json(core::Marks{}).dump()};
    db_.query(
           "INSERT INTO ballot_box(hearing, ballot, receipt_hash, tally_group, marks) VALUES (?, ?, ?, ?, ?)")
        .with(hearing, ballot, row.receipt_hash, row.group, row.marks_json)
        .run();
  }
  checkpoint_due_ = true;
  return rows;
}

template <class Db>
void BasicLogWriter<Db>::revoke_tokens(const HearingId& hearing, const core::ParticipantId& who) {
  db_.query("UPDATE tokens SET revoked = 1 WHERE hearing = ? AND participant = ?").with(hearing, who).run();
}

// Keeps the writer's copy of the state in step with the file and writes a snapshot every snapshot_every
// events and at adjournment. Runs inside the record's savepoint, after its rows are written.
template <class Db>
core::Result<bool> BasicLogWriter<Db>::advance_shadow(const CommandRecord& record, const Head& head) {
  const std::int64_t before = head.position - logged_events(record);
  auto it = shadows_.find(record.hearing);
  if (it != shadows_.end() && it->second.state.event_count != before) {
    shadows_.erase(it);  // the file moved on without this copy (another writer): rebuild it
    it = shadows_.end();
  }
  if (it == shadows_.end()) {
    // Rebuilt from the file as it is now, this record's rows included: nothing left to apply.
    auto recovered = recover_hearing(db_, record.hearing);
    if (!recovered) return recovered.error();
    it = shadows_.emplace(record.hearing, Shadow{std::move(recovered->state), recovered->snapshot_position})
             .first;
  } else {
    for (const core::Event& e : record.events) core::apply(it->second.state, e);
  }
  Shadow& shadow = it->second;
  if (head.position - shadow.snapshot_position >= options_.snapshot_every || adjourns(record)) {
    db_.query(
           "INSERT INTO snapshots(hearing, position, state) VALUES (?, ?, ?) ON CONFLICT(hearing) DO UPDATE "
           "SET position = excluded.position, state = excluded.state")
        .with(record.hearing, head.position,
              core::state_to_json(shadow.state, /*include_secret=*/false).dump())
        .run();
    shadow.snapshot_position = head.position;
  }
  return true;
}

template <>
void BasicLogWriter<sql::Database>::checkpoint() {
  int log_frames = 0;
  int checkpointed = 0;
  // Never wait for readers here (a backup may be reading for a while): the hearing's commands would wait too.
  // Busy means a reader is still on an older version of the file; then it is tried again after the next
  // commit.
  db_.set_busy_timeout(std::chrono::milliseconds(0));
  int rc = sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log_frames,
                                     &checkpointed);
  db_.set_busy_timeout(options_.busy_timeout);
  checkpoint_due_ = rc != SQLITE_OK;
}

// PostgreSQL's WAL belongs to the server, which recycles it on its own schedule (docs/storage.md says what it
// still holds).
template <>
void BasicLogWriter<pg::Connection>::checkpoint() {
  checkpoint_due_ = false;
}

DbTypes<sql::Database>::Error DbTypes<sql::Database>::lost(const std::string& why) {
  return Error(SQLITE_ABORT, why);
}

template class BasicLogWriter<sql::Database>;
template class BasicLogWriter<pg::Connection>;

}  // namespace dais::store
