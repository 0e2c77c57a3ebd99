#pragma once
// The store's tests use the throwaway PostgreSQL cluster of tools/pgcluster (shared with the failover bench);
// pg_cluster.cpp here stops it when the tests end and drops each test's databases after it.
#include "pgcluster/pg_cluster.hpp"
