#include "store/audit.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "core/engine.hpp"
#include "core/tally.hpp"
#include "store/chain.hpp"
#include "store/migrations.hpp"
#include "store/pg_migrations.hpp"
#include "store/pg_store.hpp"
#include "store/recovery.hpp"
#include "store/sqlite.hpp"
#include "store/storage_error.hpp"

namespace dais::store {

using nlohmann::json;

namespace {

core::Result<std::unique_ptr<sql::Database>> open_for_audit(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return storage_error("cannot open " + path.string() + ": no such file");
  auto db = sql::Database::open_for_reading(path);
  db->set_busy_timeout(std::chrono::milliseconds(5000));
  auto version = read_schema_version(*db);
  if (!version) return version.error();
  if (version->version == 0) return storage_error(path.string() + " is empty: no Dais database in it");
  return db;
}

// A PostgreSQL database (a postgresql:// URL) is read on a connection of its own that never writes.
core::Result<std::unique_ptr<pg::Connection>> open_postgres_for_audit(const std::string& url) {
  auto db = std::make_unique<pg::Connection>(url);
  db->exec("SET default_transaction_read_only = on");
  auto version = read_schema_version(*db);
  if (!version) return version.error();
  if (version->version == 0) return storage_error(db->name() + " is empty: no Dais database in it");
  return db;
}

// Runs `audit` on the database at `path`, a file or a postgresql:// URL, inside one read transaction: what it
// reads is one consistent picture, also while a hearing writes. `doing` names the work for errors.
template <class Audit>
auto audit_database(const std::filesystem::path& path, const std::string& doing, const Audit& audit)
    -> decltype(audit(std::declval<sql::Database&>())) {
  const std::string where = is_postgres_url(path.string()) ? pg::redacted(path.string()) : path.string();
  try {
    if (is_postgres_url(path.string())) {
      auto db = open_postgres_for_audit(path.string());
      if (!db) return db.error();
      pg::Transaction read(**db, pg::TransactionKind::deferred);
      return audit(**db);
    }
    auto db = open_for_audit(path);
    if (!db) return db.error();
    sql::Transaction read(**db, sql::TransactionKind::deferred);
    return audit(**db);
  } catch (const sql::Error& e) {
    return storage_error(e, doing + " " + where);
  } catch (const pg::Error& e) {
    return storage_error(e, doing + " " + where);
  }
}

template <class Db>
std::vector<HearingId> hearing_ids(Db& db) {
  std::vector<HearingId> ids;
  auto q = db.query("SELECT id FROM hearings ORDER BY id");
  while (q.next()) ids.push_back(q.text(0));
  return ids;
}

bool canonical(std::string_view text, json& parsed) {
  parsed = json::parse(text, nullptr, false);
  return !parsed.is_discarded() && parsed.dump() == text;
}

// Walks one hearing's chain. Returns the first break, or fills `out`.
template <class Db>
std::optional<ChainBreak> verify_hearing(Db& db, const HearingId& hearing, VerifiedHearing& out) {
  auto broken = [&](std::int64_t position, std::string what) {
    return ChainBreak{hearing, position, std::move(what)};
  };
  std::string definition, genesis, head_hash;
  std::int64_t head_position = 0;
  {
    auto q = db.query(
        "SELECT definition, genesis_hash, position, hash FROM hearings JOIN heads ON heads.hearing = "
        "hearings.id "
        "WHERE id = ?");
    q.with(hearing);
    if (!q.next()) return broken(0, "the hearing has no recorded head");
    definition = q.text(0);
    genesis = q.text(1);
    head_position = q.int64(2);
    head_hash = q.text(3);
  }
  json parsed;
  if (!canonical(definition, parsed)) return broken(0, "the definition is not canonical JSON");
  if (genesis_hash(definition) != genesis)
    return broken(0, "the definition does not match the chain's start");

  std::string prev = genesis;
  std::int64_t expected = 1;
  std::set<core::BallotId> created;
  auto q = db.query(
      "SELECT position, type, body, box_digest, prev_hash, hash FROM events WHERE hearing = ? ORDER BY "
      "position");
  q.with(hearing);
  while (q.next()) {
    const std::int64_t position = q.int64(0);
    if (position != expected) {
      return broken(expected, "event " + std::to_string(expected) + " is missing (the log goes on at " +
                                  std::to_string(position) + ")");
    }
    const std::string body = q.text(2);
    const std::optional<std::string> digest = q.optional_text(3);
    if (q.text_view(4) != prev) return broken(position, "prev_hash is not the hash of the event before");
    if (!canonical(body, parsed)) return broken(position, "the event is not canonical JSON");
    auto event = core::event_from_json(parsed);
    if (!event) return broken(position, "the event does not decode: " + event.error().message);
    if (core::is_secret(*event)) return broken(position, "an anonymous sheet's contents are in the log");
    if (q.text_view(1) != core::event_name(event->body))
      return broken(position, "the type column does not match");
    const auto* closed = std::get_if<core::BallotClosed>(&event->body);
    if (closed == nullptr && digest)
      return broken(position, "a box digest on an event that closes no ballot");
    if (closed != nullptr && !digest) return broken(position, "a closed ballot without its box digest");
    std::string hash = event_hash(prev, hearing, position, body, digest);
    if (q.text_view(5) != hash) return broken(position, "the hash does not match the event");
    if (const auto* made = std::get_if<core::BallotCreated>(&event->body)) created.insert(made->ballot);
    if (std::holds_alternative<core::PaperSheetCounted>(event->body)) ++out.paper_sheets;
    if (closed != nullptr) {
      if (box_digest(hearing, closed->ballot, box_rows(db, hearing, closed->ballot)) != *digest) {
        return broken(position, "the ballot box of " + closed->ballot + " changed after it was sealed");
      }
      ++out.sealed_boxes;
    }
    prev = std::move(hash);
    ++expected;
  }
  const std::int64_t last = expected - 1;
  if (last != head_position) {
    return broken(last, "the log ends at " + std::to_string(last) + " but the hearing's head is at " +
                            std::to_string(head_position));
  }
  if (prev != head_hash) return broken(last, "the hearing's head hash is not the hash of the last event");
  {
    auto boxes = db.query("SELECT DISTINCT ballot FROM ballot_box WHERE hearing = ?");
    boxes.with(hearing);
    while (boxes.next()) {
      if (!created.contains(boxes.text(0))) {
        return broken(0,
                      "the ballot box holds sheets of " + boxes.text(0) + ", a ballot the log never created");
      }
    }
  }
  out = VerifiedHearing{hearing, last, out.sealed_boxes, prev, out.paper_sheets};
  return std::nullopt;
}

struct LoggedBallot {
  std::optional<core::BallotCreated> created;
  bool closed = false;
  std::map<core::ParticipantId, core::BoxEntry> named;  // the latest named sheet of each voter
  std::set<core::ParticipantId> voters;                 // who cast on a tablet (SheetRecorded)
  std::int64_t paper_handed_out = 0;                    // PaperSheetHandedOut
  std::int64_t paper = 0;                               // PaperSheetCounted
  std::optional<core::Tally> result;
  std::int64_t result_position = 0;
};

template <class Db>
core::Result<LoggedBallot> scan_log(Db& db, const HearingId& hearing, const core::BallotId& ballot) {
  LoggedBallot found;
  auto q = db.query("SELECT position, body FROM events WHERE hearing = ? ORDER BY position");
  q.with(hearing);
  while (q.next()) {
    auto event = core::event_from_json(json::parse(q.text_view(1), nullptr, false));
    if (!event)
      return storage_error("event " + std::to_string(q.int64(0)) + " does not decode; run `dais verify`");
    std::visit(
        [&](const auto& e) {
          using E = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<E, core::BallotCreated> || std::is_same_v<E, core::BallotClosed> ||
                        std::is_same_v<E, core::SheetStored> || std::is_same_v<E, core::LiveTallyRefreshed> ||
                        std::is_same_v<E, core::SheetRecorded> ||
                        std::is_same_v<E, core::PaperSheetHandedOut> ||
                        std::is_same_v<E, core::PaperSheetCounted>) {
            if (e.ballot != ballot) return;
          }
          if constexpr (std::is_same_v<E, core::BallotCreated>) found.created = e;
          if constexpr (std::is_same_v<E, core::BallotClosed>) found.closed = true;
          if constexpr (std::is_same_v<E, core::SheetRecorded>) found.voters.insert(e.voter);
          if constexpr (std::is_same_v<E, core::PaperSheetHandedOut>) ++found.paper_handed_out;
          if constexpr (std::is_same_v<E, core::PaperSheetCounted>) ++found.paper;
          if constexpr (std::is_same_v<E, core::SheetStored>) {
            if (e.voter) found.named[*e.voter] = e.entry;
          }
          if constexpr (std::is_same_v<E, core::LiveTallyRefreshed>) {
            found.result = e.tally;
            found.result_position = q.int64(0);
          }
        },
        event->body);
  }
  return found;
}

}  // namespace

