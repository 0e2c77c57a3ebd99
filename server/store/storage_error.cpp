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
// By SQLSTATE, its class (the first two characters) where the class says enough.
std::string_view plain_words(const std::string& sqlstate) {
  if (sqlstate == "53100") return "the database server's disk is full";
  if (sqlstate == "25006") return "the database is read-only (a standby, or a read-only transaction)";
  if (sqlstate == "40001" || sqlstate == "40P01") return "it collided with another writer; try again";
  if (sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03")
    return "the database server is shutting down or starting up";
  const std::string_view cls = std::string_view(sqlstate).substr(0, 2);
  if (cls == "08") return "the database server cannot be reached, or the connection broke";
  if (cls == "28") return "the database server refused the user name or password";
  if (cls == "3D") return "the database does not exist on the server";
  if (cls == "23") return "it conflicts with what is already stored";
  if (cls == "53") return "the database server is out of resources (memory, disk or connections)";
  if (cls == "42") return "the database's tables are not the ones this build expects";
  if (cls == "XX") return "the database server reports internal damage; restore it from a backup";
  return "a storage error";
}

}  // namespace

core::Error storage_error(const pg::Error& e, std::string_view doing) {
  std::string message(doing);
  message += " failed: ";
  message += plain_words(e.sqlstate());
  message += " [";
  message += e.what();
  message += ']';
  return core::make_error(core::ErrorCode::storage_failed, std::move(message));
}

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
