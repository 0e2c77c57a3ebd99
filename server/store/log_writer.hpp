#pragma once
// Group commit: a batch of records in one transaction, a savepoint per record. A record that fails is rolled
// back to its savepoint, and every later record of the same hearing in the batch is refused too (it was
// decided on top of the failed one); records of other hearings go on. If the transaction as a whole is lost
// (COMMIT fails, or SQLite rolls everything back after disk full or an I/O error), every record of the batch
// fails. Nothing is reported committed that was not stored. Used by the store's writer thread only. Written
// once for SQLite and PostgreSQL (store/db.hpp).
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "store/chain.hpp"
#include "store/db.hpp"
#include "store/store.hpp"

namespace dais::store {

template <class Db>
class BasicLogWriter {
 public:
  BasicLogWriter(Db& db, const StoreOptions& options) : db_(db), options_(options) {}

  // One outcome per record, in order.
  std::vector<core::Result<CommitInfo>> commit(std::span<const CommandRecord* const> batch);
  // Drops the writer's copy of a hearing whose definition was replaced (a draft): rebuilt when next needed.
  void forget(const HearingId& hearing) { shadows_.erase(hearing); }

 private:
  struct Head {
    std::int64_t position = 0;
    std::string hash;
  };
  // The writer's own copy of a hearing's state, for snapshots. Dropped whenever a write of the hearing fails,
  // and rebuilt from the file when next needed.
  struct Shadow {
    core::HearingState state;
    std::int64_t snapshot_position = 0;
  };

  core::Result<CommitInfo> write_record(const CommandRecord& record);
  core::Result<bool> check_lease(const CommandRecord& record);
  void put_in_box(const HearingId& hearing, const core::SheetStored& sheet);
  void hold_tally(const HearingId& hearing, const core::Event& held);
  void keep_paper_entry(const HearingId& hearing, const core::PaperEntryStored& stored);
  void append_to_log(const HearingId& hearing, const core::Event& e, Head& head);
  enum class Retire { keeping_marks, discarding_marks };
  std::vector<BoxRow> retire_box(const HearingId& hearing, const core::BallotId& ballot,
                                 Retire how = Retire::keeping_marks);
  void revoke_tokens(const HearingId& hearing, const core::ParticipantId& who);
  core::Result<bool> advance_shadow(const CommandRecord& record, const Head& head);
  void checkpoint();

  Db& db_;
  const StoreOptions& options_;
  std::map<HearingId, Shadow> shadows_;
  bool checkpoint_due_ = false;
};

using LogWriter = BasicLogWriter<sql::Database>;
using PgLogWriter = BasicLogWriter<pg::Connection>;

}  // namespace dais::store
