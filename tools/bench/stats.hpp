#pragma once
// Latency samples and their summary: percentiles by the nearest-rank method over every sample.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dais::bench {

struct LatencySummary {
  std::int64_t count = 0;
  double p50_ms = 0, p95_ms = 0, p99_ms = 0, max_ms = 0;
};

// Samples in microseconds.
LatencySummary summarize(std::vector<std::int64_t> samples_us);
nlohmann::json to_json(const LatencySummary& s);

// One scenario's outcome: named figures for the table and the JSON report, and whether it completed.
struct ScenarioReport {
  std::string name;
  bool complete = true;
  std::vector<std::string> problems;  // what did not happen (timeouts, errors, lost acks)
  nlohmann::json figures = nlohmann::json::object();
};

// A plain-text table of every figure, one row per scenario and figure.
std::string format_table(const std::vector<ScenarioReport>& reports);

}  // namespace dais::bench
