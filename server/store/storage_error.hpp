#pragma once
// One place that turns a SQLite or PostgreSQL failure into the error users read: what was being done, what
// went wrong in plain words (disk full, locked, read-only, damaged, unreachable), and the database's own
// detail.
#include <string_view>

#include "core/result.hpp"
#include "store/pg.hpp"
#include "store/sqlite.hpp"

namespace dais::store {

core::Error storage_error(const sql::Error& e, std::string_view doing);
core::Error storage_error(const pg::Error& e, std::string_view doing);
core::Error storage_error(std::string_view message);

}  // namespace dais::store
