// The Store on PostgreSQL: the shared store (connected_store.hpp) on two libpq connections, a writer and a
// reader, on a database migrated to the same schema as the SQLite file (pg_migrations.cpp).
#include "store/pg_store.hpp"

#include <algorithm>
#include <vector>

#include "store/connected_store.hpp"
#include "store/migrations.hpp"
#include "store/pg_migrations.hpp"
#include "store/sqlite.hpp"

namespace dais::store {

namespace {

// One table of the SQLite file, filled from the PostgreSQL table of the same name: the file's own columns,
// selected by name, in the order of its primary key (all its columns when it has none), so that the ballot
// box lands in receipt-hash order as SQLite keeps it. Values travel as text (NULL stays NULL); the file's
// INTEGER columns take them back as integers.
void copy_table(pg::Connection& source, sql::Database& file, const std::string& table) {
  std::vector<std::string> columns;
  std::vector<std::pair<int, std::string>> key;  // (place in the key, ORDER BY term)
  std::vector<std::string> everything;
  {
    auto q = file.query("SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid");
    q.with(table);
    while (q.next()) {
      const std::string name = q.text(0);
      // Text in byte order, as SQLite compares it, whatever the database's collation.
      const std::string term = "\"" + name + "\"" + (q.text(1) == "TEXT" ? " COLLATE \"C\"" : "");
      columns.push_back(name);
      everything.push_back(term);
      if (q.int64(2) > 0) key.emplace_back(static_cast<int>(q.int64(2)), term);
    }
  }
  std::sort(key.begin(), key.end());
  std::string list, order, placeholders;
  for (const std::string& c : columns) {
    list += (list.empty() ? "\"" : ", \"") + c + "\"";
    placeholders += placeholders.empty() ? "?" : ", ?";
  }
  for (const std::string& term : everything) {
    if (!key.empty()) break;
    order += (order.empty() ? "" : ", ") + term;
  }
  for (const auto& [place, term] : key) order += (order.empty() ? "" : ", ") + term;
  // A cursor, so that a long log is read a thousand rows at a time instead of all at once.
  source.exec("DECLARE dais_backup NO SCROLL CURSOR FOR SELECT " + list + " FROM \"" + table +
              "\" ORDER BY " + order);
  const std::string insert = "INSERT INTO \"" + table + "\"(" + list + ") VALUES (" + placeholders + ")";
  for (;;) {
    auto rows = source.query("FETCH 1000 FROM dais_backup");
    int fetched = 0;
    while (rows.next()) {
      ++fetched;
      auto q = file.query(insert);
      for (std::size_t i = 0; i < columns.size(); ++i)
        q.bind(static_cast<int>(i) + 1, rows.optional_text(static_cast<int>(i)));
      q.run();
    }
    if (fetched == 0) break;
  }
  source.exec("CLOSE dais_backup");
}

// The PostgreSQL database as a new SQLite file, made by the SQLite migrations (so its schema is exactly the
// file's) and filled table by table from one snapshot of the database. Throws what the databases throw.
core::Result<bool> export_to_file(pg::Connection& source, const std::filesystem::path& path) {
  auto version = read_schema_version(source);  // in a transaction of its own
  if (!version) return version.error();
  if (version->version != kSchemaVersion) {
    return storage_error("the database has schema version " + std::to_string(version->version) +
                         " and this build writes files of version " + std::to_string(kSchemaVersion) +
                         "; back it up with the build that serves it");
  }
  // REPEATABLE READ, READ ONLY: every table is read from one snapshot, while the hearings go on committing.
  pg::Transaction snapshot(source, pg::TransactionKind::deferred);
  sql::Database file(path, sql::OpenMode::create);
  auto migrated = migrate(file);
  if (!migrated) return migrated.error();
  std::vector<std::string> tables;
  {
    // In the order the migrations made them: a table comes after those it refers to.
    auto q = file.query(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_' AND name <> "
        "'meta' ORDER BY rowid");
    while (q.next()) tables.push_back(q.text(0));
  }
  sql::Transaction tx(file, sql::TransactionKind::immediate);
  for (const std::string& table : tables) copy_table(source, file, table);
  tx.commit();
  if (file.pragma_text("integrity_check") != "ok")
    return storage_error("the copy does not pass its integrity check");
  return true;
}

class PostgresStore final : public ConnectedStore<pg::Connection> {
 public:
  using ConnectedStore::ConnectedStore;

  // A consistent export into a new SQLite file, which `dais verify`, `dais recount` and `dais serve` open as
  // any other (docs/operations.md, Backups).
  core::Result<bool> backup_to(const std::filesystem::path& target) override {
    std::error_code ec;
    if (std::filesystem::exists(target, ec)) {
      return core::make_error(core::ErrorCode::conflict,
                              target.string() + " already exists; back up to a new file");
    }
    std::filesystem::path partial = target;
    partial += ".partial";
    auto discard = [&] {
      for (const char* tail : {"", "-wal", "-shm"}) std::filesystem::remove(partial.string() + tail, ec);
    };
    discard();
    const std::string doing = "backing up to " + target.string();
    try {
      {
        pg::Connection source(options().path.string());  // its own: the store's reads go on meanwhile
        auto exported = export_to_file(source, partial);
        if (!exported) {
          discard();
          return core::make_error(exported.error().code, doing + " failed: " + exported.error().message);
        }
      }
      std::filesystem::rename(partial, target);
      return true;
    } catch (const pg::Error& e) {
      discard();
      return storage_error(e, doing);
    } catch (const sql::Error& e) {
      discard();
      return storage_error(e, doing);
    } catch (const std::filesystem::filesystem_error& e) {
      discard();
      return storage_error(doing + " failed: " + e.what());
    }
  }
};

}  // namespace

bool is_postgres_url(std::string_view path) {
  return path.starts_with("postgresql://") || path.starts_with("postgres://");
}

core::Result<std::unique_ptr<Store>> open_postgres(const StoreOptions& options) {
  const std::string url = options.path.string();
  try {
    std::unique_ptr<pg::Connection> writer;
    if (!options.read_only) {
      writer = std::make_unique<pg::Connection>(url);
      auto version = migrate(*writer);
      if (!version) return version.error();
      if (!options.node.empty()) {
        // A node stopped inside a commit (SIGSTOP, a stall, a split) would keep its hearing's lease row
        // locked, and the node taking the hearing over would wait for it for ever: the database ends a
        // transaction left idle for two seconds, about when the stopped node's lease runs out
        // (docs/scale-out.md). A commit never waits between its statements.
        writer->set_session("SET idle_in_transaction_session_timeout = 2000");
      }
    }
    auto reader = std::make_unique<pg::Connection>(url);
    reader->set_session("SET default_transaction_read_only = on");  // the read connection never writes
    if (options.read_only) {
      auto version = read_schema_version(*reader);
      if (!version) return version.error();
      if (version->version == 0) return storage_error(reader->name() + " is empty: no Dais database in it");
    }
    return std::unique_ptr<Store>(
        std::make_unique<PostgresStore>(options, std::move(writer), std::move(reader)));
  } catch (const pg::Error& e) {
    return storage_error(e, "opening " + pg::redacted(url));
  }
}

}  // namespace dais::store
