// The online backup: a copy taken while the writer commits is one consistent moment of the file.
#include <thread>

#include "store/audit.hpp"
#include "store_fixture.hpp"

namespace dais::store::testing {
namespace {

TEST(Backup, ACopyTakenWhileCommandsAreCommittedVerifiesAndLoads) {
  TempDir dir;
  auto store = open_store(dir / "h.db");
  StoredHearing h(*store);
  h.start();
  const std::int64_t started = h.engine.state.event_count;
  constexpr int kCommands = 120;
  std::promise<void> halfway;
  std::atomic<std::int64_t> acknowledged{0};
  // The hearing goes on in its own thread, one command after another, while the backup runs.
  std::thread hearing([&] {
    for (int i = 0; i < kCommands; ++i) {
      const core::Command cmd =
          i % 2 == 0 ? core::Command{core::PauseSession{}} : core::Command{core::ResumeSession{}};
      auto r = commit(*store, CommandRecord{h.id(), h.engine.ok("chair", cmd), std::nullopt});
      if (!r) return;
      acknowledged = r->log_position;
      if (i == kCommands / 3) halfway.set_value();
    }
  });
  halfway.get_future().wait();
  const std::int64_t before_backup = acknowledged;
  auto done = store->backup_to(dir / "copy.db");
  hearing.join();
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(acknowledged.load(), started + kCommands);

  auto report = verify_file(dir / "copy.db", std::nullopt);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_FALSE(report->first_break.has_value()) << report->first_break->what;
  auto copy = open_store(StoreOptions{.path = dir / "copy.db", .read_only = true});
  auto state = copy->load(h.id());
  ASSERT_TRUE(state.ok()) << state.error().message;
  EXPECT_GE(state->event_count, before_backup);
  EXPECT_LE(state->event_count, started + kCommands);
  // The copy is the hearing as it was at one position: the same state the engine had there.
  TestHearing replayed(h.engine.state.def);
  for (const core::Event& e : h.engine.log) {
    if (replayed.state.event_count == state->event_count) break;
    core::apply(replayed.state, e);
  }
  EXPECT_EQ(canonical(*state), canonical(replayed.state));
}

TEST(Backup, ABackupNeverOverwritesAFile) {
  TempDir dir;
  auto store = open_store(dir / "h.db");
  StoredHearing h(*store);
  { std::ofstream(dir / "taken.db") << "precious"; }
  auto done = store->backup_to(dir / "taken.db");
  ASSERT_FALSE(done.ok());
  EXPECT_NE(done.error().message.find("already exists"), std::string::npos);
  EXPECT_EQ(read_bytes(dir / "taken.db"), "precious");
}

TEST(Backup, ABackupIntoAMissingDirectoryFailsClearlyAndLeavesNothing) {
  TempDir dir;
  auto store = open_store(dir / "h.db");
  StoredHearing h(*store);
  auto done = store->backup_to(dir / "no" / "such" / "dir.db");
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().code, core::ErrorCode::storage_failed);
  EXPECT_NE(done.error().message.find("backing up to"), std::string::npos) << done.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir / "no"));
}

}  // namespace
}  // namespace dais::store::testing
