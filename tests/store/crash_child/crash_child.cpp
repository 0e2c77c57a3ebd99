// The crash test's child: casts the remaining votes of a ballot through the Store, all submitted at once so
// that they are committed in batches, and writes the id of each voter whose vote `done` reported committed
// to stdout, one line each, with nothing buffered. The test kills it with SIGKILL at random moments.
//   dais_store_crash_child DB BALLOT
#include <unistd.h>

#include <cstdio>
#include <string>

#include "core/engine.hpp"
#include "store/store.hpp"

namespace {

using namespace dais;

void write_line(int fd, const std::string& text) {
  std::string line = text + '\n';
  std::size_t written = 0;
  while (written < line.size()) {
    ssize_t n = ::write(fd, line.data() + written, line.size() - written);
    if (n <= 0) return;
    written += static_cast<std::size_t>(n);
  }
}

core::Marks first_grades(const core::HearingState& state, const core::Ballot& ballot) {
  core::Marks marks;
  const core::BallotTemplate* tpl = state.def.ballot_template(ballot.template_id);
  for (const core::SlotId& slot : ballot.slots) {
    for (const core::Dimension& d : tpl->dimensions) marks[slot][d.id] = {d.grades.front().id};
  }
  return marks;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DB BALLOT\n", argv[0]);
    return 2;
  }
  const std::string ballot_id = argv[2];
  // Small batches: many commits, so that a kill lands in the middle of one.
  auto store = store::Store::open(store::StoreOptions{.path = argv[1], .max_batch = 4});
  if (!store) {
    std::fprintf(stderr, "open: %s\n", store.error().message.c_str());
    return 3;
  }
  const store::HearingId hearing = (*store)->hearings().at(0);
  auto state = (*store)->load(hearing);
  if (!state) {
    std::fprintf(stderr, "load: %s\n", state.error().message.c_str());
    return 3;
  }
  const core::Marks marks = first_grades(*state, state->ballots.at(ballot_id));
  for (const core::Participant& p : state->def.participants) {
    if (!p.roles.has(core::Role::voter) || state->ballots.at(ballot_id).voted.contains(p.id)) continue;
    const core::CastSheet cast{ballot_id, marks, store::sha256_hex("secret-of-" + p.id)};
    auto events = core::execute(*state, p.id, cast, 1'612'500'000'000);
    if (!events) {
      std::fprintf(stderr, "%s: %s\n", p.id.c_str(), events.error().message.c_str());
      return 4;
    }
    (*store)->submit(
        store::CommandRecord{hearing, *events, store::Idempotency{p.id, "vote-" + ballot_id, "{}"}},
        [voter = p.id](core::Result<store::CommitInfo> r) {
          if (r) {
            write_line(STDOUT_FILENO, voter);
          } else {
            write_line(STDERR_FILENO, voter + ": " + r.error().message);
          }
        });
  }
  (*store)->flush();
  write_line(STDOUT_FILENO, "done");
  return 0;
}
