// dais-bench-store: how fast the durable store commits, takes votes and reopens a long hearing, on a real
// file, or with --postgres on a throwaway PostgreSQL 15 cluster started as the store tests start theirs (a
// fresh database per run, fsync on).
//   dais-bench-store [--postgres] [--dir DIR] [--events N] [--commits N] [--votes N]
// Prints one line per figure; docs/storage.md records them with the command that produced them.
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/engine.hpp"
#include "pgcluster/pg_cluster.hpp"
#include "store/pg.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"

namespace {

using namespace dais;
using Clock = std::chrono::steady_clock;

struct Options {
  bool postgres = false;
  std::filesystem::path dir;
  std::int64_t events = 1'000'000;
  int commits = 1000;
  int votes = 3000;
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "dais-bench-store: %s\n", what.c_str());
  std::exit(1);
}

template <class T>
T must(core::Result<T> r, const char* doing) {
  if (!r) die(std::string(doing) + ": " + r.error().message);
  return std::move(r).value();
}

// A hearing with `voters` voters in one group, one presenter, and an anonymous first-press ballot template.
core::HearingDefinition hearing(const std::string& id, int voters) {
  nlohmann::json participants =
      nlohmann::json::array({{{"id", "chair"}, {"name", "主持人"}, {"roles", {"chair"}}},
                             {{"id", "p1"}, {"name", "述职人"}, {"roles", {"presenter"}}}});
  for (int i = 0; i < voters; ++i) {
    participants.push_back({{"id", "v" + std::to_string(i)},
                            {"name", "测评人" + std::to_string(i)},
                            {"groups", {"g1"}},
                            {"roles", {"voter"}}});
  }
  nlohmann::json doc = {
      {"id", id},
      {"title", "存储基准"},
      {"date", "2021-02-05"},
      {"venue", "会议中心"},
      {"voter_groups", {{{"id", "g1"}, {"name", "委员"}, {"weight", 1}}}},
      {"participants", participants},
      {"agenda", {{{"id", "s1"}, {"presenter", "p1"}, {"title", "单位"}, {"mode", "oral"}}}},
      {"ballot_templates",
       {{{"id", "t1"},
         {"title", "测评表"},
         {"scope", "per_presenter"},
         {"rule", "r1"},
         {"dimensions",
          {{{"id", "d1"},
            {"label", "廉洁自律"},
            {"grades",
             {{{"id", "good"}, {"label", "好"}, {"points", 100}},
              {{"id", "poor"}, {"label", "差"}, {"points", 0}}}}}}}}}},
      {"rules", {{{"id", "r1"}, {"name", "满意率"}, {"satisfied_grades", {"good"}}}}},
      {"settings", {{"voting_requires_check_in", false}, {"quorum", {1, 1000000}}}}};
  return must(core::parse_definition(doc), "the bench definition");
}

// The PostgreSQL cluster of a --postgres run, on the disk like a real one.
store::testing::PgCluster& cluster() {
  return store::testing::PgCluster::shared(store::testing::PgCluster::Storage::on_disk);
}

// Where a run's store lives, empty: a new file in the directory, or a new database on the cluster.
std::string fresh_store(const Options& o, const std::string& name) {
  if (o.postgres) return cluster().create_database();
  const std::filesystem::path path = o.dir / (name + ".db");
  std::filesystem::remove(path);
  return path.string();
}

struct Bench {
  std::unique_ptr<store::Store> store;
  core::HearingState state;
  core::TimeMs now = 1'612'500'000'000;

  Bench(const std::string& where, const core::HearingDefinition& def) {
    store = must(store::Store::open(store::StoreOptions{.path = where}), "open");
    must(store->import_hearing(def), "import");
    state = core::make_hearing(def);
  }

  std::vector<core::Event> run(const core::ParticipantId& actor, const core::Command& cmd) {
    now += 10;
    return must(core::execute(state, actor, cmd, now), "a command");
  }

  store::CommandRecord record(std::vector<core::Event> events, std::optional<store::Idempotency> idem = {}) {
    return store::CommandRecord{state.def.id, std::move(events), std::move(idem)};
  }

  void commit_and_wait(store::CommandRecord r) {
    std::promise<core::Result<store::CommitInfo>> done;
    auto f = done.get_future();
    store->submit(std::move(r), [&done](core::Result<store::CommitInfo> c) { done.set_value(std::move(c)); });
    must(f.get(), "a commit");
  }

  void submit(store::CommandRecord r) {
    store->submit(std::move(r), [](core::Result<store::CommitInfo> c) {
      if (!c) die("a commit: " + c.error().message);
    });
  }

  void start() {
    commit_and_wait(record(run("chair", core::OpenCheckIn{})));
    commit_and_wait(record(run("v0", core::CheckIn{})));
    commit_and_wait(record(run("chair", core::StartSession{})));
  }

  // Pause and resume, alternately: events that keep the state small, so the cost measured is the log's.
  core::Command next_toggle() const {
    return state.phase == core::Phase::paused ? core::Command{core::ResumeSession{}}
                                              : core::Command{core::PauseSession{}};
  }

  store::CommandRecord vote(int voter, const core::BallotId& ballot) {
    const std::string id = "v" + std::to_string(voter);
    core::Marks marks{{"s1", {{"d1", {voter % 3 == 0 ? "poor" : "good"}}}}};
    auto events = run(id, core::CastSheet{ballot, marks, store::sha256_hex("receipt-" + id)});
    return record(std::move(events), store::Idempotency{id, "k-" + id, R"({"type":"ack"})"});
  }
};

