#include <algorithm>

#include "bench/scenarios.hpp"

namespace dais::bench {

using nlohmann::json;
using namespace std::chrono_literals;

ScenarioReport reconnect_storm(Bench& bench, const std::string& slot) {
  ScenarioReport report{"reconnect-storm", true, {}, json::object()};
  const auto who = audience(bench);
  // The hall's Wi-Fi goes away: every connection but the chair's is reset at once, and the hearing goes on.
  bench.hall().on_each(
      who, [](Tablet& t) { t.drop(); }, 60s);
  const Answer a = bench.chair_do(extend_timer(slot));
  if (!a.ok) {
    report.problems.push_back("extend_timer: " + a.error + " " + a.frame);
    report.complete = false;
    return report;
  }
  const PhaseMeter meter(bench);
  const auto t0 = Clock::now();
  const auto joined = bench.hall().join(
      who, 0, [](Tablet& t) { return std::optional<std::int64_t>(t.last_seq()); }, 60s);
  std::int64_t missing = 0;
  const auto arrivals = reach(bench, who, a.seq, 30s, missing);
  Clock::time_point last = t0;
  std::int64_t current = 0;
  for (const auto& at : arrivals) {
    if (!at) continue;
    ++current;
    last = std::max(last, *at);
  }
  const auto resumed = gather<bool>(bench, who, [](Tablet& t) { return t.welcome_resumed(); });
  report.figures["phase"] = meter.figures();
  report.figures["clients"] = who.size();
  report.figures["rejoined"] = joined.joined;
  report.figures["rejoin_s"] = static_cast<double>(joined.took.count()) / 1e6;
  report.figures["current"] = current;
  report.figures["resumed"] = std::count(resumed.begin(), resumed.end(), true);
  report.figures["all_current_s"] = ms_between(t0, last) / 1000.0;
  if (joined.failed > 0) report.problems.push_back(std::to_string(joined.failed) + " did not rejoin");
  for (const auto& f : joined.failures) report.problems.push_back("rejoin: " + f);
  if (missing > 0) report.problems.push_back(std::to_string(missing) + " not current within 30 s");
  report.complete = report.problems.empty();
  return report;
}

ScenarioReport slow_consumers(Bench& bench, std::size_t slow, int rounds, const std::string& slot) {
  ScenarioReport report{"slow-consumers", true, {}, json::object()};
  auto who = audience(bench);
  const auto& voters = bench.voters();
  slow = std::min(slow, voters.size());
  // The last `slow` voters rejoin with a small receive window and then stop reading.
  const std::vector<std::size_t> stalled(voters.end() - static_cast<std::ptrdiff_t>(slow), voters.end());
  for (auto i : stalled) who.erase(std::remove(who.begin(), who.end(), i), who.end());
  bench.hall().on_each(
      stalled, [](Tablet& t) { t.set_receive_buffer(4096); }, 60s);
  const auto rejoined = bench.hall().join(
      stalled, 0, [](Tablet& t) { return std::optional<std::int64_t>(t.last_seq()); }, 60s);
  auto closed = std::make_shared<Countdown>(static_cast<std::int64_t>(stalled.size()));
  bench.hall().on_each(
      stalled,
      [closed](Tablet& t) {
        t.notify_lost(closed);
        t.stop_reading();
      },
      60s);
  const auto before = bench.server_usage();
  const PhaseMeter meter(bench);
  const auto latency = fanout_rounds(bench, who, rounds, slot, report.problems);
  const auto after = bench.server_usage();
  report.figures["phase"] = meter.figures();
  report.figures["stalled"] = stalled.size();
  report.figures["stalled_rejoined"] = rejoined.joined;
  report.figures["others"] = who.size();
  report.figures["rounds"] = rounds;
  report.figures["others_latency"] = to_json(summarize(latency));
  report.figures["stalled_closed_by_server"] = static_cast<std::int64_t>(stalled.size()) - closed->left();
  if (before && after) {
    report.figures["server_rss_before_mb"] = static_cast<double>(before->rss_kb) / 1024.0;
    report.figures["server_rss_after_mb"] = static_cast<double>(after->rss_kb) / 1024.0;
  }
  // The stalled tablets read again; they end up current or closed (and would then resume).
  bench.hall().on_each(
      stalled,
      [](Tablet& t) {
        t.notify_lost(nullptr);
        t.start_reading();
      },
      60s);
  report.complete = report.problems.empty();
  return report;
}

}  // namespace dais::bench
