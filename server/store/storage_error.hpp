#pragma once
// One place that turns a SQLite failure into the error users read: what was being done, what went wrong in
// plain words (disk full, locked, read-only, damaged), and SQLite's own detail.
#include <string_view>

#include "core/result.hpp"
#include "store/sqlite.hpp"

namespace dais::store {

core::Error storage_error(const sql::Error& e, std::string_view doing);
core::Error storage_error(std::string_view message);

}  // namespace dais::store
