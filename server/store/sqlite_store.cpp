// The Store on one SQLite file: the shared store (connected_store.hpp: a writer thread that commits queued
// records in batches, and a read connection for everything else) on a WAL file, and its online backup. See
// docs/storage.md for the schema and the promises.
#include <sqlite3.h>

#include "store/connected_store.hpp"
#include "store/migrations.hpp"
#include "store/pg_store.hpp"
#include "store/sqlite.hpp"
#include "store/storage_error.hpp"
#include "store/store.hpp"

namespace dais::store {

namespace {

void configure(sql::Database& db, const StoreOptions& options) {
  db.set_busy_timeout(options.busy_timeout);
  // secure_delete: deleted and replaced rows (a changed sheet, an old snapshot) are zeroed in the file, so
  // their content cannot be read back from free space.
  db.exec("PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA trusted_schema = OFF");
}

void configure_writer(sql::Database& db, const StoreOptions& options) {
  // FULL: a commit returns only after the WAL is on disk, so an acknowledged command survives a power cut.
  // journal_size_limit 0: the WAL is cut back whenever it restarts, so old frames do not linger in it.
  db.exec("PRAGMA synchronous = FULL; PRAGMA journal_size_limit = 0");
  if (options.max_pages > 0) db.pragma_text("max_page_count = " + std::to_string(options.max_pages));
}

class SqliteStore final : public ConnectedStore<sql::Database> {
 public:
  using ConnectedStore::ConnectedStore;
  core::Result<bool> backup_to(const std::filesystem::path& target) override;
};

core::Result<bool> SqliteStore::backup_to(const std::filesystem::path& target) {
  std::error_code ec;
  if (std::filesystem::exists(target, ec)) {
    return core::make_error(core::ErrorCode::conflict,
                            target.string() + " already exists; back up to a new file");
  }
  std::filesystem::path partial = target;
  partial += ".partial";
  std::filesystem::remove(partial, ec);
  try {
    {
      // Its own connection, so the backup's long read neither blocks the store's reads nor the writer (WAL).
      auto source = sql::Database::open_for_reading(options().path);
      configure(*source, options());
      sql::Database destination(partial, sql::OpenMode::create);
      sqlite3_backup* backup = sqlite3_backup_init(destination.handle(), "main", source->handle(), "main");
      if (backup == nullptr) destination.fail(sqlite3_errcode(destination.handle()), "starting the backup");
      // One step copies every page inside one read transaction: a consistent picture of one moment.
      int rc = sqlite3_backup_step(backup, -1);
      sqlite3_backup_finish(backup);
      if (rc != SQLITE_DONE) destination.fail(rc, "copying pages");
      if (destination.pragma_text("integrity_check") != "ok") {
        throw sql::Error(SQLITE_CORRUPT, "the copy does not pass its integrity check");
      }
    }
    std::filesystem::rename(partial, target);
    return true;
  } catch (const sql::Error& e) {
    std::filesystem::remove(partial, ec);
    return storage_error(e, "backing up to " + target.string());
  } catch (const std::filesystem::filesystem_error& e) {
    std::filesystem::remove(partial, ec);
    return storage_error("backing up to " + target.string() + " failed: " + e.what());
  }
}

}  // namespace

core::Result<std::unique_ptr<Store>> Store::open(const StoreOptions& options) {
  if (is_postgres_url(options.path.string())) return open_postgres(options);
  std::error_code ec;
  if (options.read_only && !std::filesystem::exists(options.path, ec)) {
    return storage_error("cannot open " + options.path.string() + ": no such file");
  }
  try {
    std::unique_ptr<sql::Database> writer;
    if (!options.read_only) {
      writer = std::make_unique<sql::Database>(options.path, sql::OpenMode::create);
      configure(*writer, options);
      if (writer->read_only()) {
        return storage_error(
            options.path.string() +
            " is read-only for this user; nothing can be stored in it (reading it works with "
            "`dais verify` and `dais recount`)");
      }
      configure_writer(*writer, options);
      auto version = migrate(*writer);
      if (!version) return version.error();
    }
    auto reader = options.read_only ? sql::Database::open_for_reading(options.path)
                                    : std::make_unique<sql::Database>(options.path, sql::OpenMode::read_only);
    configure(*reader, options);
    if (options.read_only) {
      auto version = read_schema_version(*reader);
      if (!version) return version.error();
      if (version->version == 0)
        return storage_error(options.path.string() + " is empty: no Dais database in it");
    }
    return std::unique_ptr<Store>(
        std::make_unique<SqliteStore>(options, std::move(writer), std::move(reader)));
  } catch (const sql::Error& e) {
    return storage_error(e, "opening " + options.path.string());
  }
}

}  // namespace dais::store
