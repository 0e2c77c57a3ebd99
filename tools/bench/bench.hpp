#pragma once
// One benchmark run: the server under test (started here from the `dais` binary, or an already running one),
// the hearing's join tokens, and a hall with one tablet per participant that the scenarios use.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_hearing.hpp"
#include "bench/hall.hpp"
#include "bench/server_process.hpp"
#include "bench/stats.hpp"

namespace dais::bench {

struct BenchOptions {
  std::string dais;                     // the `dais` binary to start; empty to attach to a running server
  std::vector<std::string> serve_args;  // extra arguments for `dais serve`
  std::string url;                      // attach: ws://127.0.0.1:PORT/ws
  pid_t pid = 0;                        // attach: the server's pid (for RSS and CPU), 0 if unknown
  std::filesystem::path tokens_file;    // attach: tokens written by `dais import --tokens-out`
  std::filesystem::path workdir;        // where the hearing, the db and the tokens go (a temp dir if empty)
  HearingSize size;
  std::size_t threads = 2;
  std::size_t sources = 1;
  std::size_t join_in_flight = 256;
};

// Reads the file `dais import --tokens-out` wrote: participant id → token.
std::map<std::string, std::string> read_tokens(const std::filesystem::path& file);
// "… listening on http://127.0.0.1:PORT …" → PORT.
std::optional<std::uint16_t> listening_port(const std::string& line);
// Imports a hearing definition into a fresh db and writes the tokens file; returns a message when it failed.
std::optional<std::string> import_hearing(const std::string& dais, const std::filesystem::path& definition,
                                          const std::filesystem::path& db,
                                          const std::filesystem::path& tokens);
std::filesystem::path make_temp_dir(const std::string& prefix);

// The latest tally the chair or a display saw for one ballot (updated on the observer's I/O thread).
class TallyWatch {
 public:
  // From now on, counts `seen` down once per observer when it sees the ballot's tally reach `sheets`.
  void expect(const std::string& ballot, std::int64_t sheets, std::size_t observers);
  void observe(std::size_t observer, const nlohmann::json& sections, Clock::time_point at);
  bool wait(std::chrono::milliseconds timeout) { return seen_.wait(timeout); }
  std::vector<Clock::time_point>
  seen_at();  // when each observer saw it (unset entries for those that did not)

 private:
  std::mutex mutex_;
  std::string ballot_;
  std::int64_t sheets_ = -1;
  std::map<std::size_t, Clock::time_point> seen_at_;
  Countdown seen_;
};

// A number the view shows for one ballot (e.g. "sheets" in the tally section, "voted" in the ballots
// section), found by the ballot's id wherever the engine's view puts it.
std::optional<std::int64_t> ballot_figure(const nlohmann::json& section, const std::string& ballot,
                                          const std::string& key);
std::optional<std::int64_t> tally_sheets(const nlohmann::json& tally_section, const std::string& ballot);

// The server's counters of WebSocket messages and payload bytes sent (dais_messages_out_total,
// dais_bytes_out_total).
struct SentCounts {
  std::int64_t messages = 0;
  std::int64_t bytes = 0;
};

class Bench {
 public:
  explicit Bench(BenchOptions options);
  ~Bench();

  Hall& hall() { return *hall_; }
  const BenchOptions& options() const { return options_; }
  std::size_t chair() const { return chair_; }
  std::size_t questioner() const { return questioner_; }
  std::size_t secretary() const { return secretary_; }  // the check-in desk
  const std::vector<std::size_t>& displays() const { return displays_; }
  const std::vector<std::size_t>& voters() const { return voters_; }
  std::vector<std::size_t> observers() const;  // the chair and the displays
  std::vector<std::size_t> staff() const;      // the chair, the secretary and the displays
  std::vector<std::size_t> everyone() const;
  TallyWatch& tally_watch() { return tally_watch_; }
  ServerProcess* server() { return server_.get(); }
  pid_t server_pid() const;
  const std::filesystem::path& db() const { return db_; }
  // Sends `sig` to the server this bench started and waits for it to end; returns its wait status.
  std::optional<int> stop_server(int sig, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Starts the server again on the same port and database (after stop_server).
  void restart_server();
  // The chair's copy of the hearing: the sections of its last full welcome with every later update applied.
  nlohmann::json chair_view();

  // Joins every tablet; returns problems (empty when all joined). With idle_memory, the server's RSS per
  // connection is read once it gave back what the joins left freed (up to 10 s more each side of the join).
  std::vector<std::string> join_all(nlohmann::json& figures, bool idle_memory = false);
  // Sends one chair command and waits for its answer (bounded).
  Answer chair_do(nlohmann::json command, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Once per run: the chair opens check-in.
  bool open_check_in(std::vector<std::string>& problems);
  // Once per run: the chair opens check-in, checks one voter in (unless some already are) and starts the
  // session.
  bool start_session(std::vector<std::string>& problems);
  // Voters 1 … checked_in() have been checked in at the desk.
  std::int64_t checked_in() const { return checked_in_; }
  void set_checked_in(std::int64_t voters) { checked_in_ = voters; }
  // The chair's commands that bring the hearing to an open ballot on slot S1; returns the ballot id.
  std::optional<std::string> open_ballot(std::vector<std::string>& problems, const std::string& slot);
  std::string next_id(const std::string& prefix);

  // The server's RSS and CPU now, and as figures for a report.
  std::optional<ProcessUsage> server_usage() const;
  // What the server has sent over WebSockets so far (its /metrics counters), for a phase's traffic.
  std::optional<SentCounts> server_sent() const;
  // One figure of the server's /metrics (a counter or gauge by its name), nothing when unreadable.
  std::optional<std::int64_t> server_metric(const std::string& name) const;
  // GET `path` from the server's HTTP side: the status and body, nothing when it did not answer.
  std::optional<std::pair<int, std::string>> http_get(const std::string& path) const;
  // Whether the server process is still there (the one this bench started, or the attached pid).
  bool server_alive();

 private:
  std::optional<std::int64_t> settled(std::int64_t trims) const;
  void start_server();
  void launch_server(std::uint16_t port);
  void mirror_chair(const FrameHead& head, const nlohmann::json& frame);

  BenchOptions options_;
  std::unique_ptr<ServerProcess> server_;
  std::filesystem::path db_;
  std::uint16_t port_ = 0;
  std::mutex chair_view_mutex_;
  nlohmann::json chair_view_ = nlohmann::json::object();
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<Hall> hall_;
  std::size_t chair_ = 0, questioner_ = 0, secretary_ = 0;
  std::vector<std::size_t> displays_, voters_;
  TallyWatch tally_watch_;
  std::int64_t next_id_ = 0;
  bool setup_done_ = false;
  bool check_in_open_ = false;
  std::int64_t checked_in_ = 0;
};

// Wall time and CPU of the server and of this load client over one phase.
class PhaseMeter {
 public:
  explicit PhaseMeter(const Bench& bench);
  // server_cpu_percent, client_cpu_percent, server_rss_mb, wall_s, messages_out, bytes_out
  nlohmann::json figures() const;

 private:
  const Bench& bench_;
  Clock::time_point start_;
  std::optional<ProcessUsage> server_start_;
  std::optional<SentCounts> sent_start_;
  double client_start_s_;
};

double client_cpu_s();
double ms_between(Clock::time_point from, Clock::time_point to);

}  // namespace dais::bench
