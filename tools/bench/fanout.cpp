#include <algorithm>

#include <boost/asio/steady_timer.hpp>

#include "bench/scenarios.hpp"

namespace dais::bench {

using nlohmann::json;
using namespace std::chrono_literals;

json extend_timer(const std::string& slot) {
  return {{"type", "extend_timer"}, {"slot", slot}, {"timer", "report"}, {"seconds", 1}};
}

// The tablets that should see a chair action: everyone but the chair, who learns from its ack.
std::vector<std::size_t> audience(Bench& bench) {
  auto all = bench.everyone();
  all.erase(std::remove(all.begin(), all.end(), bench.chair()), all.end());
  return all;
}

// Waits until every listed tablet is current with `seq`; returns each one's arrival time (nullopt: not
// reached).
std::vector<std::optional<Clock::time_point>> reach(Bench& bench, const std::vector<std::size_t>& who,
                                                    std::int64_t seq, std::chrono::milliseconds timeout,
                                                    std::int64_t& missing) {
  auto done = std::make_shared<Countdown>(static_cast<std::int64_t>(who.size()));
  bench.hall().on_each(
      who, [&](Tablet& t) { t.expect_seq(seq, done); }, 60s);
  done->wait(timeout);
  missing = done->left();
  return gather<std::optional<Clock::time_point>>(bench, who, [](Tablet& t) { return t.seq_reached_at(); });
}

std::vector<std::int64_t> fanout_rounds(Bench& bench, const std::vector<std::size_t>& who, int rounds,
                                        const std::string& slot, std::vector<std::string>& problems) {
  std::vector<std::int64_t> latency;
  for (int r = 0; r < rounds; ++r) {
    const auto t0 = Clock::now();
    const Answer a = bench.chair_do(extend_timer(slot));
    if (!a.ok) {
      problems.push_back("extend_timer: " + a.error + " " + a.frame);
      break;
    }
    std::int64_t missing = 0;
    for (const auto& at : reach(bench, who, a.seq, 10s, missing)) {
      if (at) latency.push_back(std::chrono::duration_cast<std::chrono::microseconds>(*at - t0).count());
    }
    if (missing > 0)
      problems.push_back("round " + std::to_string(r) + ": " + std::to_string(missing) + " did not get it");
  }
  return latency;
}

namespace {

// The size of the update most of `who` got last (voters and staff may see different views): the comparison
// with a bare Beast server sends frames of this size.
std::int64_t typical_update_bytes(Bench& bench, const std::vector<std::size_t>& who) {
  auto sizes = gather<std::int64_t>(bench, who, [](Tablet& t) { return t.last_update_bytes(); });
  if (sizes.empty()) return 0;
  const auto middle = sizes.begin() + static_cast<std::ptrdiff_t>(sizes.size() / 2);
  std::nth_element(sizes.begin(), middle, sizes.end());
  return *middle;
}

}  // namespace

ScenarioReport fanout(Bench& bench, int rounds, const std::string& slot) {
  ScenarioReport report{"fanout", true, {}, json::object()};
  const auto who = audience(bench);
  std::vector<std::int64_t> latency, round_p99;
  std::vector<std::int64_t> chair_ack;
  const PhaseMeter meter(bench);
  for (int r = 0; r < rounds; ++r) {
    const auto t0 = Clock::now();
    const Answer a = bench.chair_do(extend_timer(slot));
    if (!a.ok) {
      report.problems.push_back("extend_timer: " + a.error + " " + a.frame);
      break;
    }
    chair_ack.push_back(std::chrono::duration_cast<std::chrono::microseconds>(*a.answered - t0).count());
    std::int64_t missing = 0;
    std::vector<std::int64_t> this_round;
    for (const auto& at : reach(bench, who, a.seq, 10s, missing)) {
      if (at) this_round.push_back(std::chrono::duration_cast<std::chrono::microseconds>(*at - t0).count());
    }
    if (missing > 0)
      report.problems.push_back("round " + std::to_string(r) + ": " + std::to_string(missing) +
                                " did not get it");
    round_p99.push_back(static_cast<std::int64_t>(summarize(this_round).p99_ms * 1000));
    latency.insert(latency.end(), this_round.begin(), this_round.end());
  }
  report.figures["phase"] = meter.figures();
  report.figures["clients"] = who.size();
  report.figures["rounds"] = rounds;
  report.figures["update_bytes"] = typical_update_bytes(bench, who);
  report.figures["latency"] = to_json(summarize(latency));
  report.figures["chair_ack"] = to_json(summarize(chair_ack));
  report.figures["worst_round_p99_ms"] =
      round_p99.empty() ? 0.0
                        : static_cast<double>(*std::max_element(round_p99.begin(), round_p99.end())) / 1000.0;
  report.complete = report.problems.empty();
  return report;
}

ScenarioReport burst(Bench& bench, int events, const std::string& slot) {
  ScenarioReport report{"burst", true, {}, json::object()};
  const auto who = audience(bench);
  const auto before = gather<std::int64_t>(bench, who, [](Tablet& t) { return t.updates(); });
  const auto bytes_before = gather<std::int64_t>(bench, who, [](Tablet& t) { return t.bytes(); });
  // All requests leave at once; the server's per-connection rate limit may turn some away (rate_limited),
  // and those are sent again once the chair's token bucket has refilled.
  const PhaseMeter meter(bench);
  const auto t0 = Clock::now();
  std::int64_t last_seq = 0, sent = 0, retried = 0;
  std::vector<json> todo(static_cast<std::size_t>(events), extend_timer(slot));
  const auto deadline = t0 + 30s;
  while (!todo.empty() && Clock::now() < deadline) {
    auto answered = std::make_shared<Countdown>(static_cast<std::int64_t>(todo.size()));
    std::vector<std::string> ids;
    for (auto& command : todo) {
      ids.push_back(bench.next_id("b"));
      command["id"] = ids.back();
      bench.hall().post(bench.chair(), [frame = command.dump(), id = ids.back(), answered](Tablet& t) {
        t.request(id, frame, answered);
      });
      ++sent;
    }
    answered->wait(30s);
    const auto answers = gather<std::map<std::string, Answer>>(bench, {bench.chair()},
                                                               [](Tablet& t) { return t.answers(); })[0];
    std::vector<json> again;
    for (std::size_t k = 0; k < ids.size(); ++k) {
      auto it = answers.find(ids[k]);
      if (it == answers.end() || !it->second.answered) {
        report.problems.push_back("no answer to " + ids[k]);
      } else if (it->second.ok) {
        last_seq = std::max(last_seq, it->second.seq);
      } else if (it->second.error == "rate_limited") {
        again.push_back(todo[k]);
      } else {
        report.problems.push_back("burst command: " + it->second.frame);
      }
    }
    retried += static_cast<std::int64_t>(again.size());
    todo = std::move(again);
    if (!todo.empty()) {
      // Pacing, not synchronisation: the token bucket refills at rate_per_s.
      std::this_thread::sleep_for(100ms);
    }
  }
  std::int64_t missing = 0;
  const auto arrivals = reach(bench, who, last_seq, 30s, missing);
  const auto after = gather<std::int64_t>(bench, who, [](Tablet& t) { return t.updates(); });
  const auto bytes_after = gather<std::int64_t>(bench, who, [](Tablet& t) { return t.bytes(); });
  Clock::time_point last = t0;
  for (const auto& at : arrivals) {
    if (at) last = std::max(last, *at);
  }
  std::int64_t deliveries = 0, bytes = 0;
  for (std::size_t k = 0; k < who.size(); ++k) {
    deliveries += after[k] - before[k];
    bytes += bytes_after[k] - bytes_before[k];
  }
  const double seconds = ms_between(t0, last) / 1000.0;
  report.figures["phase"] = meter.figures();
  report.figures["clients"] = who.size();
  report.figures["events"] = events;
  report.figures["rate_limited_retries"] = retried;
  report.figures["deliveries"] = deliveries;
  report.figures["expected_deliveries"] = static_cast<std::int64_t>(who.size()) * events;
  report.figures["seconds"] = seconds;
  report.figures["deliveries_per_s"] = seconds > 0 ? static_cast<double>(deliveries) / seconds : 0.0;
  // The server may carry several events of one group commit in one update (each section replaces the
  // client's copy): every tablet then holds all `events` once current with the last one's seq.
  report.figures["event_deliveries_per_s"] =
      seconds > 0 ? static_cast<double>(static_cast<std::int64_t>(who.size()) * events) / seconds : 0.0;
  report.figures["mb_per_s"] = seconds > 0 ? static_cast<double>(bytes) / seconds / 1e6 : 0.0;
  if (missing > 0) report.problems.push_back(std::to_string(missing) + " tablets did not get the last event");
  report.complete = report.problems.empty();
  return report;
}

}  // namespace dais::bench
