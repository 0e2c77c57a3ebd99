#pragma once
// The tamper-evident log. Every logged event is chained to the one before it:
//   hash = SHA-256(prev_hash || canonical {"box_digest"?, "event", "hearing", "position"})
// where canonical means nlohmann::json::dump() (sorted keys, no whitespace) and the first prev_hash is the
// SHA-256 of the hearing's canonical definition, so the definition is covered too. Closing an anonymous
// ballot adds the digest of its ballot box to the BallotClosed row. docs/storage.md spells this out for
// auditors.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dais::store {

// One ballot-box row as stored: no voter, no time, found only by the hash of the receipt.
struct BoxRow {
  std::string receipt_hash;
  std::string group;
  std::string marks_json;                                // canonical JSON of core::Marks
  std::optional<std::string> change_tag = std::nullopt;  // open changeable ballots only; not in the seal
};

std::string genesis_hash(std::string_view definition_json);

// `event_json` must be canonical (json::dump() of the event); the writer makes it so and verify checks it.
std::string event_hash(std::string_view prev_hash, std::string_view hearing, std::int64_t position,
                       std::string_view event_json, const std::optional<std::string>& box_digest);

// SHA-256 of canonical {"ballot", "hearing", "sheets": [{"group", "marks", "receipt_hash"}, …]}, the sheets
// in receipt-hash order (as SQLite's BINARY collation and std::string compare them).
std::string box_digest(std::string_view hearing, std::string_view ballot, const std::vector<BoxRow>& rows);

}  // namespace dais::store
