#pragma once
// The failover and split-brain checks (docs/scale-out.md, docs/benchmarks.md): a throwaway PostgreSQL
// cluster, N `dais serve --node` processes on it and HAProxy in front (tools/scale-out/haproxy.cfg), every
// tablet joined through HAProxy; during a vote wave the node serving the hearing is SIGKILLed (or, with
// split_brain, SIGSTOPped and later continued). Measures how long until another node serves the tablets and
// checks that every acked sheet is counted exactly once and that a stopped-and-continued owner commits
// nothing.
#include <cstdint>
#include <filesystem>
#include <string>

namespace dais::bench {

struct FailoverOptions {
  std::string dais;
  std::int64_t voters = 2000;
  int nodes = 2;
  int kills = 1;
  bool split_brain = false;
  std::uint64_t seed = 7;
  int lease_ms = 2000;
  std::string haproxy = "/usr/sbin/haproxy";
  std::filesystem::path haproxy_config;  // the reference configuration (tools/scale-out/haproxy.cfg)
  std::filesystem::path workdir;
  bool keep = false;
};

// Prints each kill's figures and a verdict; returns 0 when every check held.
int failover(const FailoverOptions& options);

}  // namespace dais::bench
