// The test binary's part of the PostgreSQL cluster (tools/pgcluster/pg_cluster.hpp): each test's databases
// are dropped when it ends, and the cluster is stopped when the tests end, whether they passed or not.
#include "pg_cluster.hpp"

#include <gtest/gtest.h>

namespace dais::store::testing {
namespace {

class PgClusterEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { PgCluster::stop_shared(); }
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

class DropDatabasesAfterEachTest : public ::testing::EmptyTestEventListener {
 public:
  void OnTestEnd(const ::testing::TestInfo& /*test*/) override {
    if (auto* cluster = PgCluster::started()) {
      for (const auto& failure : cluster->drop_databases()) ADD_FAILURE() << failure;
    }
  }
};

[[maybe_unused]] const bool kListening = [] {
  ::testing::UnitTest::GetInstance()->listeners().Append(new DropDatabasesAfterEachTest);
  return true;
}();

}  // namespace
}  // namespace dais::store::testing
