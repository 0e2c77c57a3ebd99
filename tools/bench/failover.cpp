#include "bench/failover.hpp"

#include <algorithm>
#include <csignal>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "bench/audit.hpp"
#include "bench/haproxy_front.hpp"
#include "bench/scenarios.hpp"
#include "pgcluster/pg_cluster.hpp"

namespace dais::bench {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// Close code of a client whose hearing another node serves (docs/protocol.md).
constexpr int kElsewhere = 4012;

struct Node {
  std::string name;
  std::uint16_t port = 0;
  std::unique_ptr<ServerProcess> process;
};

// One failover's figures, from the kill (or stop) of the owner.
struct Takeover {
  std::string from, to;
  std::int64_t acks_before = 0;  // of the round's sheets, acked before the kill
  std::int64_t in_flight = 0;    // sent and not answered when the owner went away
  double first_welcome_ms = 0;   // until the first tablet had a welcome from another node
  double all_current_ms = 0;     // until every tablet was current again
  std::int64_t rejoined = 0, resumed = 0, snapshots = 0;
  std::int64_t retried_duplicates = 0, retried_first = 0;  // the retries of the sheets in flight
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

class Failover {
 public:
  explicit Failover(const FailoverOptions& options) : options_(options), rng_(options.seed) {}

  int run() {
    std::cout << std::unitbuf;  // each round's line as it happens, also into a file or a pipe
    workdir_ = options_.workdir.empty() ? make_temp_dir("dais-failover") : options_.workdir;
    fs::create_directories(workdir_);
    bool ok = false;
    try {
      ok = start() && run_checks();
    } catch (const std::exception& e) {
      std::cout << "failover: " << e.what() << "\n";
    }
    report(ok);
    stop_all();
    if (!options_.keep) std::filesystem::remove_all(workdir_);
    return ok ? 0 : 1;
  }

 private:
  std::string mode() const { return options_.split_brain ? "split-brain" : "failover"; }

  bool fail(const std::string& why) {
    std::cout << mode() << ": " << why << "\n";
    for (const auto& n : nodes_) {
      if (n.process) std::cout << "node " << n.name << " output:\n" << n.process->recent_output();
    }
    if (haproxy_) std::cout << "haproxy output:\n" << haproxy_->recent_output();
    return false;
  }

  // ---- the parts: PostgreSQL, the hearing, the nodes, HAProxy ----

  bool start() {
    // Every tablet is two connections in HAProxy, which runs under this process's file descriptor limit.
    max_connections_ = haproxy_max_connections(raise_fd_limit());
    if (options_.voters + 10 > max_connections_) {
      return fail("HAProxy can hold at most " + std::to_string(max_connections_) +
                  " connections under this machine's file descriptor limit (ulimit -Hn); run fewer voters");
    }
    auto& cluster = store::testing::PgCluster::shared(store::testing::PgCluster::Storage::on_disk);
    db_ = cluster.create_database();
    std::cout << mode() << ": PostgreSQL cluster on port " << cluster.port() << ", database " << db_ << "\n";
    // Two voters more than the hall holds: the tablets that stay on the old owner in the split-brain check.
    HearingSize size;
    size.voters = options_.voters + 2;
    size.displays = 0;
    std::ofstream(workdir_ / "hearing.json") << bench_hearing_json(size);
    tokens_file_ = workdir_ / "tokens.txt";
    if (auto failed = import_hearing(options_.dais, workdir_ / "hearing.json", db_, tokens_file_))
      return fail(*failed);
    for (int k = 1; k <= options_.nodes; ++k) {
      nodes_.push_back(Node{"n" + std::to_string(k), 0, nullptr});
      if (!launch(nodes_.back())) return false;
    }
    return start_haproxy() && all_nodes_up();
  }

