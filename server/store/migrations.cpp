#include "store/migrations.hpp"

#include <span>

namespace dais::store {

namespace {

struct Migration {
  std::int64_t version;
  std::int64_t compatible;  // what the meta table says once this migration ran
  const char* sql;
};

// Append only: a released migration never changes. docs/storage.md describes the resulting schema.
constexpr Migration kMigrations[] = {
    {1, 1, R"sql(
-- A hearing's definition, written once at import. Rowid tables below hold rows that can be large.
CREATE TABLE hearings (
  id           TEXT PRIMARY KEY,
  definition   TEXT NOT NULL,                -- canonical JSON of the hearing definition
  genesis_hash TEXT NOT NULL                 -- SHA-256 of `definition`: the chain starts here
);

-- The end of each hearing's log, rewritten by every commit: kept apart from the (large) definition.
CREATE TABLE heads (
  hearing  TEXT PRIMARY KEY REFERENCES hearings(id),
  position INTEGER NOT NULL,                 -- events in the log
  hash     TEXT NOT NULL                     -- hash of the last event (genesis_hash while the log is empty)
) WITHOUT ROWID;

CREATE TABLE tokens (
  token_hash  TEXT PRIMARY KEY,              -- SHA-256 of the join token; the token itself is never stored
  hearing     TEXT NOT NULL REFERENCES hearings(id),
  participant TEXT NOT NULL,
  revoked     INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX tokens_by_participant ON tokens(hearing, participant);

-- The tamper-evident log. Appended in order; bodies can be a few kilobytes (a tally), so a rowid table.
CREATE TABLE events (
  hearing    TEXT NOT NULL REFERENCES hearings(id),
  position   INTEGER NOT NULL,               -- 1, 2, …: the wire seq
  type       TEXT NOT NULL,
  body       TEXT NOT NULL,                  -- canonical JSON of the event
  box_digest TEXT,                           -- on ballot_closed rows: digest of the sealed ballot box
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL,
  UNIQUE (hearing, position)
);

-- Anonymous sheets. No voter, no time, no rowid: the only key is the hash of the voter's secret receipt.
CREATE TABLE ballot_box (
  hearing      TEXT NOT NULL REFERENCES hearings(id),
  ballot       TEXT NOT NULL,
  receipt_hash TEXT NOT NULL,
  tally_group  TEXT NOT NULL,
  marks        TEXT NOT NULL,                -- canonical JSON of the marks
  PRIMARY KEY (hearing, ballot, receipt_hash)
) WITHOUT ROWID;

-- The ack a vote got, so that a retry gets it again. Never the receipt or the marks.
CREATE TABLE idempotency (
  hearing     TEXT NOT NULL REFERENCES hearings(id),
  participant TEXT NOT NULL,
  key         TEXT NOT NULL,
  ack         TEXT NOT NULL,
  PRIMARY KEY (hearing, participant, key)
) WITHOUT ROWID;

-- The latest snapshot of each hearing (state without ballot boxes or open anonymous tallies).
CREATE TABLE snapshots (
  hearing  TEXT PRIMARY KEY REFERENCES hearings(id),
  position INTEGER NOT NULL,
  state    TEXT NOT NULL
);
)sql"},
    {2, 2, R"sql(
-- Changeable anonymous sheets: the hash of voter and device change key, so only the voter who cast a sheet can
-- replace it. Cleared when the box is sealed at close.
ALTER TABLE ballot_box ADD COLUMN change_tag TEXT;

-- Open anonymous ballots: the exact count at the last step of k sheets, shown only at the next step. As secret
-- as the box while the ballot is open; deleted at close and void.
CREATE TABLE held_tallies (
  hearing TEXT NOT NULL REFERENCES hearings(id),
  ballot  TEXT NOT NULL,
  event   TEXT NOT NULL,                     -- canonical JSON of the live_tally_held event
  PRIMARY KEY (hearing, ballot)
) WITHOUT ROWID;
)sql"},
    {3, 2, R"sql(
-- The secretariat's accounts for /organize. A build that knows only schema 2 ignores this table.
CREATE TABLE accounts (
  name            TEXT PRIMARY KEY,
  role            TEXT NOT NULL CHECK (role IN ('organizer', 'observer')),
  password_hash   TEXT NOT NULL,             -- Argon2id (libsodium's crypto_pwhash_str); never the password
  created_ms      INTEGER NOT NULL,
  last_sign_in_ms INTEGER,
  failed_sign_ins INTEGER NOT NULL DEFAULT 0,  -- in a row, since the last success or lock
  locked_until_ms INTEGER                    -- sign-in refused until then
) WITHOUT ROWID;
)sql"},
    {4, 2, R"sql(
-- The rectification ledger (整改台账): every commitment made in the hall, taken from the hearings' states, and
-- what the secretariat tracks about it. A build that knows only schema 2 or 3 ignores these tables.
CREATE TABLE ledger (
  id           INTEGER PRIMARY KEY,          -- 1, 2, … in the order taken
  hearing      TEXT NOT NULL REFERENCES hearings(id),
  inquiry      TEXT NOT NULL,
  position     INTEGER NOT NULL,             -- 1, 2, …: the commitment's place among the inquiry's
  unit         TEXT NOT NULL,
  presenter    TEXT NOT NULL,
  inquiry_text TEXT NOT NULL,
  commitment   TEXT NOT NULL,
  promised_due TEXT NOT NULL,                -- YYYY-MM-DD as said in the hall
  due          TEXT NOT NULL,                -- YYYY-MM-DD as the secretariat tracks it
  status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done')),
  done_ms      INTEGER,                      -- when it was last marked done
  UNIQUE (hearing, inquiry, position)        -- the same commitment is never taken twice
);

-- Dated progress notes on a ledger entry, by an organizer account.
CREATE TABLE ledger_notes (
  entry    INTEGER NOT NULL REFERENCES ledger(id),
  position INTEGER NOT NULL,                 -- 1, 2, … per entry
  account  TEXT NOT NULL,
  at_ms    INTEGER NOT NULL,
  text     TEXT NOT NULL,
  PRIMARY KEY (entry, position)
) WITHOUT ROWID;
)sql"},
    {5, 2, R"sql(
-- The logs of rehearsals (演练) reset to a clean draft, kept apart: recovery, verify and recount never read them.
-- A build that knows an older schema ignores this table.
CREATE TABLE rehearsal_events (
  hearing  TEXT NOT NULL REFERENCES hearings(id),
  run      INTEGER NOT NULL,                 -- 1, 2, …: the hearing's rehearsals in the order they were reset
  position INTEGER NOT NULL,
  type     TEXT NOT NULL,
  body     TEXT NOT NULL,
  PRIMARY KEY (hearing, run, position)
) WITHOUT ROWID;
)sql"},
    {6, 2, R"sql(
-- Paper sheets (纸质票) of open anonymous ballots: each staff member's entry of a numbered sheet while it waits
-- for a matching entry by another. As secret as the box: no voter, no time, no rowid; a row goes when its sheet
-- is counted (into ballot_box) and every row of a ballot at its close or void. A build of schema 2 to 5 ignores
-- the table and cannot load a hearing whose log holds paper sheets (it does not know their events).
CREATE TABLE paper_entries (
  hearing    TEXT NOT NULL REFERENCES hearings(id),
  ballot     TEXT NOT NULL,
  sheet      INTEGER NOT NULL,               -- the number staff wrote on the sheet
  entered_by TEXT NOT NULL,                  -- the chair or secretary who entered it
  marks      TEXT NOT NULL,                  -- canonical JSON of the marks read off the sheet
  PRIMARY KEY (hearing, ballot, sheet, entered_by)
) WITHOUT ROWID;
)sql"},
    {7, 2, R"sql(
-- A paper sheet of a ballot whose rule weights voter groups is printed for one group (its colour), and each
-- entry names that group ('' elsewhere), as the box row of a tablet sheet of that group does. A build of
-- schema 6 writes entries without it and takes no paper sheets on such ballots.
ALTER TABLE paper_entries ADD COLUMN tally_group TEXT NOT NULL DEFAULT '';
)sql"},
    {8, 2, R"sql(
-- Which node may commit a hearing's commands when several `dais serve` nodes share the database: every
-- acquisition raises the epoch, and a commit whose epoch is no longer the hearing's is refused. Times are the
-- database's clock. A single node (no node name) neither reads nor writes it, nor does a build of schema 2 to 7.
CREATE TABLE hearing_leases (
  hearing       TEXT PRIMARY KEY,
  owner         TEXT NOT NULL,               -- the node that holds, or last held, the lease
  epoch         INTEGER NOT NULL,            -- 1 at the first acquisition, one more at each after it
  expires_at_ms INTEGER NOT NULL             -- ms since 1970; another node may take it from then on
) WITHOUT ROWID;
)sql"},
};

core::Error not_dais(const sql::Database& db, const std::string& why) {
  return core::make_error(core::ErrorCode::storage_failed,
                          db.path().string() + " is not a Dais database (" + why + "); it was not changed");
}

bool has_meta_table(sql::Database& db) {
  auto q = db.query("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'");
  return q.next();
}

std::int64_t meta_value(sql::Database& db, const char* key) {
  auto q = db.query("SELECT value FROM meta WHERE key = ?");
  q.with(key);
  return q.next() ? q.int64(0) : 0;
}

void write_version(sql::Database& db, const Migration& m) {
  auto q = db.query(
      "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  q.with("version", m.version).run();
  auto c = db.query(
      "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  c.with("compatible_version", m.compatible).run();
}

}  // namespace

core::Result<SchemaVersion> read_schema_version(sql::Database& db) {
  sql::Transaction read(db, sql::TransactionKind::deferred);  // one consistent look at the file
  std::int64_t objects = 0;
  bool has_meta = false;
  {
    auto q = db.query("SELECT name FROM sqlite_schema");
    while (q.next()) {
      ++objects;
      if (q.text_view(0) == "meta") has_meta = true;
    }
  }
  std::int64_t application_id = 0;
  {
    auto q = db.query("PRAGMA application_id");
    if (q.next()) application_id = q.int64(0);
  }
  if (objects == 0 && application_id == 0) return SchemaVersion{};
  if (application_id != kApplicationId) return not_dais(db, "its header carries another application id");
  if (!has_meta) return not_dais(db, "it has no meta table");
  SchemaVersion v{meta_value(db, "version"), meta_value(db, "compatible_version")};
  if (v.version <= 0 || v.compatible <= 0 || v.compatible > v.version) {
    return not_dais(db, "its meta table holds no valid version");
  }
  if (v.compatible > kSchemaVersion) {
    return core::make_error(core::ErrorCode::storage_failed,
                            db.path().string() + " was written by a newer Dais (schema " +
                                std::to_string(v.version) + ", readable from schema " +
                                std::to_string(v.compatible) + " on); this build reads schema " +
                                std::to_string(kSchemaVersion) + " and older. The file was not changed.");
  }
  return v;
}

core::Result<SchemaVersion> migrate(sql::Database& db) {
  auto current = read_schema_version(db);
  if (!current) return current;
  if (current->version >= kSchemaVersion) {
    db.pragma_text("journal_mode = WAL");
    return current;
  }
  // WAL is a property of the file; switch before the first migration writes anything.
  if (db.pragma_text("journal_mode = WAL") != "wal") {
    return core::make_error(core::ErrorCode::storage_failed,
                            db.path().string() + " cannot use WAL journaling");
  }
  for (const Migration& m : std::span(kMigrations)) {
    if (m.version <= current->version) continue;
    sql::Transaction tx(db, sql::TransactionKind::immediate);
    // Another process may have migrated the file between our look and our lock.
    if (has_meta_table(db) && meta_value(db, "version") >= m.version) continue;
    if (m.version == 1) {
      db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID");
      db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
    }
    db.exec(m.sql);
    write_version(db, m);
    tx.commit();
    current = SchemaVersion{m.version, m.compatible};
  }
  return current;
}

}  // namespace dais::store
