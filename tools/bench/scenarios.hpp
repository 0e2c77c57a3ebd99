#pragma once
// The load scenarios. Each runs against a Bench whose tablets have joined, bounded in count and time, and
// returns its figures; a scenario that could not finish says what was missing instead of waiting forever.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/bench.hpp"

namespace dais::bench {

struct WaveOptions {
  std::chrono::milliseconds window{10000};  // every voter casts once, spread evenly over the window
  std::uint64_t seed = 1;
  std::string slot = "S1";
};
// N voters cast a sheet each: ack latency, throughput, time until the chair and every display saw the final
// tally.
ScenarioReport vote_wave(Bench& bench, const WaveOptions& options);

// One chair action (a timer extension, which every role sees), `rounds` times: latency until it reached
// everyone.
ScenarioReport fanout(Bench& bench, int rounds, const std::string& slot);

// The reference for the fan-out target (issue 12, "≤ 1.0× Beast"): a bare Beast broadcast server, started
// from this program's `broadcast-server` subcommand (broadcast_server.hpp).
struct BeastBaseline {
  std::string program;  // the dais-bench binary
  std::size_t server_threads = 2;
};
// The fan-out once more, in the same run, against the bare Beast server: as many clients as `dais_fanout`
// had (plus the trigger in the chair's place), the same client threads and source addresses, the same number
// of rounds one after the other, frames of the size of the update Dais sent. The tablets leave while it runs
// and rejoin with resume_from afterwards. Figures: both p99s and their ratio (Dais / Beast).
ScenarioReport fanout_beside_beast(Bench& bench, const ScenarioReport& dais_fanout, int rounds,
                                   const BeastBaseline& beast);

// `events` chair actions sent back to back, each reaching everyone: deliveries per second.
ScenarioReport burst(Bench& bench, int events, const std::string& slot);

// Every voter's connection drops at once; all reconnect at once with resume_from: time until all are current.
ScenarioReport reconnect_storm(Bench& bench, const std::string& slot);

// `slow` voters stop reading; the chair acts `rounds` times: the other tablets' latency, the server's memory,
// and how many stalled tablets the server closed.
ScenarioReport slow_consumers(Bench& bench, std::size_t slow, int rounds, const std::string& slot);

// The secretary checks every voter not yet checked in at the desk, spread evenly over `over`: the bytes each
// staff connection (chair, secretary, displays) received, in all and per update, and the time until the
// staff screens showed the last check-in.
ScenarioReport checkin_rush(Bench& bench, std::chrono::milliseconds over);

// `rounds` times: every tablet joins, the chair acts, and every connection is reset at once. The server must
// stay up (its process and /healthz) and its RSS after the last round be within 10 % of the first round's.
ScenarioReport soak(Bench& bench, int rounds, const std::string& slot);
// Whether the last RSS is within `tolerance` (a fraction) of the first.
bool rss_settled(const std::vector<double>& rss_mb, double tolerance);

// Runs `fn` on each listed tablet's thread and gathers its results in order.
template <class T, class Fn>
std::vector<T> gather(Bench& bench, const std::vector<std::size_t>& which, Fn fn) {
  std::vector<T> out(which.size());
  std::vector<std::size_t> position(bench.hall().size());
  for (std::size_t k = 0; k < which.size(); ++k) position[which[k]] = k;
  bench.hall().on_each(
      which, [&](Tablet& t) { out[position[t.index()]] = fn(t); }, std::chrono::seconds(60));
  return out;
}

// The tablets that should see a chair action: everyone but the chair, who learns from its ack.
std::vector<std::size_t> audience(Bench& bench);
// Waits until every listed tablet is current with `seq`; returns each one's arrival time (nullopt: not
// reached), and in `missing` how many did not get there within the timeout.
std::vector<std::optional<Clock::time_point>> reach(Bench& bench, const std::vector<std::size_t>& who,
                                                    std::int64_t seq, std::chrono::milliseconds timeout,
                                                    std::int64_t& missing);
// `rounds` chair actions one after the other, each waited for at every listed tablet: all latencies in µs.
std::vector<std::int64_t> fanout_rounds(Bench& bench, const std::vector<std::size_t>& who, int rounds,
                                        const std::string& slot, std::vector<std::string>& problems);

// A timer extension of one second: a chair action every role sees (the agenda section).
nlohmann::json extend_timer(const std::string& slot);

}  // namespace dais::bench