  bool launch(Node& node) {
    std::vector<std::string> argv{
        options_.dais, "serve",     "--db",       db_,
        "--bind",      "127.0.0.1", "--port",     std::to_string(node.port),
        "--node",      node.name,   "--lease-ms", std::to_string(options_.lease_ms)};
    node.process = ServerProcess::start(argv);
    const auto line = node.process->wait_for_line("listening on", 60s);
    const auto port = line ? listening_port(*line) : std::nullopt;
    if (!port) return fail("node " + node.name + " did not start listening");
    node.port = *port;
    return true;
  }

  bool start_haproxy() {
    std::ifstream in(options_.haproxy_config);
    if (!in) return fail("cannot read the reference configuration " + options_.haproxy_config.string());
    const std::string reference((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<FrontNode> front;
    for (const auto& n : nodes_) front.push_back({n.name, n.port});
    stats_socket_ = workdir_ / "haproxy.sock";
    // The port is free when chosen; should another process take it first, HAProxy cannot bind: try another.
    for (int attempt = 0; attempt < 3; ++attempt) {
      front_port_ = store::testing::free_loopback_port();
      const fs::path config = workdir_ / "haproxy.cfg";
      std::ofstream(config) << loopback_haproxy_config(reference, front_port_, front, stats_socket_,
                                                       max_connections_);
      haproxy_ = ServerProcess::start({options_.haproxy, "-db", "-f", config.string()});
      // Up once its stats socket answers (a failed start ends the process instead).
      const auto deadline = Clock::now() + 20s;
      while (haproxy_->running() && Clock::now() < deadline) {
        if (haproxy_server_status(stats_socket_, "nodes")) return true;
        haproxy_->wait_exit(50ms);  // between polls of the socket; returns at once if HAProxy ended
      }
      std::cout << "haproxy did not start:\n" << haproxy_->recent_output();
      haproxy_->signal(SIGKILL);
      haproxy_->wait_exit(10s);
    }
    return fail("HAProxy did not start");
  }

  // Waits until HAProxy's health checks see every running node up.
  bool all_nodes_up() {
    const auto deadline = Clock::now() + 30s;
    std::map<std::string, std::string> status;
    while (Clock::now() < deadline) {
      if (auto s = haproxy_server_status(stats_socket_, "nodes")) {
        status = *s;
        const bool up = std::all_of(nodes_.begin(), nodes_.end(),
                                    [&](const Node& n) { return status[n.name].rfind("UP", 0) == 0; });
        if (up && status.size() == nodes_.size()) return true;
      }
      haproxy_->wait_exit(100ms);  // between polls of the health state
    }
    return fail("HAProxy does not see every node up: " + json(status).dump());
  }

  // What each node's database session is doing and who blocks whom, for a takeover that did not happen.
  void show_database_sessions() {
    const auto out =
        run_command({"/usr/lib/postgresql/15/bin/psql", db_, "-c",
                     "SELECT pid, pg_blocking_pids(pid) AS blocked_by, state, wait_event_type, wait_event, "
                     "now() - xact_start AS in_transaction, left(query, 80) AS query FROM pg_stat_activity "
                     "WHERE datname = current_database() AND pid <> pg_backend_pid()",
                     "-c", "SELECT * FROM hearing_leases"},
                    10s);
    std::cout << "database sessions:\n" << out.output;
  }

  // Where the tablets that are not current again stand: connected or not, the node they ask for, how their
  // last connection ended.
  void show_stragglers() {
    const auto where = gather<std::string>(*bench_, hall_, [](Tablet& t) -> std::string {
      if (t.rejoined_at()) return "";
      return std::string(t.connected() ? "connected (hello sent, no welcome yet)" : "reconnecting") +
             ", asking for node=" + t.node() + ", " + std::to_string(t.redirects()) +
             " redirects, last: " + t.last_failure().substr(0, 60);
    });
    std::map<std::string, std::int64_t> count;
    for (const auto& w : where) {
      if (!w.empty()) ++count[w];
    }
    std::cout << "tablets not current again:\n";
    for (const auto& [w, n] : count) std::cout << "  " << n << " × " << w << "\n";
  }

  Node* node_named(const std::string& name) {
    for (auto& n : nodes_) {
      if (n.name == name) return &n;
    }
    return nullptr;
  }

  void stop_all() {
    bench_.reset();
    for (auto& n : nodes_) {
      if (!n.process) continue;
      n.process->signal(SIGCONT);
      n.process->signal(SIGTERM);
      if (!n.process->wait_exit(20s)) n.process->signal(SIGKILL);
    }
    if (haproxy_) {
      haproxy_->signal(SIGTERM);
      if (!haproxy_->wait_exit(10s)) haproxy_->signal(SIGKILL);
    }
    store::testing::PgCluster::stop_shared();
  }

  // ---- the hall ----

  bool join_hall() {
    BenchOptions b;
    b.url = "ws://127.0.0.1:" + std::to_string(front_port_) + "/ws";
    b.tokens_file = tokens_file_;
    b.workdir = workdir_;
    b.size.voters = options_.voters;
    b.size.displays = 0;
    b.threads = 2;
    b.join_in_flight = 128;
    // Every takeover reconnects the whole hall to one front port; spread the tablets over source addresses
    // 127.0.0.1 … so that repeated rounds do not run out of ephemeral ports to that one destination.
    b.sources = static_cast<std::size_t>(1 + options_.voters / 2500);
    bench_ = std::make_unique<Bench>(b);
    hall_ = bench_->everyone();
    // Every tablet of the hall follows its hearing from node to node, as the web client does.
    bench_->hall().on_each(
        hall_, [](Tablet& t) { t.follow(); }, 30s);
    json figures;
    const auto problems = bench_->join_all(figures);
    for (const auto& p : problems) std::cout << "  " << p << "\n";
    if (!problems.empty()) return fail("not every tablet joined through HAProxy");
    std::cout << mode() << ": " << hall_.size() << " tablets joined through HAProxy in "
              << figures.value("join_s", 0.0) << " s\n";
    return true;
  }

  // The node every tablet of the hall was last welcomed by; empty when they disagree or none was named.
  std::string owner() {
    const auto names = gather<std::string>(*bench_, hall_, [](Tablet& t) { return t.node(); });
    std::map<std::string, std::int64_t> count;
    for (const auto& n : names) ++count[n];
    if (count.size() != 1 || count.begin()->first.empty()) {
      std::cout << "  nodes named by the welcomes: " << json(count).dump() << "\n";
      return "";
    }
    return count.begin()->first;
  }

  // ---- the sheets ----

  bool prepare_sheets() {
    std::vector<std::string> problems;
    const auto ballot = bench_->open_ballot(problems, "S1");
    if (!ballot) return fail(problems.empty() ? "no ballot" : problems.front());
    ballot_ = *ballot;
    for (std::int64_t k = 0; k < options_.voters + 2; ++k) sheets_.push_back(make_sheet(k));
    return true;
  }

  Sheet make_sheet(std::int64_t k) { return seeded_sheet(rng_, ballot_, "failover-" + std::to_string(k)); }

  std::string frame_with_id(std::size_t k, const std::string& id) const {
    std::string frame = sheets_[k].frame;
    frame.replace(frame.find("\"sheet\""), 7, "\"" + id + "\"");
    return frame;
  }

  // Sends the listed sheets (voter k's from voter k's tablet) under request id `id`.
  std::shared_ptr<Countdown> send(const std::vector<std::size_t>& which, const std::string& id) {
    auto answered = std::make_shared<Countdown>(static_cast<std::int64_t>(which.size()));
    for (auto k : which) {
      bench_->hall().post(bench_->voters()[k], [id, frame = frame_with_id(k, id), answered](Tablet& t) {
        t.request(id, frame, answered);
      });
    }
    return answered;
  }

  // Takes in the answers to request `id`; false when one breaks a promise. `retry`: the answers are to
  // resent sheets, counted in `takeover`.
  bool collect(const std::string& id, const std::vector<std::size_t>& which, Takeover* retried,
               std::vector<std::size_t>* unanswered) {
    std::vector<std::size_t> tablets;
    for (auto k : which) tablets.push_back(bench_->voters()[k]);
    const auto answers = gather<std::optional<Answer>>(*bench_, tablets, [&](Tablet& t) {
      auto it = t.answers().find(id);
      return it == t.answers().end() ? std::nullopt : std::optional<Answer>(it->second);
    });
    for (std::size_t i = 0; i < which.size(); ++i) {
      Sheet& s = sheets_[which[i]];
      const auto& a = answers[i];
      if (!a || !a->answered) {
        if (unanswered) unanswered->push_back(which[i]);
        continue;
      }
      if (s.acked) continue;
      if (a->ok) {
        s.acked = true;
        s.duplicate = a->duplicate;
        if (retried) ++(a->duplicate ? retried->retried_duplicates : retried->retried_first);
      } else if (a->error == "shutting_down" || a->error == "storage_failed") {
        if (unanswered) unanswered->push_back(which[i]);  // refused, nothing stored: sent again
      } else {
        // A retry with the same idempotency key must get the original ack, never already_voted.
        return fail("voter " + std::to_string(which[i]) + " got " + a->frame);
      }
    }
    return true;
  }

  std::int64_t acked() const {
    return std::count_if(sheets_.begin(), sheets_.end(), [](const Sheet& s) { return s.acked; });
  }
  std::int64_t duplicates() const {
    return std::count_if(sheets_.begin(), sheets_.end(), [](const Sheet& s) { return s.duplicate; });
  }

  // ---- the checks ----

  bool run_checks() {
    if (!join_hall()) return false;
    const std::string first = owner();
    if (first.empty()) {
      return fail("the welcomes do not name one node: is `dais serve --node` in node mode (welcome.node)?");
    }
    std::cout << mode() << ": node " << first << " serves the hearing\n";
    if (!prepare_sheets()) return false;
    if (options_.split_brain && !join_beside_the_front(first)) return false;
    for (int round = 0; round < options_.kills; ++round) {
      if (!take_over(round)) return false;
    }
    return finish() && audit();
  }

  // The two spare voters' tablets connect straight to the owner's port, not through HAProxy: when the owner
  // is stopped and continued, they are what a client that never left it would be.
  bool join_beside_the_front(const std::string& owner_name) {
    const auto tokens = read_tokens(tokens_file_);
    const Node* owner = node_named(owner_name);
    if (owner == nullptr) return fail("no node " + owner_name);
    for (std::int64_t i : {options_.voters + 1, options_.voters + 2}) {
      Target direct;
      direct.port = owner->port;
      beside_.push_back(bench_->hall().add(tokens.at(voter_id(i)), direct));
    }
    const auto outcome = bench_->hall().join(beside_, 0, nullptr, 30s);
    if (outcome.joined != 2) return fail("the tablets beside the front did not join " + owner_name);
    return true;
  }

  bool take_over(int round) {
    if (!all_nodes_up()) return false;
    const std::string old_owner = owner();
    if (old_owner.empty()) return fail("round " + std::to_string(round) + ": no single owner");
    Node* victim = node_named(old_owner);
    std::vector<std::size_t> batch;
    // Each round votes its share of the hall; the sheets in flight at the kill are retried within the round.
    const std::int64_t size = (options_.voters + options_.kills - 1) / options_.kills;
    for (std::size_t k = 0;
         k < static_cast<std::size_t>(options_.voters) && static_cast<std::int64_t>(batch.size()) < size;
         ++k) {
      if (!sheets_[k].acked) batch.push_back(k);
    }
    Takeover t;
    t.from = old_owner;
    // The owner goes away after a random number of this round's acks (0: while the first are in flight).
    const std::int64_t after =
        batch.empty() ? 0 : static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(batch.size()));
    const std::string id = "r" + std::to_string(round);
    auto enough = std::make_shared<Countdown>(after);
    bench_->hall().on_each(
        bench_->voters(),
        [id, enough](Tablet& tablet) {
          tablet.set_observer(
              [id, enough](Tablet&, const FrameHead& head, std::string_view, Clock::time_point) {
                if (head.type == "ack" && head.id == id) enough->arrive();
              });
        },
        30s);
    auto rejoined = std::make_shared<Countdown>(static_cast<std::int64_t>(hall_.size()));
    bench_->hall().on_each(
        hall_, [&](Tablet& tablet) { tablet.expect_rejoin(old_owner, rejoined); }, 30s);
    send(batch, id);
    if (after > 0 && !enough->wait(60s))
      return fail("round " + std::to_string(round) + ": acks stopped coming");

    const auto gone_at = Clock::now();
    victim->process->signal(options_.split_brain ? SIGSTOP : SIGKILL);
    if (!options_.split_brain && !victim->process->wait_exit(30s)) return fail(old_owner + " did not die");
    if (!rejoined->wait(std::chrono::milliseconds(30000 + 10 * options_.lease_ms))) {
      show_database_sessions();
      show_stragglers();
      return fail("round " + std::to_string(round) + ": " + std::to_string(rejoined->left()) + " of " +
                  std::to_string(hall_.size()) + " tablets not current again after " + old_owner +
                  " went away");
    }
    // The figures: from the tablets' own clocks of the welcome and of being current again.
    struct Seen {
      std::optional<Clock::time_point> welcome, current;
      bool resumed;
    };
    const auto seen = gather<Seen>(*bench_, hall_, [](Tablet& tablet) {
      return Seen{tablet.rejoin_welcome_at(), tablet.rejoined_at(), tablet.welcome_resumed()};
    });
    std::optional<Clock::time_point> first_welcome, all_current;
    for (const auto& s : seen) {
      if (!s.welcome || !s.current) continue;
      ++t.rejoined;
      ++(s.resumed ? t.resumed : t.snapshots);
      if (!first_welcome || *s.welcome < *first_welcome) first_welcome = s.welcome;
      if (!all_current || *s.current > *all_current) all_current = s.current;
    }
    if (first_welcome) t.first_welcome_ms = ms_between(gone_at, *first_welcome);
    if (all_current) t.all_current_ms = ms_between(gone_at, *all_current);
    t.to = owner();
    if (t.to.empty() || t.to == old_owner)
      return fail("round " + std::to_string(round) + ": the hearing did not move from " + old_owner);

    // The round's sheets: acked before the kill, or in flight (sent again now, same idempotency key).
    std::vector<std::size_t> in_flight;
    if (!collect(id, batch, nullptr, &in_flight)) return false;
    t.acks_before = static_cast<std::int64_t>(batch.size() - in_flight.size());
    t.in_flight = static_cast<std::int64_t>(in_flight.size());
    if (options_.split_brain) {
      if (round == 0) {
        if (!old_owner_commits_nothing(*victim, t.to)) return false;
      } else {
        victim->process->signal(SIGCONT);
      }
    }
    if (!retry(in_flight, id, &t)) return false;
    if (!options_.split_brain) {
      victim->process.reset();
      if (!launch(*victim)) return false;  // the same name and port, so HAProxy's server comes back up
    }
    takeovers_.push_back(t);
    std::cout << "round " << round << ": " << (options_.split_brain ? "stopped " : "killed ") << t.from
              << " after " << t.acks_before << " of " << batch.size() << " acks; " << t.to
              << " welcomed the first tablet after " << static_cast<std::int64_t>(t.first_welcome_ms)
              << " ms, all " << t.rejoined << " tablets current after "
              << static_cast<std::int64_t>(t.all_current_ms) << " ms (" << t.resumed << " resumed, "
              << t.snapshots << " snapshots); " << t.in_flight
              << " sheets in flight retried: " << t.retried_duplicates << " duplicates, " << t.retried_first
              << " first acks\n";
    return true;
  }

  // Sends the sheets again (same idempotency key) until every one is acked; bounded.
  bool retry(std::vector<std::size_t> which, const std::string& round_id, Takeover* t) {
    for (int attempt = 1; !which.empty(); ++attempt) {
      if (attempt > 10)
        return fail(std::to_string(which.size()) + " sheets still not acked after 10 attempts");
      const std::string id = round_id + "a" + std::to_string(attempt);
      auto answered = send(which, id);
      answered->wait(std::chrono::milliseconds(30000 + 2 * options_.lease_ms));
      std::vector<std::size_t> again;
      if (!collect(id, which, t, &again)) return false;
      which = again;
    }
    return true;
  }

  // Split brain: the stopped owner is continued after another node took the hearing over. Of the two tablets
  // that stayed connected to it directly, one wrote its sheet while the owner was stopped (the first thing
  // it reads when it runs again, racing its lease renewal) and one sends after the owner runs again. Neither
  // may be acked; the old owner must close both with 4012.
  bool old_owner_commits_nothing(Node& old_owner, const std::string& new_owner) {
    auto closed = std::make_shared<Countdown>(2);
    bench_->hall().on_each(
        {beside_[0], beside_[1]}, [&](Tablet& tablet) { tablet.notify_lost(closed); }, 10s);
    const std::size_t early = static_cast<std::size_t>(options_.voters);
    const std::size_t late = early + 1;
    auto answered = std::make_shared<Countdown>(2);
    bench_->hall().post(beside_[0], [frame = frame_with_id(early, "beside"), answered](Tablet& tablet) {
      tablet.request("beside", frame, answered);
    });
    bench_->hall().on_each(
        {beside_[0]}, [](Tablet&) {}, 10s);  // the early sheet is written
    old_owner.process->signal(SIGCONT);
    bench_->hall().post(beside_[1], [frame = frame_with_id(late, "beside"), answered](Tablet& tablet) {
      tablet.request("beside", frame, answered);
    });
    if (!closed->wait(std::chrono::milliseconds(30000 + 5 * options_.lease_ms))) {
      return fail("the old owner " + old_owner.name + " did not close the tablets connected to it after " +
                  new_owner + " took the hearing over");
    }
    struct Outcome {
      std::optional<Answer> answer;
      int close_code;
      std::string reason;
    };
    const auto outcomes = gather<Outcome>(*bench_, beside_, [](Tablet& tablet) {
      auto it = tablet.answers().find("beside");
      return Outcome{it == tablet.answers().end() ? std::nullopt : std::optional<Answer>(it->second),
                     tablet.last_close_code(), tablet.last_close_reason()};
    });
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      const auto& o = outcomes[i];
      const std::string who = i == 0 ? "the sheet written while it was stopped" : "the sheet sent after";
      const std::string answer = o.answer && o.answer->answered ? o.answer->frame : "no answer";
      std::cout << "split-brain: " << who << ": " << answer << "; closed " << o.close_code << " " << o.reason
                << "\n";
      if (o.answer && o.answer->ok) return fail("the old owner acked " + who + ": " + o.answer->frame);
      if (o.close_code != kElsewhere)
        return fail("the old owner closed a tablet with " + std::to_string(o.close_code) + ", not 4012");
    }
    return true;
  }