void bench_commits(const Options& o) {
  Bench b(fresh_store(o, "commits"), hearing("commits", 10));
  b.start();
  auto start = Clock::now();
  for (int i = 0; i < o.commits; ++i) b.commit_and_wait(b.record(b.run("chair", b.next_toggle())));
  const double single = o.commits / seconds_since(start);
  start = Clock::now();
  const int batched_n = o.commits * 20;
  for (int i = 0; i < batched_n; ++i) b.submit(b.record(b.run("chair", b.next_toggle())));
  b.store->flush();
  const double batched = batched_n / seconds_since(start);
  std::printf("commits/s, one at a time (each waits for its fsync):  %10.0f  (%d commands)\n", single,
              o.commits);
  std::printf("commits/s, submitted together (group commit):         %10.0f  (%d commands)\n", batched,
              batched_n);
}

void bench_votes(const Options& o) {
  for (bool together : {false, true}) {
    Bench b(fresh_store(o, "votes"), hearing("votes", o.votes));
    b.start();
    b.commit_and_wait(b.record(b.run("chair", core::CreateBallot{"t1", "s1"})));
    b.commit_and_wait(b.record(b.run("chair", core::OpenBallot{"B1"})));
    auto start = Clock::now();
    for (int v = 0; v < o.votes; ++v) {
      if (together) {
        b.submit(b.vote(v, "B1"));
      } else {
        b.commit_and_wait(b.vote(v, "B1"));
      }
    }
    b.store->flush();
    const double rate = o.votes / seconds_since(start);
    std::printf("votes/s, %-46s %10.0f  (%d voters)\n",
                together ? "cast together (group commit):" : "one at a time:", rate, o.votes);
  }
}

void bench_open(const Options& o) {
  const std::string path = fresh_store(o, "long");
  {
    Bench b(path, hearing("long", 150));
    b.start();
    b.commit_and_wait(b.record(b.run("chair", core::CreateBallot{"t1", "s1"})));
    b.commit_and_wait(b.record(b.run("chair", core::OpenBallot{"B1"})));
    for (int v = 0; v < 150; ++v) b.submit(b.vote(v, "B1"));
    b.store->flush();
    auto start = Clock::now();
    // Records of 100 events: the log grows quickly, with the same rows a live hearing would write.
    while (b.state.event_count < o.events) {
      std::vector<core::Event> events;
      for (int i = 0; i < 100 && b.state.event_count < o.events; ++i) {
        for (core::Event& e : b.run("chair", b.next_toggle())) events.push_back(std::move(e));
      }
      b.submit(b.record(std::move(events)));
    }
    b.store->flush();
    std::printf("writing %lld logged events took                      %10.1f s\n",
                static_cast<long long>(b.state.event_count), seconds_since(start));
  }
  double size_mb = 0;
  if (o.postgres) {
    store::pg::Connection db(path);
    auto q = db.query("SELECT pg_database_size(current_database())");
    q.next();
    size_mb = static_cast<double>(q.int64(0)) / 1e6;
  } else {
    size_mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  }
  auto start = Clock::now();
  auto store = must(store::Store::open(store::StoreOptions{.path = path}), "reopen");
  auto state = must(store->load("long"), "load");
  const double open_s = seconds_since(start);
  std::printf("open + load of %lld events (latest snapshot + tail):    %10.3f s  (%s %.0f MB)\n",
              static_cast<long long>(state.event_count), open_s, o.postgres ? "database" : "file", size_mb);
  store.reset();
  if (o.postgres) {
    // The same without any snapshot: every event replayed from the definition.
    store::pg::Connection(path).exec("DELETE FROM snapshots");
    start = Clock::now();
    auto again = must(store::Store::open(store::StoreOptions{.path = path, .read_only = true}), "open");
    auto full = must(again->load("long"), "load");
    std::printf("open + load replaying all %lld events (no snapshot):  %10.3f s\n",
                static_cast<long long>(full.event_count), seconds_since(start));
  } else {
    // The same without any snapshot: every event replayed from the definition.
    auto copy = o.dir / "long-no-snapshot.db";
    std::filesystem::remove(copy);
    auto source = must(store::Store::open(store::StoreOptions{.path = path, .read_only = true}), "open");
    must(source->backup_to(copy), "copy");
    source.reset();
    {
      store::sql::Database db(copy, store::sql::OpenMode::read_write);
      db.exec("DELETE FROM snapshots");
    }
    start = Clock::now();
    auto again = must(store::Store::open(store::StoreOptions{.path = copy, .read_only = true}), "open");
    auto full = must(again->load("long"), "load");
    std::printf("open + load replaying all %lld events (no snapshot):  %10.3f s\n",
                static_cast<long long>(full.event_count), seconds_since(start));
    std::filesystem::remove(copy);
  }
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die("missing value for " + a);
      return argv[++i];
    };
    if (a == "--postgres") {
      o.postgres = true;
    } else if (a == "--dir") {
      o.dir = value();
    } else if (a == "--events") {
      o.events = std::stoll(value());
    } else if (a == "--commits") {
      o.commits = std::stoi(value());
    } else if (a == "--votes") {
      o.votes = std::stoi(value());
    } else {
      die("unknown option " + a + " (use --postgres, --dir, --events, --commits, --votes)");
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  bool made_dir = false;
  if (o.dir.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "dais-bench-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) die("mkdtemp failed");
    o.dir = pattern;
    made_dir = true;
  }
  std::filesystem::create_directories(o.dir);
  if (o.postgres) {
    try {
      std::printf("dais-bench-store: PostgreSQL at %s\n", cluster().url().c_str());
    } catch (const std::exception& e) {
      die(e.what());
    }
  } else {
    std::printf("dais-bench-store: files in %s\n", o.dir.c_str());
  }
  bench_commits(o);
  bench_votes(o);
  bench_open(o);
  store::testing::PgCluster::stop_shared();
  if (made_dir) std::filesystem::remove_all(o.dir);
  return 0;
}
