// dais-bench: load scenarios and a crash loop against a real `dais serve` on loopback.
//   dais-bench make-hearing --voters 10000 --out hearing.json
//   dais-bench run --dais build/default/server/app/dais --voters 2000
//   dais-bench crash-loop --dais build/default/server/app/dais --voters 100 --rounds 20 --seed 7
//   dais-bench failover --dais build/default/server/app/dais --voters 2000 --nodes 2 --kills 1
//   [--split-brain]
//   dais-bench broadcast-server --port 0 --threads 2     (the bare Beast reference of fanout-beast)
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "bench/broadcast_server.hpp"
#include "bench/crash_loop.hpp"
#include "bench/failover.hpp"
#include "bench/scenarios.hpp"

using namespace dais::bench;
using nlohmann::json;

namespace {

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

struct RunOptions {
  WaveOptions wave;
  int rounds = 20, events = 50;
  std::size_t slow = 100;
  std::chrono::milliseconds checkin{60000};
  int soak_rounds = 10;
  BeastBaseline beast;
};

// The report of the fan-out against Dais earlier in this run, or a fresh one: the comparison needs its p99
// and the size of its update.
ScenarioReport dais_fanout(Bench& bench, std::vector<ScenarioReport>& reports, const RunOptions& o) {
  for (const auto& r : reports) {
    if (r.name == "fanout") return r;
  }
  reports.push_back(fanout(bench, o.rounds, "S2"));
  return reports.back();
}

int run(BenchOptions options, const std::string& scenarios, const RunOptions& o,
        const std::string& json_out) {
  const auto fd_limit = raise_fd_limit();
  if (fd_limit < static_cast<std::int64_t>(options.size.voters) + 100) {
    std::cerr << "dais-bench: the file descriptor limit (" << fd_limit << ") is too low for "
              << options.size.voters << " tablets\n";
    return 2;
  }
  Bench bench(options);
  std::vector<ScenarioReport> reports;
  ScenarioReport join{"join", true, {}, json::object()};
  join.problems = bench.join_all(join.figures, true);
  join.complete = join.problems.empty();
  reports.push_back(join);
  if (join.complete) {
    for (const auto& name : split(scenarios)) {
      // The check-in rush comes before the session if it is the first scenario, and brings late arrivals
      // otherwise.
      if (name != "vote-wave" && name != "checkin-rush") {
        std::vector<std::string> problems;
        if (!bench.start_session(problems)) {
          reports.push_back({name, false, problems, json::object()});
          continue;
        }
      }
      if (name == "vote-wave") {
        reports.push_back(vote_wave(bench, o.wave));
      } else if (name == "fanout") {
        reports.push_back(fanout(bench, o.rounds, "S2"));
      } else if (name == "fanout-beast") {
        const ScenarioReport dais = dais_fanout(bench, reports, o);
        reports.push_back(fanout_beside_beast(bench, dais, o.rounds, o.beast));
      } else if (name == "burst") {
        reports.push_back(burst(bench, o.events, "S2"));
      } else if (name == "reconnect-storm") {
        reports.push_back(reconnect_storm(bench, "S2"));
      } else if (name == "slow-consumers") {
        reports.push_back(slow_consumers(bench, o.slow, o.rounds, "S2"));
      } else if (name == "checkin-rush") {
        reports.push_back(checkin_rush(bench, o.checkin));
      } else if (name == "soak") {
        reports.push_back(soak(bench, o.soak_rounds, "S2"));
      } else {
        std::cerr << "dais-bench: unknown scenario " << name << "\n";
        return 2;
      }
    }
  }
  if (const auto u = bench.server_usage()) {
    ScenarioReport server{"server", true, {}, json::object()};
    server.figures["rss_mb"] = static_cast<double>(u->rss_kb) / 1024.0;
    server.figures["peak_rss_mb"] = static_cast<double>(u->peak_rss_kb) / 1024.0;
    server.figures["cpu_s"] = u->cpu_s;
    reports.push_back(server);
  }
  std::cout << format_table(reports);
  json all = json::array();
  bool complete = true;
  for (const auto& r : reports) {
    all.push_back(
        {{"scenario", r.name}, {"complete", r.complete}, {"problems", r.problems}, {"figures", r.figures}});
    complete = complete && r.complete;
  }
  const json doc = {{"tablets", bench.hall().size()}, {"threads", options.threads}, {"scenarios", all}};
  if (!json_out.empty()) {
    std::ofstream(json_out) << doc.dump(2) << "\n";
  } else {
    std::cout << doc.dump() << "\n";
  }
  return complete ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"dais-bench: load scenarios and a crash loop for `dais serve`", "dais-bench"};
  app.require_subcommand(1);

