#pragma once
// Independent checks of a database file, for the scrutineer and the operator: the hash chain and the sealed
// ballot boxes (`dais verify`), and a recount of a closed ballot from its box (`dais recount`). Both open the
// file read-only and use nothing of the live server. The database is a SQLite file or, given a postgresql://
// URL, a PostgreSQL database: either is read inside one read transaction, one consistent picture.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/state.hpp"
#include "store/store.hpp"

namespace dais::store {

struct ChainBreak {
  HearingId hearing;
  std::int64_t position = 0;  // 0: the definition or the box as a whole
  std::string what;
};

struct VerifiedHearing {
  HearingId hearing;
  std::int64_t events = 0;
  std::int64_t sealed_boxes = 0;
  std::string head_hash;
  std::int64_t paper_sheets = 0;  // sheets counted from paper (paper_sheet_counted events), every ballot
};

struct VerifyReport {
  std::vector<VerifiedHearing> verified;  // the hearings checked before the first break, or all of them
  std::optional<ChainBreak> first_break;
};

// Checks every hearing (or only `hearing`): the definition against the chain's start, every logged event's
// canonical form, prev_hash and hash, the hearing's recorded head, and every sealed box against its digest.
// An error means the file could not be read at all.
core::Result<VerifyReport> verify_file(const std::filesystem::path& path,
                                       const std::optional<HearingId>& hearing);

struct Recount {
  HearingId hearing;
  core::BallotId ballot;
  bool anonymous = true;
  std::int64_t sheets = 0;            // sheets counted: box rows, or the latest named sheet of each voter
  core::Tally recounted;              // from the box (or the named sheets) alone, with core::add_sheet
  std::optional<core::Tally> logged;  // the last LiveTallyRefreshed of the ballot: the result at close
  std::int64_t logged_position = 0;
  std::int64_t voters = 0;  // distinct voters the log says cast on a tablet: one sheet each
  // Paper sheets: handed out at the desk, and counted (two matching entries) into the box. A sheet handed
  // out and never entered was kept by its voter and is in no count.
  std::int64_t paper_handed_out = 0;
  std::int64_t paper = 0;
  bool matches() const { return logged && *logged == recounted && sheets == voters + paper; }
};

// Recounts a closed ballot. `hearing` may be left out when the file holds one hearing only.
core::Result<Recount> recount_ballot(const std::filesystem::path& path,
                                     const std::optional<HearingId>& hearing, const core::BallotId& ballot);

// The hearing a command means: the one named (if the file holds it), or the file's only hearing.
core::Result<HearingId> choose_hearing(const std::vector<HearingId>& ids,
                                       const std::optional<HearingId>& named);

}  // namespace dais::store
