#include "store/recovery.hpp"

#include <exception>
#include <map>

#include <nlohmann/json.hpp>

#include "store/storage_error.hpp"

namespace dais::store {

using nlohmann::json;

namespace {

core::Error damaged(const std::string& hearing, const std::string& what) {
  return storage_error("hearing " + hearing + " cannot be rebuilt: " + what +
                       " (run `dais verify`; restore from a backup if it reports a break)");
}

// A snapshot is a cache of the log: a damaged or unreadable one is ignored and the log replayed from the
// start.
template <class Db>
std::optional<RecoveredHearing> read_snapshot(Db& db, const std::string& hearing) {
  auto q = db.query("SELECT position, state FROM snapshots WHERE hearing = ?");
  q.with(hearing);
  if (!q.next()) return std::nullopt;
  json doc = json::parse(q.text_view(1), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return std::nullopt;
  auto state = core::state_from_json(doc);
  if (!state || state->event_count != q.int64(0)) return std::nullopt;
  return RecoveredHearing{std::move(state).value(), q.int64(0)};
}

template <class Db>
core::Result<bool> replay_log(Db& db, const std::string& hearing, core::HearingState& state,
                              std::int64_t from) {
  auto q = db.query("SELECT position, body FROM events WHERE hearing = ? AND position > ? ORDER BY position");
  q.with(hearing, from);
  std::int64_t expected = from + 1;
  while (q.next()) {
    const std::int64_t position = q.int64(0);
    if (position != expected)
      return damaged(hearing, "the log has a gap before position " + std::to_string(position));
    json doc = json::parse(q.text_view(1), nullptr, false);
    if (doc.is_discarded()) return damaged(hearing, "event " + std::to_string(position) + " is not JSON");
    auto event = core::event_from_json(doc);
    if (!event) return damaged(hearing, "event " + std::to_string(position) + ": " + event.error().message);
    try {
      core::apply(state, *event);
    } catch (const std::exception& e) {
      return damaged(hearing, "event " + std::to_string(position) + " does not fit the state: " + e.what());
    }
    ++expected;
  }
  return true;
}

// The exact tally of an anonymous ballot is the sum of its box, so it is rebuilt from the box rows, whatever
// the snapshot held (snapshots never hold boxes, and hold no tallies of open anonymous ballots).
template <class Db>
core::Result<bool> refill_boxes(Db& db, const std::string& hearing, core::HearingState& state) {
  std::map<std::string, std::vector<BoxRow>> boxes;
  {
    auto q = db.query(
        "SELECT ballot, receipt_hash, tally_group, marks, change_tag FROM ballot_box WHERE hearing = ? ORDER "
        "BY "
        "ballot, receipt_hash");
    q.with(hearing);
    while (q.next()) boxes[q.text(0)].push_back(BoxRow{q.text(1), q.text(2), q.text(3), q.optional_text(4)});
  }
  for (const auto& [ballot_id, rows] : boxes) {
    auto ballot = state.ballots.find(ballot_id);
    if (ballot == state.ballots.end())
      return damaged(hearing, "the box holds sheets of unknown ballot " + ballot_id);
    ballot->second.box.clear();
    ballot->second.tally = core::Tally{};
    for (const BoxRow& row : rows) {
      auto event = box_row_event(ballot_id, row);
      if (!event) return damaged(hearing, event.error().message);
      core::apply(state, *event);
    }
  }
  return true;
}

// The counts open anonymous ballots hold back until their next step (decide_ballots.cpp: step_live_count).
template <class Db>
core::Result<bool> refill_held_tallies(Db& db, const std::string& hearing, core::HearingState& state) {
  auto q = db.query("SELECT ballot, event FROM held_tallies WHERE hearing = ? ORDER BY ballot");
  q.with(hearing);
  while (q.next()) {
    auto event = core::event_from_json(json::parse(q.text_view(1), nullptr, false));
    const auto* held = event ? std::get_if<core::LiveTallyHeld>(&event->body) : nullptr;
    if (held == nullptr || held->ballot != q.text(0) || !state.ballots.contains(held->ballot))
      return damaged(hearing, "the held count of ballot " + q.text(0) + " is unreadable");
    core::apply(state, *event);
  }
  return true;
}

// Paper entries waiting for a match (decide_ballots.cpp: EnterPaperSheet), read back in sheet order.
template <class Db>
core::Result<bool> refill_paper_entries(Db& db, const std::string& hearing, core::HearingState& state) {
  auto q = db.query(
      "SELECT ballot, sheet, entered_by, marks, tally_group FROM paper_entries WHERE hearing = ? "
      "ORDER BY ballot, sheet, entered_by");
  q.with(hearing);
  while (q.next()) {
    core::PaperEntryStored stored{q.text(0), core::PaperEntry{q.int64(1), q.text(2), {}, q.text(4)}};
    const json marks = json::parse(q.text_view(3), nullptr, false);
    try {
      stored.entry.marks = marks.get<core::Marks>();
    } catch (const json::exception&) {
      return damaged(hearing, "a paper entry of ballot " + stored.ballot + " holds unreadable marks");
    }
    if (!state.ballots.contains(stored.ballot))
      return damaged(hearing, "paper entries of unknown ballot " + stored.ballot);
    core::apply(state, core::Event{0, std::move(stored)});
  }
  return true;
}

}  // namespace

template <class Db>
core::Result<core::HearingDefinition> stored_definition(Db& db, const std::string& hearing) {
  auto q = db.query("SELECT definition FROM hearings WHERE id = ?");
  q.with(hearing);
  if (!q.next())
    return core::make_error(core::ErrorCode::not_found, "no hearing " + hearing + " in the file");
  json doc = json::parse(q.text_view(0), nullptr, false);
  if (doc.is_discarded()) return damaged(hearing, "its definition is not JSON");
  auto def = core::parse_definition(doc);
  if (!def) return damaged(hearing, "its definition is invalid: " + def.error().message);
  return def;
}

core::Result<core::Event> box_row_event(const std::string& ballot, const BoxRow& row) {
  json marks = json::parse(row.marks_json, nullptr, false);
  core::SheetStored sheet{ballot, std::nullopt, row.receipt_hash,
                          core::BoxEntry{row.group, {}, row.change_tag}};
  try {
    sheet.entry.marks = marks.get<core::Marks>();
  } catch (const json::exception&) {
    return core::make_error(core::ErrorCode::invalid, "box row " + row.receipt_hash + " of ballot " + ballot +
                                                          " holds unreadable marks");
  }
  return core::Event{0, std::move(sheet)};
}

template <class Db>
core::Result<RecoveredHearing> recover_hearing(Db& db, const std::string& hearing) {
  std::int64_t head_position = 0;
  {
    auto q = db.query("SELECT position FROM heads WHERE hearing = ?");
    q.with(hearing);
    if (!q.next())
      return core::make_error(core::ErrorCode::not_found, "no hearing " + hearing + " in the file");
    head_position = q.int64(0);
  }
  auto def = stored_definition(db, hearing);
  if (!def) return def.error();
  std::optional<RecoveredHearing> recovered = read_snapshot(db, hearing);
  if (!recovered || recovered->snapshot_position > head_position) {
    recovered = RecoveredHearing{core::make_hearing(std::move(def).value()), 0};
  }
  auto replayed = replay_log(db, hearing, recovered->state, recovered->snapshot_position);
  if (!replayed) return replayed.error();
  if (recovered->state.event_count != head_position) {
    return damaged(hearing, "the log holds " + std::to_string(recovered->state.event_count) +
                                " events but the hearing's head is at " + std::to_string(head_position));
  }
  auto refilled = refill_boxes(db, hearing, recovered->state);
  if (!refilled) return refilled.error();
  auto held = refill_held_tallies(db, hearing, recovered->state);
  if (!held) return held.error();
  auto paper = refill_paper_entries(db, hearing, recovered->state);
  if (!paper) return paper.error();
  return std::move(*recovered);
}

template <class Db>
std::vector<BoxRow> box_rows(Db& db, const std::string& hearing, const core::BallotId& ballot) {
  std::vector<BoxRow> rows;
  auto q = db.query(
      "SELECT receipt_hash, tally_group, marks FROM ballot_box WHERE hearing = ? AND ballot = ? ORDER BY "
      "receipt_hash");
  q.with(hearing, ballot);
  while (q.next()) rows.push_back(BoxRow{q.text(0), q.text(1), q.text(2)});
  return rows;
}

// The two databases the store runs on.
template core::Result<RecoveredHearing> recover_hearing(sql::Database&, const std::string&);
template core::Result<RecoveredHearing> recover_hearing(pg::Connection&, const std::string&);
template core::Result<core::HearingDefinition> stored_definition(sql::Database&, const std::string&);
template core::Result<core::HearingDefinition> stored_definition(pg::Connection&, const std::string&);
template std::vector<BoxRow> box_rows(sql::Database&, const std::string&, const core::BallotId&);
template std::vector<BoxRow> box_rows(pg::Connection&, const std::string&, const core::BallotId&);

}  // namespace dais::store
