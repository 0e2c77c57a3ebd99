#include <csignal>

#include "bench/gallery.hpp"
#include "bench/scenarios.hpp"

namespace dais::bench {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// The broadcast server as a child process, started as Bench starts `dais serve`: by its "listening on" line.
std::unique_ptr<ServerProcess> start_broadcast_server(const BeastBaseline& beast, std::uint16_t& port,
                                                      std::vector<std::string>& problems) {
  auto server = ServerProcess::start(
      {beast.program, "broadcast-server", "--port", "0", "--threads", std::to_string(beast.server_threads)});
  const auto line = server->wait_for_line("listening on", 30s);
  const auto listening = line ? listening_port(*line) : std::nullopt;
  if (!listening) {
    problems.push_back("the broadcast server did not start listening: " + server->recent_output());
    return nullptr;
  }
  port = *listening;
  return server;
}

// The reference server's CPU and memory and this client's CPU over the rounds, named as PhaseMeter names
// them.
class BroadcastMeter {
 public:
  explicit BroadcastMeter(pid_t server)
      : server_(server),
        start_(Clock::now()),
        server_start_(process_usage(server)),
        client_start_s_(client_cpu_s()) {}

  json figures() const {
    const double wall = std::chrono::duration<double>(Clock::now() - start_).count();
    json f;
    f["wall_s"] = wall;
    f["client_cpu_percent"] = 100.0 * (client_cpu_s() - client_start_s_) / wall;
    if (const auto now = process_usage(server_); now && server_start_) {
      f["server_cpu_percent"] = 100.0 * (now->cpu_s - server_start_->cpu_s) / wall;
      f["server_rss_mb"] = static_cast<double>(now->rss_kb) / 1024.0;
    }
    return f;
  }

 private:
  pid_t server_;
  Clock::time_point start_;
  std::optional<ProcessUsage> server_start_;
  double client_start_s_;
};

// `rounds` rounds one after the other with no pause between them, as fanout() runs its chair actions.
json broadcast_rounds(Gallery& gallery, int rounds, std::size_t bytes, std::vector<std::string>& problems) {
  std::vector<std::int64_t> latency;
  double worst_round_p99_ms = 0;
  std::int64_t wrong_size = 0;
  for (int r = 1; r <= rounds; ++r) {
    const auto round = gallery.round(r, bytes, 10s);
    std::vector<std::int64_t> this_round;
    for (const auto& d : round.deliveries) {
      if (!d.at) continue;
      this_round.push_back(std::chrono::duration_cast<std::chrono::microseconds>(*d.at - round.sent).count());
      wrong_size += d.bytes == bytes ? 0 : 1;
    }
    if (round.missing > 0)
      problems.push_back("round " + std::to_string(r) + ": " + std::to_string(round.missing) +
                         " onlookers did not get it");
    worst_round_p99_ms = std::max(worst_round_p99_ms, summarize(this_round).p99_ms);
    latency.insert(latency.end(), this_round.begin(), this_round.end());
  }
  if (wrong_size > 0) problems.push_back(std::to_string(wrong_size) + " frames arrived with another size");
  return {{"latency", to_json(summarize(latency))}, {"worst_round_p99_ms", worst_round_p99_ms}};
}

// Starts the reference server, connects `clients` onlookers and the trigger, runs the rounds, and stops it
// all again, so that every descriptor is free when it returns.
json measure_broadcast(const Bench& bench, const BeastBaseline& beast, std::size_t clients, std::size_t bytes,
                       int rounds, std::vector<std::string>& problems) {
  std::uint16_t port = 0;
  const auto server = start_broadcast_server(beast, port, problems);
  if (!server) return json::object();
  json figures = json::object();
  {
    const auto& o = bench.options();
    Gallery gallery({{"127.0.0.1", port, "/"}, o.threads, o.sources}, clients + 1);
    const auto connected = gallery.connect(o.join_in_flight, 300s);
    figures["connected"] = connected.connected;
    figures["connect_s"] = static_cast<double>(connected.took.count()) / 1e6;
    if (connected.failed > 0) {
      problems.push_back(std::to_string(connected.failed) +
                         " onlookers did not connect: " + connected.first_failure);
    } else {
      const BroadcastMeter meter(server->pid());
      figures.update(broadcast_rounds(gallery, rounds, bytes, problems));
      figures["phase"] = meter.figures();
    }
  }
  server->signal(SIGTERM);
  if (!server->wait_exit(20s)) server->signal(SIGKILL);
  return figures;
}

double p99_of(const json& figures) {
  const auto latency = figures.find("latency");
  return latency == figures.end() ? 0.0 : latency->value("p99_ms", 0.0);
}

}  // namespace

ScenarioReport fanout_beside_beast(Bench& bench, const ScenarioReport& dais_fanout, int rounds,
                                   const BeastBaseline& beast) {
  ScenarioReport report{"fanout-beast", true, {}, json::object()};
  const auto bytes = dais_fanout.figures.value("update_bytes", std::int64_t{0});
  if (!dais_fanout.complete || bytes <= 0) {
    report.problems.push_back("the fan-out against Dais did not complete: nothing to compare with");
    report.complete = false;
    return report;
  }
  const auto clients = audience(bench).size();
  const auto everyone = bench.everyone();
  // About 20,000 descriptors hold 10,000 tablets or 10,000 onlookers, not both: the tablets leave (reset, as
  // in the reconnect storm) while the reference server runs, and rejoin with resume_from afterwards.
  bench.hall().on_each(
      everyone, [](Tablet& t) { t.drop(); }, 60s);
  const json broadcast =
      measure_broadcast(bench, beast, clients, static_cast<std::size_t>(bytes), rounds, report.problems);
  const auto rejoined = bench.hall().join(
      everyone, bench.options().join_in_flight,
      [](Tablet& t) { return std::optional<std::int64_t>(t.last_seq()); }, 300s);
  const double dais_p99 = p99_of(dais_fanout.figures), beast_p99 = p99_of(broadcast);
  report.figures["clients"] = clients;
  report.figures["rounds"] = rounds;
  report.figures["frame_bytes"] = bytes;
  report.figures["beast"] = broadcast;
  report.figures["dais_p99_ms"] = dais_p99;
  report.figures["beast_p99_ms"] = beast_p99;
  report.figures["p99_ratio"] = beast_p99 > 0 ? dais_p99 / beast_p99 : 0.0;  // the target: ≤ 1.0
  report.figures["tablets_rejoin_s"] = static_cast<double>(rejoined.took.count()) / 1e6;
  if (rejoined.failed > 0)
    report.problems.push_back(std::to_string(rejoined.failed) + " tablets did not rejoin");
  for (const auto& f : rejoined.failures) report.problems.push_back("rejoin: " + f);
  report.complete = report.problems.empty();
  return report;
}

}  // namespace dais::bench
