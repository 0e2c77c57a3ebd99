#include <algorithm>
#include <cmath>
#include <iostream>
#include <thread>

#include "bench/scenarios.hpp"

namespace dais::bench {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// Waits until the server holds no WebSocket connection (it noticed every reset); false after the timeout.
bool all_released(Bench& bench, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (bench.server_metric("dais_connections").value_or(-1) == 0) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);  // polling /metrics, the only way to see the count from outside
  }
}

}  // namespace

bool rss_settled(const std::vector<double>& rss_mb, double tolerance) {
  if (rss_mb.size() < 2) return true;
  return std::abs(rss_mb.back() - rss_mb.front()) <= tolerance * rss_mb.front();
}

ScenarioReport soak(Bench& bench, int rounds, const std::string& slot) {
  ScenarioReport report{"soak", true, {}, json::object()};
  const auto everyone = bench.everyone();
  json per_round = json::array();
  std::vector<double> rss_mb;
  const PhaseMeter meter(bench);
  for (int r = 1; r <= rounds; ++r) {
    // Every tablet joins (in the first round they still are, from the run's join).
    std::vector<std::size_t> away;
    const auto connected = gather<bool>(bench, everyone, [](Tablet& t) { return t.connected(); });
    for (std::size_t k = 0; k < everyone.size(); ++k) {
      if (!connected[k]) away.push_back(everyone[k]);
    }
    const auto joined = bench.hall().join(away, bench.options().join_in_flight, nullptr, 300s);
    json round = {{"round", r}, {"joined", joined.joined}};
    if (joined.failed > 0) {
      report.problems.push_back("round " + std::to_string(r) + ": " + std::to_string(joined.failed) +
                                " tablets did not join" +
                                (joined.failures.empty() ? "" : " (" + joined.failures.front() + ")"));
    }
    // The chair acts, so that its update is on the way to every tablet when the hall's network goes away:
    // every connection is reset at once, no close frame.
    const Answer a = bench.chair_do(extend_timer(slot));
    if (!a.ok) report.problems.push_back("round " + std::to_string(r) + ": extend_timer: " + a.error);
    bench.hall().on_each(
        everyone, [](Tablet& t) { t.drop(); }, 60s);
    const auto dropped_at = Clock::now();
    const bool released = all_released(bench, 60s);
    round["released_ms"] = ms_between(dropped_at, Clock::now());
    const bool alive = bench.server_alive();
    const auto health = bench.http_get("/healthz");
    const bool healthy = health && health->first == 200;
    round["server_alive"] = alive;
    round["healthz"] = healthy;
    if (const auto u = bench.server_usage()) {
      rss_mb.push_back(static_cast<double>(u->rss_kb) / 1024.0);
      round["server_rss_mb"] = rss_mb.back();
    }
    per_round.push_back(round);
    std::cout << "soak: round " << r << " " << round.dump() << std::endl;
    if (!released)
      report.problems.push_back("round " + std::to_string(r) + ": connections still open after 60 s");
    if (!alive || !healthy) {
      report.problems.push_back("round " + std::to_string(r) + ": the server is " +
                                (alive ? "up but /healthz did not answer 200" : "gone"));
      break;
    }
  }
  report.figures["phase"] = meter.figures();
  report.figures["rounds"] = per_round;
  report.figures["tablets"] = everyone.size();
  if (!rss_mb.empty()) {
    report.figures["first_round_rss_mb"] = rss_mb.front();
    report.figures["last_round_rss_mb"] = rss_mb.back();
    report.figures["rss_change_percent"] = 100.0 * (rss_mb.back() - rss_mb.front()) / rss_mb.front();
  }
  if (!rss_settled(rss_mb, 0.10))
    report.problems.push_back("the last round's RSS is not within 10 % of the first round's");
  // The hall joins again, so that scenarios after this one find it as it was.
  const auto back = bench.hall().join(everyone, bench.options().join_in_flight, nullptr, 300s);
  if (back.failed > 0) report.problems.push_back(std::to_string(back.failed) + " tablets did not join again");
  report.complete = report.problems.empty();
  return report;
}

}  // namespace dais::bench