  HearingSize size;
  auto* make = app.add_subcommand("make-hearing", "Write a hearing definition with N voters (JSON)");
  std::string out = "-";
  make->add_option("--voters", size.voters, "voters")->check(CLI::Range(1, 19000));
  make->add_option("--displays", size.displays, "displays")->check(CLI::Range(0, 50));
  make->add_option("--out", out, "output file (- for stdout)");

  BenchOptions options;
  std::string scenarios = "vote-wave,fanout,burst,reconnect-storm,slow-consumers";
  RunOptions o;
  double window_s = 10, checkin_s = 60;
  std::string json_out;
  auto* run_cmd = app.add_subcommand("run", "Run load scenarios");
  run_cmd->add_option("--dais", options.dais,
                      "the dais binary: import a fresh hearing and start `dais serve`");
  run_cmd->add_option("--serve-arg", options.serve_args, "an extra argument for `dais serve` (repeatable)");
  run_cmd->add_option("--url", options.url, "attach to a running server: ws://127.0.0.1:PORT/ws");
  run_cmd->add_option("--pid", options.pid, "attach: the server's pid, for RSS and CPU");
  run_cmd->add_option("--tokens", options.tokens_file, "attach: the tokens file of the bench hearing");
  run_cmd->add_option("--workdir", options.workdir,
                      "where the hearing, db and tokens go (default: a temp dir)");
  run_cmd->add_option("--voters", options.size.voters, "tablets that vote")->check(CLI::Range(1, 19000));
  run_cmd->add_option("--displays", options.size.displays, "display clients")->check(CLI::Range(0, 50));
  run_cmd->add_option("--threads", options.threads, "client I/O threads")->check(CLI::Range(1, 64));
  run_cmd->add_option("--sources", options.sources, "source addresses 127.0.0.1…N")
      ->check(CLI::Range(1, 200));
  run_cmd->add_option("--join-in-flight", options.join_in_flight, "joins under way at once");
  run_cmd->add_option("--scenarios", scenarios,
                      "comma-separated: "
                      "vote-wave,fanout,fanout-beast,burst,reconnect-storm,slow-consumers,checkin-rush,soak");
  run_cmd->add_option("--window", window_s, "vote-wave: seconds over which the votes are spread");
  run_cmd->add_option("--seed", o.wave.seed, "vote-wave: seed of the marks and receipts");
  run_cmd->add_option("--rounds", o.rounds, "fanout, fanout-beast and slow-consumers: chair actions")
      ->check(CLI::Range(1, 1000));
  run_cmd->add_option("--events", o.events, "burst: chair actions sent back to back")
      ->check(CLI::Range(1, 1000));
  run_cmd->add_option("--slow", o.slow, "slow-consumers: tablets that stop reading");
  run_cmd->add_option("--checkin-seconds", checkin_s, "checkin-rush: seconds over which the voters check in")
      ->check(CLI::Range(0.1, 3600.0));
  run_cmd->add_option("--soak-rounds", o.soak_rounds, "soak: rounds of everyone joining and vanishing")
      ->check(CLI::Range(1, 1000));
  run_cmd->add_option("--json", json_out, "write the JSON report here instead of stdout");