core::Result<VerifyReport> verify_file(const std::filesystem::path& path,
                                       const std::optional<HearingId>& hearing) {
  return audit_database(path, "verifying", [&](auto& db) -> core::Result<VerifyReport> {
    std::vector<HearingId> ids = hearing ? std::vector<HearingId>{*hearing} : hearing_ids(db);
    VerifyReport report;
    for (const HearingId& id : ids) {
      VerifiedHearing checked{id, 0, 0, {}};
      {
        auto q = db.query("SELECT 1 FROM hearings WHERE id = ?");
        q.with(id);
        if (!q.next())
          return core::make_error(core::ErrorCode::not_found, "no hearing " + id + " in the file");
      }
      report.first_break = verify_hearing(db, id, checked);
      if (report.first_break) break;
      report.verified.push_back(std::move(checked));
    }
    return report;
  });
}

core::Result<Recount> recount_ballot(const std::filesystem::path& path,
                                     const std::optional<HearingId>& hearing, const core::BallotId& ballot) {
  return audit_database(path, "recounting " + ballot + " in", [&](auto& file) -> core::Result<Recount> {
    auto chosen = choose_hearing(hearing_ids(file), hearing);
    if (!chosen) return chosen.error();
    const HearingId id = *chosen;
    auto def = stored_definition(file, id);
    if (!def) return def.error();
    auto logged = scan_log(file, id, ballot);
    if (!logged) return logged.error();
    if (!logged->created) {
      return core::make_error(core::ErrorCode::not_found, "no ballot " + ballot + " in hearing " + id,
                              "ballot");
    }
    if (!logged->closed) {
      return core::make_error(core::ErrorCode::wrong_stage,
                              "ballot " + ballot + " is not closed; a recount needs the final result",
                              "ballot");
    }
    const core::BallotTemplate* tpl = def->ballot_template(logged->created->template_id);
    if (tpl == nullptr) return storage_error("ballot " + ballot + " names a template the definition lacks");
    Recount out;
    out.hearing = id;
    out.ballot = ballot;
    out.anonymous = tpl->anonymous;
    out.logged = logged->result;
    out.logged_position = logged->result_position;
    out.voters = static_cast<std::int64_t>(logged->voters.size());
    out.paper_handed_out = logged->paper_handed_out;
    out.paper = logged->paper;
    auto count = [&](const core::BoxEntry& entry) {
      core::add_sheet(out.recounted, *tpl, logged->created->slots, entry, +1);
      ++out.sheets;
    };
    if (tpl->anonymous) {
      for (const BoxRow& row : box_rows(file, id, ballot)) {
        auto event = box_row_event(ballot, row);
        if (!event) return storage_error(event.error().message);
        count(std::get<core::SheetStored>(event->body).entry);
      }
    } else {
      for (const auto& [voter, entry] : logged->named) count(entry);
    }
    return out;
  });
}

core::Result<HearingId> choose_hearing(const std::vector<HearingId>& ids,
                                       const std::optional<HearingId>& named) {
  if (named) {
    if (std::find(ids.begin(), ids.end(), *named) != ids.end()) return *named;
    return core::make_error(core::ErrorCode::not_found, "no hearing " + *named + " in the file", "hearing");
  }
  if (ids.size() == 1) return ids.front();
  return core::make_error(
      core::ErrorCode::invalid,
      "the file holds " + std::to_string(ids.size()) + " hearings; name one with --hearing", "hearing");
}

}  // namespace dais::store
