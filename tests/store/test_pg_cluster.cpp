// The PostgreSQL test cluster itself: it starts, answers on its loopback port, and hands out fresh databases.
#include <gtest/gtest.h>

#include "pg_cluster.hpp"

namespace dais::store::testing {
namespace {

TEST(PostgresCluster, AnswersOnLoopbackAndCreatesFreshDatabases) {
  PgCluster& cluster = PgCluster::shared();
  EXPECT_TRUE(cluster.ready());
  EXPECT_GT(cluster.port(), 0);
  const std::string a = cluster.create_database();
  const std::string b = cluster.create_database();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("postgresql://dais@127.0.0.1:" + std::to_string(cluster.port()) + "/", 0), 0u) << a;
}

}  // namespace
}  // namespace dais::store::testing
