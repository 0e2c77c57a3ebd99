#include "bench/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace dais::bench {
namespace {

double at_rank(const std::vector<std::int64_t>& sorted, double fraction) {
  // Nearest rank: the smallest sample with at least `fraction` of all samples at or below it.
  auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]) / 1000.0;
}

std::string padded(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

void row(std::string& out, const std::string& scenario, const std::string& figure, const std::string& value) {
  out += padded(scenario, 17) + padded(figure, 41) + value + "\n";
}

std::string format_value(const nlohmann::json& value) {
  if (!value.is_number_float()) return value.is_string() ? value.get<std::string>() : value.dump();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", value.get<double>());
  return buf;
}

void flatten(std::string& out, const std::string& scenario, const std::string& prefix,
             const nlohmann::json& value) {
  if (!value.is_object()) {
    row(out, scenario, prefix, format_value(value));
    return;
  }
  for (const auto& [key, item] : value.items())
    flatten(out, scenario, prefix.empty() ? key : prefix + "." + key, item);
}

}  // namespace

LatencySummary summarize(std::vector<std::int64_t> samples_us) {
  LatencySummary s;
  s.count = static_cast<std::int64_t>(samples_us.size());
  if (samples_us.empty()) return s;
  std::sort(samples_us.begin(), samples_us.end());
  s.p50_ms = at_rank(samples_us, 0.50);
  s.p95_ms = at_rank(samples_us, 0.95);
  s.p99_ms = at_rank(samples_us, 0.99);
  s.max_ms = static_cast<double>(samples_us.back()) / 1000.0;
  return s;
}

nlohmann::json to_json(const LatencySummary& s) {
  return {{"count", s.count},
          {"p50_ms", s.p50_ms},
          {"p95_ms", s.p95_ms},
          {"p99_ms", s.p99_ms},
          {"max_ms", s.max_ms}};
}

std::string format_table(const std::vector<ScenarioReport>& reports) {
  std::string out;
  row(out, "scenario", "figure", "value");
  for (const auto& r : reports) {
    flatten(out, r.name, "", r.figures);
    row(out, r.name, "status", r.complete ? "complete" : "INCOMPLETE");
    for (const auto& p : r.problems) row(out, r.name, "problem", p);
  }
  return out;
}

}  // namespace dais::bench