  std::uint16_t broadcast_port = 0;
  std::size_t broadcast_threads = 2;
  auto* broadcast_cmd = app.add_subcommand(
      "broadcast-server", "A bare Beast broadcast server on 127.0.0.1: the reference of fanout-beast");
  broadcast_cmd->add_option("--port", broadcast_port, "port (0: a free one, printed when listening)");
  broadcast_cmd->add_option("--threads", broadcast_threads, "I/O threads")->check(CLI::Range(1, 64));

  CrashLoopOptions crash;
  auto* crash_cmd =
      app.add_subcommand("crash-loop", "Kill `dais serve` during a vote wave, restart, check every ack");
  crash_cmd->add_option("--dais", crash.dais, "the dais binary")->required();
  crash_cmd->add_option("--voters", crash.voters, "voters")->check(CLI::Range(1, 19000));
  crash_cmd->add_option("--rounds", crash.rounds, "kills")->check(CLI::Range(1, 1000));
  crash_cmd->add_option("--seed", crash.seed, "seed of the kill moments and the marks");
  crash_cmd->add_option("--workdir", crash.workdir, "where the db goes (default: a temp dir)");
  crash_cmd->add_flag("--keep", crash.keep, "keep the work directory");

  FailoverOptions fail_over;
  fail_over.haproxy_config = DAIS_SCALE_OUT_CONFIG;
  auto* failover_cmd = app.add_subcommand(
      "failover", "Nodes on PostgreSQL behind HAProxy: kill (or stop) the hearing's node during a vote wave");
  failover_cmd->add_option("--dais", fail_over.dais, "the dais binary")->required();
  failover_cmd->add_option("--voters", fail_over.voters, "voters")->check(CLI::Range(1, 19000));
  failover_cmd->add_option("--nodes", fail_over.nodes, "dais serve --node processes")
      ->check(CLI::Range(2, 9));
  failover_cmd->add_option("--kills", fail_over.kills, "times the owner is killed (or stopped)")
      ->check(CLI::Range(1, 1000));
  failover_cmd->add_flag("--split-brain", fail_over.split_brain,
                         "SIGSTOP the owner, continue it after the takeover: it must commit nothing");
  failover_cmd->add_option("--seed", fail_over.seed, "seed of the kill moments and the marks");
  failover_cmd->add_option("--lease-ms", fail_over.lease_ms, "the nodes' --lease-ms")
      ->check(CLI::Range(500, 60000));
  failover_cmd->add_option("--haproxy", fail_over.haproxy, "the haproxy binary");
  failover_cmd->add_option("--haproxy-config", fail_over.haproxy_config,
                           "the reference configuration the loopback one is made from");
  failover_cmd->add_option("--workdir", fail_over.workdir,
                           "where the hearing and configs go (default: a temp dir)");
  failover_cmd->add_flag("--keep", fail_over.keep, "keep the work directory");

  CLI11_PARSE(app, argc, argv);
  try {
    if (*make) {
      const auto text = bench_hearing_json(size);
      if (out == "-") {
        std::cout << text;
      } else {
        std::ofstream(out) << text;
      }
      return 0;
    }
    if (*run_cmd) {
      if (options.dais.empty() && (options.url.empty() || options.tokens_file.empty())) {
        std::cerr << "dais-bench run: give --dais, or --url and --tokens\n";
        return 2;
      }
      o.wave.window = std::chrono::milliseconds(static_cast<std::int64_t>(window_s * 1000));
      o.checkin = std::chrono::milliseconds(static_cast<std::int64_t>(checkin_s * 1000));
      o.beast.program = std::filesystem::read_symlink("/proc/self/exe").string();
      return run(options, scenarios, o, json_out);
    }
    if (*failover_cmd) return failover(fail_over);
    if (*broadcast_cmd) return serve_broadcast(broadcast_port, broadcast_threads);
    return crash_loop(crash);
  } catch (const std::exception& e) {
    std::cerr << "dais-bench: " << e.what() << "\n";
    return 2;
  }
}
