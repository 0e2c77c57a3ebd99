// Crashes: a child process casts votes through the Store and reports each one `done` called committed; the
// test kills it with SIGKILL after a seeded random number of reports, reopens the store and checks that every
// reported vote is there exactly once, that no vote is half there, and that the chain verifies. On both
// backends (backend_fixture.hpp): on PostgreSQL the server outlives the killed client and must hold exactly
// what it confirmed.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <random>

#include <nlohmann/json.hpp>

#include "backend_fixture.hpp"
#include "store/audit.hpp"

namespace dais::store::testing {
namespace {

constexpr int kKills = 24;
constexpr int kVoters = 600;

struct Child {
  pid_t pid = -1;
  int out = -1;  // the child's stdout
};

Child spawn(const std::string& db, const std::string& ballot) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execl(DAIS_CRASH_CHILD, DAIS_CRASH_CHILD, db.c_str(), ballot.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  return Child{pid, fds[0]};
}

// Reads whole lines until `wanted` of them arrived, or the child ended (EOF).
std::vector<std::string> read_lines(int fd, std::size_t wanted, std::string& pending) {
  std::vector<std::string> lines;
  char buffer[4096];
  while (lines.size() < wanted) {
    if (auto nl = pending.find('\n'); nl != std::string::npos) {
      lines.push_back(pending.substr(0, nl));
      pending.erase(0, nl + 1);
      continue;
    }
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    pending.append(buffer, static_cast<std::size_t>(n));
  }
  return lines;
}

struct FileContents {
  std::map<std::string, int> recorded;  // voter → SheetRecorded events of the ballot
  std::set<std::string> receipts;       // box rows of the ballot
  std::set<std::string> idempotent;     // voters with an idempotency record
};

template <class Db>
FileContents read_contents(Db& db, const std::string& ballot) {
  FileContents c;
  auto q = db.query("SELECT body FROM events WHERE type = 'sheet_recorded'");
  while (q.next()) {
    const nlohmann::json body = nlohmann::json::parse(q.text(0));
    if (body.at("ballot") == ballot) ++c.recorded[body.at("voter").get<std::string>()];
  }
  auto box = db.query("SELECT receipt_hash FROM ballot_box WHERE ballot = ?");
  box.with(ballot);
  while (box.next()) c.receipts.insert(box.text(0));
  auto idem = db.query("SELECT participant FROM idempotency");
  while (idem.next()) c.idempotent.insert(idem.text(0));
  return c;
}

class Crash : public BackendTest {};
DAIS_ON_BOTH_BACKENDS(Crash);

TEST_P(Crash, EveryReportedVoteSurvivesSigkillExactlyOnceAndNothingIsHalfStored) {
  const std::string db = location();
  core::BallotId ballot;
  {
    auto store = open();
    FixtureOptions options;
    options.voters = kVoters;
    options.voting_requires_check_in = false;
    options.quorum = {1, 1000};  // one voter present is enough to start
    StoredHearing h(*store, options);
    h.run("chair", core::OpenCheckIn{});
    h.run("V1", core::CheckIn{});
    h.run("chair", core::StartSession{});
    ballot = h.open_ballot("each");
  }
  std::mt19937 random(20210205);
  std::uniform_int_distribution<std::size_t> reports(0, 30);
  std::set<std::string> accepted;
  int kills = 0;
  bool finished = false;
  while (!finished) {
    Child child = spawn(db, ballot);
    std::string pending;
    const std::size_t wanted = kills < kKills ? reports(random) : std::numeric_limits<std::size_t>::max();
    for (const std::string& line : read_lines(child.out, wanted, pending)) {
      if (line == "done") {
        finished = true;
      } else {
        accepted.insert(line);
      }
    }
    if (!finished) {
      kill(child.pid, SIGKILL);
      ++kills;
    }
    int status = 0;
    waitpid(child.pid, &status, 0);
    close(child.out);
    ASSERT_TRUE(finished ? WIFEXITED(status) && WEXITSTATUS(status) == 0 : WIFSIGNALED(status))
        << "the child failed on its own (status " << status << ")";

    // After every crash: the chain verifies, and every vote is whole or absent.
    auto report = verify_file(db, std::nullopt);
    ASSERT_TRUE(report.ok()) << report.error().message;
    ASSERT_FALSE(report->first_break.has_value()) << report->first_break->what;
    const FileContents c = on_database([&](auto& database) { return read_contents(database, ballot); });
    for (const std::string& voter : accepted) {
      ASSERT_EQ(c.recorded.count(voter), 1u)
          << voter << "'s acknowledged vote is lost (after " << kills << " kills)";
    }
    for (const auto& [voter, times] : c.recorded) {
      ASSERT_EQ(times, 1) << voter << " voted " << times << " times";
      EXPECT_TRUE(c.receipts.contains(receipt_of("secret-of-" + voter)))
          << voter << "'s sheet is not in the box";
      EXPECT_TRUE(c.idempotent.contains(voter)) << voter << "'s idempotency record is missing";
    }
    ASSERT_EQ(c.receipts.size(), c.recorded.size()) << "a sheet is in the box without its voter's record";
    ASSERT_EQ(c.idempotent.size(), c.recorded.size()) << "an idempotency record without its vote";
  }
  EXPECT_GE(kills, kKills);
  EXPECT_GT(accepted.size(), 0u);
  // In the end every vote is in, once, and the hearing loads with the full tally.
  auto store = open_store(StoreOptions{.path = db, .read_only = true});
  auto state = store->load("test-hearing");
  ASSERT_TRUE(state.ok()) << state.error().message;
  const core::Ballot& b = state->ballots.at(ballot);
  EXPECT_EQ(b.voted.size(), static_cast<std::size_t>(kVoters + 3));  // plus the three questioners
  EXPECT_EQ(b.tally.sheets, kVoters + 3);
}

}  // namespace
}  // namespace dais::store::testing
