#pragma once
// The crash loop: a vote wave against a real `dais serve` that is SIGKILLed at random moments and restarted,
// checking from the voters' acks, the chair's view after each restart, the final tally, `dais verify` and
// `dais recount` that no acknowledged vote was lost and none was counted twice.
#include <cstdint>
#include <filesystem>
#include <string>

namespace dais::bench {

struct CrashLoopOptions {
  std::string dais;
  std::int64_t voters = 100;
  int rounds = 20;
  std::uint64_t seed = 7;
  std::filesystem::path workdir;
  bool keep = false;
};

// Prints what happened in each round and a verdict; returns 0 when every check held.
int crash_loop(const CrashLoopOptions& options);

}  // namespace dais::bench
