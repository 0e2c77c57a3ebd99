#include "store/pg_migrations.hpp"

#include <span>
#include <string>

namespace dais::store {

namespace {

struct Migration {
  std::int64_t version;
  std::int64_t compatible;
  const char* sql;
};

// Append only, as kMigrations in migrations.cpp, whose comments describe the tables. Text keys that the
// store orders by (receipt hashes, ids) compare bytewise (COLLATE "C"), as SQLite's BINARY collation and the
// box digest do, whatever the database's locale. No table here has a voter or a time next to a sheet.
constexpr Migration kPgMigrations[] = {
    {1, 1, R"sql(
CREATE TABLE hearings (
  id           TEXT COLLATE "C" PRIMARY KEY,
  definition   TEXT NOT NULL,
  genesis_hash TEXT NOT NULL
);
CREATE TABLE heads (
  hearing  TEXT COLLATE "C" PRIMARY KEY REFERENCES hearings(id),
  position BIGINT NOT NULL,
  hash     TEXT NOT NULL
);
CREATE TABLE tokens (
  token_hash  TEXT COLLATE "C" PRIMARY KEY,
  hearing     TEXT COLLATE "C" NOT NULL REFERENCES hearings(id),
  participant TEXT COLLATE "C" NOT NULL,
  revoked     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_by_participant ON tokens(hearing, participant);
CREATE TABLE events (
  hearing    TEXT COLLATE "C" NOT NULL REFERENCES hearings(id),
  position   BIGINT NOT NULL,
  type       TEXT NOT NULL,
  body       TEXT NOT NULL,
  box_digest TEXT,
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL,
  UNIQUE (hearing, position)
);
CREATE TABLE ballot_box (
  hearing      TEXT COLLATE "C" NOT NULL REFERENCES hearings(id),
  ballot       TEXT COLLATE "C" NOT NULL,
  receipt_hash TEXT COLLATE "C" NOT NULL,
  tally_group  TEXT NOT NULL,
  marks        TEXT NOT NULL,
  PRIMARY KEY (hearing, ballot, receipt_hash)
);
CREATE TABLE idempotency (
  hearing     TEXT COLLATE "C" NOT NULL REFERENCES hearings(id),
  participant TEXT COLLATE "C" NOT NULL,
  key         TEXT COLLATE "C" NOT NULL,
  ack         TEXT NOT NULL,
  PRIMARY KEY (hearing, participant, key)
);
CREATE TABLE snapshots (
  hearing  TEXT COLLATE "C" PRIMARY KEY REFERENCES hearings(id),
  position BIGINT NOT NULL,
  state    TEXT NOT NULL
);
)sql"},
    {2, 2, R"sql(
ALTER TABLE ballot_box ADD COLUMN change_tag TEXT;
CREATE TABLE held_tallies (
  hearing TEXT COLLATE "C" NOT NULL REFERENCES hearings(id),
  ballot  TEXT COLLATE "C" NOT NULL,
  event   TEXT NOT NULL,
  PRIMARY KEY (hearing, ballot)
);
)sql"},
    {3, 2, R"sql(
CREATE TABLE accounts (
  name            TEXT COLLATE "C" PRIMARY KEY,
  role            TEXT NOT NULL CHECK (role IN ('organizer', 'observer')),
  password_hash   TEXT NOT NULL,
  created_ms      BIGINT NOT NULL,
  last_sign_in_ms BIGINT,
  failed_sign_ins BIGINT NOT NULL DEFAULT 0,
  locked_until_ms BIGINT
);
)sql"},
    {4, 2, R"sql(
CREATE TABLE ledger (
  id           BIGINT PRIMARY KEY,
  hearing      TEXT COLLATE "C" NOT NULL REFERENCES hearings(id),
  inquiry      TEXT COLLATE "C" NOT NULL,
  position     BIGINT NOT NULL,
  unit         TEXT NOT NULL,
  presenter    TEXT NOT NULL,
  inquiry_text TEXT NOT NULL,
  commitment   TEXT NOT NULL,
  promised_due TEXT NOT NULL,
  due          TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done')),
  done_ms      BIGINT,
  UNIQUE (hearing, inquiry, position)
);
CREATE TABLE ledger_notes (
  entry    BIGINT NOT NULL REFERENCES ledger(id),
  position BIGINT NOT NULL,
  account  TEXT NOT NULL,
  at_ms    BIGINT NOT NULL,
  text     TEXT NOT NULL,
  PRIMARY KEY (entry, position)
);
)sql"},
    {5, 2, R"sql(
CREATE TABLE rehearsal_events (
  hearing  TEXT COLLATE "C" NOT NULL REFERENCES hearings(id),
  run      BIGINT NOT NULL,
  position BIGINT NOT NULL,
  type     TEXT NOT NULL,
  body     TEXT NOT NULL,
  PRIMARY KEY (hearing, run, position)
);
)sql"},
    {6, 2, R"sql(
CREATE TABLE paper_entries (
  hearing    TEXT COLLATE "C" NOT NULL REFERENCES hearings(id),
  ballot     TEXT COLLATE "C" NOT NULL,
  sheet      BIGINT NOT NULL,
  entered_by TEXT COLLATE "C" NOT NULL,
  marks      TEXT NOT NULL,
  PRIMARY KEY (hearing, ballot, sheet, entered_by)
);
)sql"},
    {7, 2, R"sql(
ALTER TABLE paper_entries ADD COLUMN tally_group TEXT NOT NULL DEFAULT '';
)sql"},
    {8, 2, R"sql(
CREATE TABLE hearing_leases (
  hearing       TEXT COLLATE "C" PRIMARY KEY,
  owner         TEXT NOT NULL,
  epoch         BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL
);
)sql"},
};

core::Error not_dais(const pg::Connection& db, const std::string& why) {
  return core::make_error(core::ErrorCode::storage_failed,
                          db.name() + " is not a Dais database (" + why + "); it was not changed");
}

bool has_meta_table(pg::Connection& db) {
  auto q = db.query("SELECT to_regclass('meta') IS NOT NULL");
  return q.next() && q.text_view(0) == "t";
}

std::int64_t meta_value(pg::Connection& db, const char* key) {
  auto q = db.query("SELECT value FROM meta WHERE key = ?");
  q.with(key);
  return q.next() ? q.int64(0) : 0;
}

void write_meta(pg::Connection& db, const char* key, std::int64_t value) {
  db.query("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .with(key, value)
      .run();
}

}  // namespace

core::Result<SchemaVersion> read_schema_version(pg::Connection& db) {
  pg::Transaction read(db, pg::TransactionKind::deferred);
  std::int64_t tables = 0;
  {
    auto q = db.query("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()");
    if (q.next()) tables = q.int64(0);
  }
  if (tables == 0) return SchemaVersion{};
  if (!has_meta_table(db)) return not_dais(db, "it has tables but no meta table");
  if (meta_value(db, "application_id") != kApplicationId)
    return not_dais(db, "its meta table carries another application id");
  SchemaVersion v{meta_value(db, "version"), meta_value(db, "compatible_version")};
  if (v.version <= 0 || v.compatible <= 0 || v.compatible > v.version) {
    return not_dais(db, "its meta table holds no valid version");
  }
  if (v.compatible > kPgSchemaVersion) {
    return core::make_error(core::ErrorCode::storage_failed,
                            db.name() + " was written by a newer Dais (schema " + std::to_string(v.version) +
                                ", readable from schema " + std::to_string(v.compatible) +
                                " on); this build reads schema " + std::to_string(kPgSchemaVersion) +
                                " and older. The database was not changed.");
  }
  return v;
}

core::Result<SchemaVersion> migrate(pg::Connection& db) {
  auto current = read_schema_version(db);
  if (!current) return current;
  for (const Migration& m : std::span(kPgMigrations)) {
    if (m.version <= current->version) continue;
    pg::Transaction tx(db, pg::TransactionKind::immediate);
    // Another process may have migrated the database between our look and our lock.
    if (has_meta_table(db) && meta_value(db, "version") >= m.version) continue;
    if (m.version == 1) {
      db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL)");
      write_meta(db, "application_id", kApplicationId);
    }
    db.exec(m.sql);
    write_meta(db, "version", m.version);
    write_meta(db, "compatible_version", m.compatible);
    tx.commit();
    current = SchemaVersion{m.version, m.compatible};
  }
  return current;
}

}  // namespace dais::store