  bool finish() {
    std::vector<std::size_t> rest;
    for (std::size_t k = 0; k < static_cast<std::size_t>(options_.voters); ++k) {
      if (!sheets_[k].acked) rest.push_back(k);
    }
    if (!retry(rest, "last", nullptr)) return false;
    const Answer closed = bench_->chair_do({{"type", "close_ballot"}, {"ballot", ballot_}}, 30s);
    if (!closed.ok) return fail("close_ballot: " + closed.error + " " + closed.frame);
    for (std::int64_t k = 0; k < options_.voters; ++k) {
      for (const auto& [dim, grade] : sheets_[static_cast<std::size_t>(k)].grade) ++expected_[dim][grade];
    }
    // The chair's view gets the results with the close's update; wait for it (bounded).
    const auto deadline = Clock::now() + 30s;
    json view;
    std::optional<std::int64_t> voted;
    GradeCounts counted;
    while (Clock::now() < deadline) {
      view = bench_->chair_view();
      voted = ballot_figure(view.value("ballots", json::object()), ballot_, "voted");
      counted = counted_grades(view, ballot_);
      if (!counted.empty()) break;
      std::this_thread::sleep_for(20ms);  // between polls of the chair's copy of the view
    }
    if (!voted || *voted != options_.voters) {
      return fail("after close: " + std::to_string(voted.value_or(-1)) + " counted for " +
                  std::to_string(options_.voters) + " acked sheets");
    }
    if (counted != expected_) {
      return fail("the closed ballot's counts differ from the acked sheets: " + json(counted).dump() +
                  " vs " + json(expected_).dump());
    }
    std::cout << "final: " << *voted << " sheets counted for " << options_.voters << " acked, grade by grade "
              << json(counted).dump() << "\n";
    return true;
  }

