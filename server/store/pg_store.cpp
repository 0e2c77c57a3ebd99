// The Store on PostgreSQL: the shared store (connected_store.hpp) on two libpq connections, a writer and a
// reader, on a database migrated to the same schema as the SQLite file (pg_migrations.cpp).
#include "store/pg_store.hpp"

#include "store/connected_store.hpp"
#include "store/pg_migrations.hpp"

namespace dais::store {

namespace {

class PostgresStore final : public ConnectedStore<pg::Connection> {
 public:
  using ConnectedStore::ConnectedStore;

  core::Result<bool> backup_to(const std::filesystem::path& /*target*/) override {
    return storage_error(
        "backing up is not supported on PostgreSQL by Dais itself; use pg_dump (or the server's own "
        "backups)");
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
    }
    auto reader = std::make_unique<pg::Connection>(url);
    reader->exec("SET default_transaction_read_only = on");  // the read connection never writes
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
