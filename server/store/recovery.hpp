#pragma once
// Rebuilding a hearing from the file: the latest snapshot (or the definition), the log after it, then the
// ballot boxes. Used by Store::load on the read connection and by the writer for its own copy of each state.
// `Db` is a SQLite database (sql::Database) or a PostgreSQL connection (pg::Connection): the same SQL runs on
// both.
#include <cstdint>
#include <string>
#include <vector>

#include "core/engine.hpp"
#include "store/chain.hpp"
#include "store/pg.hpp"
#include "store/sqlite.hpp"

namespace dais::store {

struct RecoveredHearing {
  core::HearingState state;
  std::int64_t snapshot_position = 0;  // 0: rebuilt from the definition alone
};

// Call inside a transaction, so that the snapshot, the log and the boxes are read from one version of the
// file.
template <class Db>
core::Result<RecoveredHearing> recover_hearing(Db& db, const std::string& hearing);

// The definition as stored at import.
template <class Db>
core::Result<core::HearingDefinition> stored_definition(Db& db, const std::string& hearing);

// One ballot's box, in receipt-hash order.
template <class Db>
std::vector<BoxRow> box_rows(Db& db, const std::string& hearing, const core::BallotId& ballot);

// A box row as the event it was made from: SheetStored with no voter and no time.
core::Result<core::Event> box_row_event(const std::string& ballot, const BoxRow& row);

}  // namespace dais::store