  bool audit() {
    for (auto& n : nodes_) {
      n.process->signal(SIGTERM);
      if (!n.process->wait_exit(30s)) return fail("node " + n.name + " did not stop on SIGTERM");
    }
    if (auto failed = audit_store(options_.dais, db_, ballot_, options_.voters, expected_, std::cout))
      return fail(*failed);
    std::vector<std::size_t> sample;
    for (std::size_t k = 0; k < static_cast<std::size_t>(options_.voters) && sample.size() < 3; ++k) {
      if (sheets_[k].duplicate) sample.push_back(k);
    }
    sample.push_back(0);
    for (auto k : sample) {
      if (receipt_in_box(options_.dais, db_, ballot_, sheets_[k].receipt) != true)
        return fail("voter " + std::to_string(k) + "'s acked receipt is not in the box");
    }
    if (options_.split_brain) {
      for (std::size_t k :
           {static_cast<std::size_t>(options_.voters), static_cast<std::size_t>(options_.voters) + 1}) {
        if (receipt_in_box(options_.dais, db_, ballot_, sheets_[k].receipt) != false)
          return fail("a sheet sent to the old owner after the takeover is in the box (or the check failed)");
      }
    }
    return true;
  }

  void report(bool ok) {
    std::vector<double> first, all;
    for (const auto& t : takeovers_) {
      first.push_back(t.first_welcome_ms);
      all.push_back(t.all_current_ms);
    }
    const auto max = [](const std::vector<double>& v) {
      return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
    };
    std::cout << mode() << ": " << (ok ? "ok" : "FAILED") << " (" << options_.nodes << " nodes, "
              << takeovers_.size() << " of " << options_.kills << (options_.split_brain ? " stops" : " kills")
              << ", " << options_.voters << " voters, lease " << options_.lease_ms << " ms, seed "
              << options_.seed << "): first welcome from the new node median "
              << static_cast<std::int64_t>(median(first)) << " ms, max "
              << static_cast<std::int64_t>(max(first)) << " ms; every tablet current median "
              << static_cast<std::int64_t>(median(all)) << " ms, max " << static_cast<std::int64_t>(max(all))
              << " ms; " << acked() << " acks, " << duplicates() << " acked as duplicates\n";
  }

  FailoverOptions options_;
  std::mt19937_64 rng_;
  fs::path workdir_, tokens_file_, stats_socket_;
  std::string db_;
  std::vector<Node> nodes_;
  std::unique_ptr<ServerProcess> haproxy_;
  std::uint16_t front_port_ = 0;
  std::int64_t max_connections_ = 0;
  std::unique_ptr<Bench> bench_;
  std::vector<std::size_t> hall_, beside_;
  std::string ballot_;
  std::vector<Sheet> sheets_;  // voter k's sheet; the last two are the tablets' beside the front
  GradeCounts expected_;
  std::vector<Takeover> takeovers_;
};

}  // namespace

int failover(const FailoverOptions& options) {
  raise_fd_limit();
  return Failover(options).run();
}

}  // namespace dais::bench
