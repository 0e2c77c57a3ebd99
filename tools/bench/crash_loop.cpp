#include "bench/crash_loop.hpp"

#include <csignal>
#include <iostream>
#include <map>
#include <random>

#include <sys/wait.h>

#include "bench/audit.hpp"
#include "bench/scenarios.hpp"

namespace dais::bench {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

class CrashLoop {
 public:
  explicit CrashLoop(const CrashLoopOptions& options) : options_(options), rng_(options.seed) {}

  int run() {
    BenchOptions bench_options;
    bench_options.dais = options_.dais;
    bench_options.workdir = options_.workdir.empty() ? make_temp_dir("dais-crash") : options_.workdir;
    bench_options.size.voters = options_.voters;
    bench_options.size.displays = 0;
    bench_options.threads = 1;
    bench_options.join_in_flight = 64;
    Bench bench(bench_options);
    bench_ = &bench;
    const bool ok = prepare() && kill_rounds() && finish() && audit();
    std::cout << (ok ? "crash-loop: ok" : "crash-loop: FAILED") << " (" << options_.rounds << " kills, "
              << options_.voters << " voters, seed " << options_.seed << ", " << duplicates()
              << " acked as retries)\n";
    bench.stop_server(SIGTERM);
    bench_ = nullptr;
    if (!options_.keep) std::filesystem::remove_all(bench_options.workdir);
    return ok ? 0 : 1;
  }

 private:
  bool fail(const std::string& why) {
    std::cout << "crash-loop: " << why << "\n";
    if (auto* s = bench_->server()) std::cout << "server output:\n" << s->recent_output();
    return false;
  }

  bool join_everyone() {
    json figures;
    const auto problems = bench_->join_all(figures);
    for (const auto& p : problems) std::cout << "  " << p << "\n";
    return problems.empty();
  }

  bool prepare() {
    if (!join_everyone()) return fail("not every tablet joined");
    std::vector<std::string> problems;
    const auto ballot = bench_->open_ballot(problems, "S1");
    if (!ballot) return fail(problems.empty() ? "no ballot" : problems.front());
    ballot_ = *ballot;
    for (std::int64_t k = 0; k < options_.voters; ++k)
      sheets_.push_back(seeded_sheet(rng_, ballot_, "crash-" + std::to_string(k)));
    return true;
  }

  // Sends every sheet not yet acked; returns the countdown their answers count down.
  // At most `limit` of them, so that every round has sheets in flight when the kill comes.
  std::shared_ptr<Countdown> send_unacked(int round, std::int64_t limit) {
    std::vector<std::size_t> chosen;
    for (std::size_t k = 0; k < sheets_.size() && static_cast<std::int64_t>(chosen.size()) < limit; ++k) {
      if (!sheets_[k].acked) chosen.push_back(k);
    }
    auto answered = std::make_shared<Countdown>(static_cast<std::int64_t>(chosen.size()));
    const std::string id = "r" + std::to_string(round);
    for (auto k : chosen) {
      std::string frame = sheets_[k].frame;
      frame.replace(frame.find("\"sheet\""), 7, "\"" + id + "\"");
      bench_->hall().post(bench_->voters()[k],
                          [id, frame, answered](Tablet& t) { t.request(id, frame, answered); });
    }
    return answered;
  }

  // Takes in the acks of one round; false when an answer breaks a promise.
  bool collect(int round) {
    const std::string id = "r" + std::to_string(round);
    const auto answers = gather<std::optional<Answer>>(*bench_, bench_->voters(), [&](Tablet& t) {
      auto it = t.answers().find(id);
      return it == t.answers().end() ? std::nullopt : std::optional<Answer>(it->second);
    });
    for (std::size_t k = 0; k < sheets_.size(); ++k) {
      const auto& a = answers[k];
      if (!a || !a->answered || sheets_[k].acked) continue;
      if (a->ok) {
        sheets_[k].acked = true;
        sheets_[k].duplicate = a->duplicate;
      } else if (a->error != "shutting_down" && a->error != "storage_failed") {
        // A retry with the same idempotency key must get the original ack, never already_voted.
        return fail("voter " + std::to_string(k) + " got " + a->frame);
      }
    }
    return true;
  }

  std::int64_t acked() const {
    std::int64_t n = 0;
    for (const auto& s : sheets_) n += s.acked ? 1 : 0;
    return n;
  }
  std::int64_t duplicates() const {
    std::int64_t n = 0;
    for (const auto& s : sheets_) n += s.duplicate ? 1 : 0;
    return n;
  }

  // After a restart: the chair's fresh view must count at least every sheet acked so far.
  bool check_turnout(int round) {
    const json view = bench_->chair_view();
    const auto voted = ballot_figure(view.value("ballots", json::object()), ballot_, "voted");
    if (!voted)
      return fail("round " + std::to_string(round) + ": no turnout for " + ballot_ + " in " + view.dump());
    if (*voted < acked()) {
      return fail("round " + std::to_string(round) + ": " + std::to_string(acked()) +
                  " sheets acked but only " + std::to_string(*voted) + " counted after the restart");
    }
    if (*voted > options_.voters) return fail("more sheets counted than voters: " + std::to_string(*voted));
    return true;
  }

