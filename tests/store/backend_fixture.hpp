#pragma once
// The store's contract tests run on both backends: a temporary SQLite file, or a fresh database on the
// PostgreSQL test cluster (pg_cluster.hpp). A suite derives from BackendTest, uses open() and count(), and is
// instantiated with DAIS_ON_BOTH_BACKENDS(Suite); its PostgreSQL cases carry Postgres in their names.
#include <string>

#include "pg_cluster.hpp"
#include "store/pg.hpp"
#include "store_fixture.hpp"

namespace dais::store::testing {

enum class Backend : std::uint8_t { sqlite, postgres };

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::sqlite ? "SQLite" : "Postgres";
}

class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (postgres()) url_ = PgCluster::shared().create_database();
  }

  bool postgres() const { return GetParam() == Backend::postgres; }
  // Where the store lives: the file's path or the database's URL.
  std::string location() const { return postgres() ? url_ : (dir_ / "h.db").string(); }
  std::unique_ptr<Store> open(StoreOptions options = {}) {
    options.path = location();
    return open_store(options);
  }

  // Runs `f` with a direct read-write connection to the store's database (sql::Database or pg::Connection).
  template <class F>
  auto on_database(F&& f) {
    if (postgres()) {
      pg::Connection db(url_);
      return f(db);
    }
    sql::Database db(dir_ / "h.db", sql::OpenMode::read_write);
    return f(db);
  }

  // The single integer that `sql` selects.
  std::int64_t count(const std::string& sql) {
    return on_database([&](auto& db) {
      auto q = db.query(sql);
      q.next();
      return q.int64(0);
    });
  }

  void exec(const std::string& sql) {
    on_database([&](auto& db) { db.exec(sql); });
  }

 private:
  TempDir dir_;
  std::string url_;
};

#define DAIS_ON_BOTH_BACKENDS(Suite)                                                                         \
  INSTANTIATE_TEST_SUITE_P(                                                                                  \
      Backends, Suite,                                                                                       \
      ::testing::Values(::dais::store::testing::Backend::sqlite, ::dais::store::testing::Backend::postgres), \
      ::dais::store::testing::backend_name)

}  // namespace dais::store::testing
