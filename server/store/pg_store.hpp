#pragma once
// The Store on PostgreSQL 15 (docs/storage.md, PostgreSQL): chosen by Store::open when the path is a
// postgresql:// URL.
#include <memory>
#include <string_view>

#include "store/store.hpp"

namespace dais::store {

// postgresql://… or postgres://… (libpq's two URL schemes).
bool is_postgres_url(std::string_view path);

core::Result<std::unique_ptr<Store>> open_postgres(const StoreOptions& options);

}  // namespace dais::store