  bool kill_rounds() {
    for (int round = 0; round < options_.rounds; ++round) {
      const std::int64_t batch =
          std::min(options_.voters - acked(), 2 * options_.voters / options_.rounds + 1);
      const std::int64_t unacked = batch;
      // The kill comes after a random number of this round's acks (0: at once, while the first are in
      // flight).
      const std::int64_t after =
          unacked == 0 ? 0 : static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(unacked));
      // The first `after` acks of this round trigger the kill: watched before anything is sent, so that an
      // ack that comes back at once (a retry answered from the store) is counted too.
      auto enough = std::make_shared<Countdown>(after);
      if (after > 0) watch_answers(round, enough);
      auto answered = send_unacked(round, batch);
      if (after > 0 && !enough->wait(30s))
        return fail("round " + std::to_string(round) + ": acks stopped coming");
      if (!bench_->stop_server(SIGKILL)) return fail("the server did not die");
      if (!collect(round)) return false;
      std::cout << "round " << round << ": killed after " << after << " of " << unacked << " acks, "
                << acked() << " acked so far\n";
      bench_->restart_server();
      if (!join_everyone()) return fail("round " + std::to_string(round) + ": not every tablet rejoined");
      if (!check_turnout(round)) return false;
    }
    return true;
  }

  void watch_answers(int round, const std::shared_ptr<Countdown>& enough) {
    // Each tablet's answer to this round's id also counts `enough` down (an observer sees every frame).
    const std::string id = "r" + std::to_string(round);
    bench_->hall().on_each(
        bench_->voters(),
        [id, enough](Tablet& t) {
          t.set_observer([id, enough](Tablet&, const FrameHead& head, std::string_view, Clock::time_point) {
            if (head.type == "ack" && head.id == id) enough->arrive();
          });
        },
        30s);
  }

  bool finish() {
    const int round = options_.rounds;
    auto answered = send_unacked(round, options_.voters);
    if (!answered->wait(60s)) return fail("the last sheets were not answered");
    if (!collect(round)) return false;
    if (acked() != options_.voters)
      return fail(std::to_string(options_.voters - acked()) + " sheets never acked");
    const Answer closed = bench_->chair_do({{"type", "close_ballot"}, {"ballot", ballot_}});
    if (!closed.ok) return fail("close_ballot: " + closed.frame);
    return check_final_tally();
  }

  // The closed ballot's tally must hold every sheet exactly once, grade by grade.
  bool check_final_tally() {
    GradeCounts expected;
    for (const auto& s : sheets_) {
      for (const auto& [dim, grade] : s.grade) ++expected[dim][grade];
    }
    const json view = bench_->chair_view();
    const auto voted = ballot_figure(view.value("ballots", json::object()), ballot_, "voted");
    if (!voted || *voted != options_.voters) {
      return fail("after close: " + std::to_string(voted.value_or(-1)) + " counted for " +
                  std::to_string(options_.voters) + " acked sheets");
    }
    const GradeCounts counted = counted_grades(view, ballot_);
    if (counted != expected) {
      return fail("the closed ballot's counts differ from the acked sheets: " + json(counted).dump() +
                  " vs " + json(expected).dump());
    }
    std::cout << "final: " << *voted << " sheets counted for " << options_.voters << " acked, grade by grade "
              << json(counted).dump() << "\n";
    expected_ = expected;
    return true;
  }

  // The durable record, read by the tools a scrutineer uses: the chain verifies, the recount from the box
  // matches the logged result and the acked sheets grade by grade, and acked receipts are in the box.
  bool audit() {
    bench_->stop_server(SIGTERM);
    const std::string db = bench_->db().string();
    if (auto failed = audit_store(options_.dais, db, ballot_, options_.voters, expected_, std::cout))
      return fail(*failed);
    // A few receipts, retried ones first: each acked sheet can be found in the box by its receipt.
    std::vector<std::size_t> sample;
    for (std::size_t k = 0; k < sheets_.size() && sample.size() < 3; ++k) {
      if (sheets_[k].duplicate) sample.push_back(k);
    }
    for (std::size_t k = 0; k < sheets_.size() && sample.size() < 6; k += sheets_.size() / 3 + 1)
      sample.push_back(k);
    for (auto k : sample) {
      if (receipt_in_box(options_.dais, db, ballot_, sheets_[k].receipt) != true)
        return fail("voter " + std::to_string(k) + "'s acked receipt is not in the box");
    }
    return true;
  }

  CrashLoopOptions options_;
  std::mt19937_64 rng_;
  Bench* bench_ = nullptr;
  std::string ballot_;
  std::vector<Sheet> sheets_;
  GradeCounts expected_;
};

}  // namespace

int crash_loop(const CrashLoopOptions& options) {
  raise_fd_limit();
  return CrashLoop(options).run();
}

}  // namespace dais::bench
