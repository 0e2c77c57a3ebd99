#pragma once
// The PostgreSQL database's schema, versioned as the SQLite file's is (migrations.hpp): the same version
// numbers name the same tables, translated. The meta table holds the version, the oldest version whose code
// can still use the database, and the application id that SQLite keeps in its header.
#include <cstdint>

#include "core/result.hpp"
#include "store/migrations.hpp"
#include "store/pg.hpp"

namespace dais::store {

inline constexpr std::int64_t kPgSchemaVersion = 8;

// Reads the meta table without changing anything. Errors: not a Dais database, or one from a newer
// incompatible version.
core::Result<SchemaVersion> read_schema_version(pg::Connection& db);

// Checks the version and runs the migrations the database lacks, each in its own transaction behind the
// writer lock (another process may be migrating the same database).
core::Result<SchemaVersion> migrate(pg::Connection& db);

}  // namespace dais::store
