#include <map>
#include <random>

#include <boost/asio/steady_timer.hpp>

#include "bench/scenarios.hpp"

namespace dais::bench {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::string hex_receipt(std::mt19937_64& rng) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 32; ++i) s += digits[rng() % 16];
  return s;
}

}  // namespace

ScenarioReport vote_wave(Bench& bench, const WaveOptions& options) {
  ScenarioReport report{"vote-wave", true, {}, json::object()};
  const auto ballot = bench.open_ballot(report.problems, options.slot);
  if (!ballot) {
    report.complete = false;
    return report;
  }
  const auto& voters = bench.voters();
  const auto n = static_cast<std::int64_t>(voters.size());
  // The wave is over for the hall when the last live count reaches the chair and every display.
  bench.tally_watch().expect(*ballot, last_live_count(n, kBenchK), bench.observers().size());
  auto answered = std::make_shared<Countdown>(n);
  std::mt19937_64 rng(options.seed);
  const PhaseMeter meter(bench);
  const auto start = Clock::now() + 50ms;
  for (std::int64_t k = 0; k < n; ++k) {
    json marks = json::object();
    for (const auto& dim : kDimensions) marks[options.slot][dim] = {kGrades[rng() % kGrades.size()]};
    const json sheet = {
        {"type", "cast_sheet"},        {"id", "vote-" + *ballot},
        {"ballot", *ballot},           {"marks", marks},
        {"receipt", hex_receipt(rng)}, {"idempotency_key", "k-" + *ballot + "-" + std::to_string(k)}};
    const auto when = start + options.window * k / n;
    bench.hall().post(voters[static_cast<std::size_t>(k)],
                      [when, answered, frame = sheet.dump(), id = "vote-" + *ballot](Tablet& t) {
                        auto timer = std::make_shared<boost::asio::steady_timer>(t.context(), when);
                        timer->async_wait([timer, &t, answered, frame, id](boost::system::error_code ec) {
                          if (!ec) t.request(id, frame, answered);
                        });
                      });
  }
  const bool all_answered = answered->wait(options.window + 60s);
  const bool tally_seen = all_answered && bench.tally_watch().wait(10s);
  report.figures["phase"] = meter.figures();

  struct Outcome {
    std::optional<Answer> answer;
  };
  const std::string id = "vote-" + *ballot;
  const auto outcomes = gather<Outcome>(bench, voters, [&](Tablet& t) {
    auto it = t.answers().find(id);
    return Outcome{it == t.answers().end() ? std::nullopt : std::optional<Answer>(it->second)};
  });
  std::vector<std::int64_t> latency;
  std::map<std::string, std::int64_t> errors;
  Clock::time_point first_sent = Clock::time_point::max(), last_ack{};
  std::int64_t acked = 0, unanswered = 0;
  for (const auto& o : outcomes) {
    if (!o.answer || !o.answer->answered) {
      ++unanswered;
      continue;
    }
    first_sent = std::min(first_sent, o.answer->sent);
    if (!o.answer->ok) {
      ++errors[o.answer->error];
      continue;
    }
    ++acked;
    last_ack = std::max(last_ack, *o.answer->answered);
    latency.push_back(
        std::chrono::duration_cast<std::chrono::microseconds>(*o.answer->answered - o.answer->sent).count());
  }
  report.figures["voters"] = n;
  report.figures["window_s"] = static_cast<double>(options.window.count()) / 1000.0;
  report.figures["acked"] = acked;
  report.figures["errors"] = errors.empty() ? json::object() : json(errors);
  report.figures["unanswered"] = unanswered;
  report.figures["ack_latency"] = to_json(summarize(latency));
  if (acked > 0) {
    const double wave_s = ms_between(first_sent, last_ack) / 1000.0;
    report.figures["wave_s"] = wave_s;
    report.figures["acks_per_s"] = static_cast<double>(acked) / wave_s;
  }
  const auto seen = bench.tally_watch().seen_at();
  if (!seen.empty() && acked > 0) {
    double worst = 0;
    for (const auto& at : seen) worst = std::max(worst, ms_between(last_ack, at));
    report.figures["final_tally_after_last_ack_ms"] = worst;
  }
  report.figures["observers_saw_final_tally"] = seen.size();
  if (!all_answered) report.problems.push_back(std::to_string(answered->left()) + " sheets unanswered");
  if (acked != n) report.problems.push_back(std::to_string(n - acked) + " sheets not acknowledged");
  if (!tally_seen) report.problems.push_back("not every observer saw the final tally within 10 s");
  report.complete = report.problems.empty();
  return report;
}

}  // namespace dais::bench
