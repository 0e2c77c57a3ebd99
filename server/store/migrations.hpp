#pragma once
// The file's schema, versioned. The meta table holds the schema version and the oldest version whose code can
// still use the file (as in Chromium's sql::MetaTable): a build opens any file whose compatible version is
// not newer than its own schema version, migrates older files forward, and refuses newer incompatible ones
// without touching them.
#include <cstdint>
#include <string>

#include "core/result.hpp"
#include "store/sqlite.hpp"

namespace dais::store {

inline constexpr std::int64_t kSchemaVersion = 8;
inline constexpr std::int64_t kApplicationId =
    0x44414953;  // "DAIS" in the SQLite header (PRAGMA application_id)

struct SchemaVersion {
  std::int64_t version = 0;     // 0: a new, empty file
  std::int64_t compatible = 0;  // the oldest schema version that can still read and write this file
};

// Reads the meta table without changing the file. Errors: not a Dais file, or one from a newer incompatible
// version. Throws sql::Error when the file cannot be read at all (damaged, not a database).
core::Result<SchemaVersion> read_schema_version(sql::Database& db);

// Checks the version, switches the file to WAL and runs the migrations it lacks, each in its own transaction.
core::Result<SchemaVersion> migrate(sql::Database& db);

}  // namespace dais::store
