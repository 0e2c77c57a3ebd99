#include "store/storage_error.hpp"

#include <sqlite3.h>

#include <string>

namespace dais::store {

namespace {
std::string_view plain_words(int primary) {
  switch (primary) {
    case SQLITE_FULL:
      return "the disk, or the database's size limit, is full";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "the database file is locked by another connection or process";
    case SQLITE_READONLY:
      return "the database file is read-only";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return "the database file is damaged or not a database; restore it from a backup";
    case SQLITE_IOERR:
      return "a disk I/O error";
    case SQLITE_CANTOPEN:
      return "the database file cannot be opened";
    case SQLITE_CONSTRAINT:
      return "it conflicts with what is already stored";
    case SQLITE_NOMEM:
      return "out of memory";
    default:
      return "a storage error";
  }
}
}  // namespace

core::Error storage_error(const sql::Error& e, std::string_view doing) {
  std::string message(doing);
  message += " failed: ";
  message += plain_words(e.primary());
  message += " [";
  message += e.what();
  message += ']';
  return core::make_error(core::ErrorCode::storage_failed, std::move(message));
}

core::Error storage_error(std::string_view message) {
  return core::make_error(core::ErrorCode::storage_failed, std::string(message));
}

}  // namespace dais::store
