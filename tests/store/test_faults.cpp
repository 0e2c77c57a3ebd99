// Faults on real files and a real PostgreSQL server: a full disk (the file's size limit; the database
// server's disk), a file locked by another process, a read-only file, a damaged or truncated file, the
// database server gone and back, a connection dropped in the middle of a commit. Each time the write fails
// with a clear error, nothing is reported accepted that was not stored, and reading goes on working.
#include <pwd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "backend_fixture.hpp"
#include "store/audit.hpp"

namespace dais::store::testing {
namespace {

const std::string kHearing = "test-hearing";

// A store (a file or a PostgreSQL database) with a started hearing in it, closed.
void make_hearing_file(const std::string& location) {
  auto store = open_store(StoreOptions{.path = location});
  StoredHearing h(*store);
  h.start();
}

std::int64_t page_count(const std::filesystem::path& path) {
  sql::Database db(path, sql::OpenMode::read_only);
  return std::stoll(db.pragma_text("page_count"));
}

TestHearing engine_from(Store& store) {
  auto state = store.load(kHearing);
  if (!state) throw std::runtime_error(state.error().message);
  TestHearing h(state->def);
  h.state = *state;
  return h;
}

// A small tmpfs mounted for the test and made a tablespace of the PostgreSQL test cluster, holding the
// database's log (events): the database server's disk, filling up. Mounting needs root, as the tests have in
// CI; without it the test fails saying so.
class FullDiskOnTheServer {
 public:
  explicit FullDiskOnTheServer(const std::string& url) : url_(url) {
    if (::geteuid() != 0) {
      throw std::runtime_error(
          "the PostgreSQL disk-full test mounts a small tmpfs as a tablespace and must run as root");
    }
    const passwd* owner = ::getpwnam("dais-pg");
    if (owner == nullptr)
      throw std::runtime_error("the system user dais-pg is missing; run tools/install-deps.sh");
    // The server (dais-pg) must reach the mount point through the test's directory.
    std::filesystem::permissions(dir_.path(), std::filesystem::perms::owner_all |
                                                  std::filesystem::perms::group_exec |
                                                  std::filesystem::perms::others_exec);
    std::filesystem::create_directory(mount_point());
    const std::string options =
        "size=64k,mode=0700,uid=" + std::to_string(owner->pw_uid) + ",gid=" + std::to_string(owner->pw_gid);
    if (::mount("tmpfs", mount_point().c_str(), "tmpfs", 0, options.c_str()) != 0) {
      throw std::runtime_error("mounting a tmpfs for the PostgreSQL disk-full test failed: " +
                               std::string(std::strerror(errno)));
    }
    mounted_ = true;
    pg::Connection db(url_);
    db.exec("CREATE TABLESPACE dais_small LOCATION '" + mount_point().string() + "'");
    db.exec("ALTER TABLE events SET TABLESPACE dais_small");
    db.exec(
        "DO $$ DECLARE i regclass; BEGIN FOR i IN SELECT indexrelid::regclass FROM pg_index WHERE indrelid = "
        "'events'::regclass LOOP EXECUTE format('ALTER INDEX %s SET TABLESPACE dais_small', i); END LOOP; "
        "END $$");
  }
  ~FullDiskOnTheServer() {
    try {
      pg::Connection db(url_);
      db.exec("ALTER TABLE ALL IN TABLESPACE dais_small SET TABLESPACE pg_default");
      db.exec("ALTER INDEX ALL IN TABLESPACE dais_small SET TABLESPACE pg_default");
      db.exec("DROP TABLESPACE IF EXISTS dais_small");
    } catch (const pg::Error& e) {
      ADD_FAILURE() << "giving the tablespace back: " << e.what();
    }
    if (mounted_) ::umount2(mount_point().c_str(), MNT_DETACH);
  }
  FullDiskOnTheServer(const FullDiskOnTheServer&) = delete;
  FullDiskOnTheServer& operator=(const FullDiskOnTheServer&) = delete;

 private:
  std::filesystem::path mount_point() const { return dir_ / "small"; }
  std::string url_;
  TempDir dir_;
  bool mounted_ = false;
};

class FaultContract : public BackendTest {};
DAIS_ON_BOTH_BACKENDS(FaultContract);

TEST_P(FaultContract, AFullDiskFailsTheCommandAndKeepsEverythingAcknowledged) {
  make_hearing_file(location());
  std::unique_ptr<FullDiskOnTheServer> small_disk;
  StoreOptions options;
  if (postgres()) {
    small_disk = std::make_unique<FullDiskOnTheServer>(location());
  } else {
    options.max_pages = page_count(location()) + 6;  // the file's size limit, as full as a disk
  }
  auto store = open(options);
  TestHearing h = engine_from(*store);
  std::int64_t acknowledged = h.state.event_count;
  std::optional<core::Error> failure;
  for (int i = 0; i < 60 && !failure; ++i) {
    // Three questioners in turn: each may have 20 inquiries waiting for moderation.
    auto events = h.ok("Q" + std::to_string(1 + i % 3),
                       core::SubmitInquiry{"S1", std::string(1500, 'x') + std::to_string(i), std::nullopt});
    auto r = commit(*store, CommandRecord{kHearing, events, std::nullopt});
    if (r) {
      EXPECT_EQ(r->log_position, acknowledged + 1);
      acknowledged = r->log_position;
    } else {
      failure = r.error();
    }
  }
  ASSERT_TRUE(failure.has_value()) << "the disk never filled up";
  EXPECT_EQ(failure->code, core::ErrorCode::storage_failed);
  EXPECT_NE(failure->message.find("full"), std::string::npos) << failure->message;
  // Reads go on, and hold exactly what was acknowledged.
  auto loaded = store->load(kHearing);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->event_count, acknowledged);
  EXPECT_EQ(store->head_hash(kHearing).size(), 64u);
  auto log = store->read_log(kHearing, acknowledged - 1);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->size(), 1u);
  store.reset();
  EXPECT_EQ(count("SELECT count(*) FROM events"), acknowledged);
  auto report = verify_file(location(), std::nullopt);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_FALSE(report->first_break.has_value());
  EXPECT_EQ(report->verified.at(0).events, acknowledged);
}

// The database server stops (every connection cut) and later starts again: meanwhile every commit fails and
// nothing of it is stored; once the server is back the same store, without being reopened, commits again (its
// connections are made anew before their next transaction). A cluster of the test's own, so that the other
// tests' server stays up.
TEST(PostgresFaults, WhileTheServerIsGoneCommitsFailAndOnceItIsBackTheStoreWorksAgain) {
  auto cluster = PgCluster::start_own();
  const std::string url = cluster->create_database();
  make_hearing_file(url);
  auto store = open_store(StoreOptions{.path = url});
  TestHearing h = engine_from(*store);
  const std::int64_t before = h.state.event_count;
  cluster->stop_server();
  auto r = commit(*store, CommandRecord{kHearing, h.ok("chair", core::PauseSession{}), std::nullopt});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::storage_failed);
  EXPECT_NE(r.error().message.find("database server"), std::string::npos) << r.error().message;
  auto unreadable = store->load(kHearing);
  ASSERT_FALSE(unreadable.ok());
  EXPECT_EQ(unreadable.error().code, core::ErrorCode::storage_failed);

  cluster->restart_server();
  auto loaded = store->load(kHearing);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->event_count, before);  // nothing of the failed commit
  EXPECT_EQ(loaded->phase, core::Phase::in_session);
  h = engine_from(*store);
  auto again = commit(*store, CommandRecord{kHearing, h.ok("chair", core::PauseSession{}), std::nullopt});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->log_position, before + 1);
  store.reset();
  auto report = verify_file(url, std::nullopt);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_FALSE(report->first_break.has_value());
  EXPECT_EQ(report->verified.at(0).events, before + 1);
}

// The writer's connection is ended by the server (pg_terminate_backend, as an administrator or a crashed
// backend would) while its commit has written the log rows and waits to move the hearing's head: the commit
// fails, none of its rows stay, the hearing reloads to what was committed before, and the next commit goes
// through on a new connection.
TEST(PostgresFaults, AConnectionDroppedMidCommitFailsItAndTheHearingReloadsToTheLastCommit) {
  const std::string url = PgCluster::shared().create_database();
  make_hearing_file(url);
  auto store = open_store(StoreOptions{.path = url});
  TestHearing h = engine_from(*store);
  const std::int64_t before = h.state.event_count;
  pg::Connection other(url);
  other.exec("BEGIN");
  other.query("SELECT 1 FROM heads WHERE hearing = ? FOR UPDATE").with(kHearing).run();  // holds the head

  std::promise<core::Result<CommitInfo>> outcome;
  store->submit(CommandRecord{kHearing, h.ok("chair", core::PauseSession{}), std::nullopt},
                [&outcome](core::Result<CommitInfo> r) { outcome.set_value(std::move(r)); });
  // The writer, inside its transaction with the event written, waits for the head's row.
  pg::Connection admin(url);
  std::int64_t writer_pid = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (writer_pid == 0) {
    auto q = admin.query(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
        "AND "
        "query LIKE 'UPDATE heads%'");
    if (q.next()) writer_pid = q.int64(0);
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the writer never waited for the head";
    if (writer_pid == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));  // between polls
  }
  admin.query("SELECT pg_terminate_backend(CAST(? AS INTEGER))").with(writer_pid).run();
  auto r = outcome.get_future().get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::storage_failed);
  other.exec("ROLLBACK");

  auto loaded = store->load(kHearing);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->event_count, before);
  EXPECT_EQ(loaded->phase, core::Phase::in_session);
  {
    auto q = admin.query("SELECT count(*) FROM events");
    q.next();
    EXPECT_EQ(q.int64(0), before) << "a row of the dropped commit stayed";
  }
  h = engine_from(*store);
  auto again = commit(*store, CommandRecord{kHearing, h.ok("chair", core::PauseSession{}), std::nullopt});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->log_position, before + 1);
  store.reset();
  auto report = verify_file(url, std::nullopt);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_FALSE(report->first_break.has_value());
}

TEST(Faults, ALockedFileFailsTheCommandAfterTheBusyTimeoutAndReadsGoOn) {
  TempDir dir;
  make_hearing_file(dir / "h.db");
  auto store = open_store(StoreOptions{.path = dir / "h.db", .busy_timeout = std::chrono::milliseconds(30)});
  TestHearing h = engine_from(*store);
  const std::int64_t before = h.state.event_count;
  {
    sql::Database other(dir / "h.db", sql::OpenMode::read_write);
    sql::Transaction lock(other, sql::TransactionKind::immediate);  // another process writing
    auto r = commit(*store, CommandRecord{kHearing, h.ok("chair", core::PauseSession{}), std::nullopt});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::ErrorCode::storage_failed);
    EXPECT_NE(r.error().message.find("locked by another connection or process"), std::string::npos)
        << r.error().message;
    auto loaded = store->load(kHearing);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->event_count, before);
    EXPECT_EQ(loaded->phase, core::Phase::in_session);
  }
  // Once the lock is gone, the caller reloads and the same command goes through.
  h = engine_from(*store);
  auto r = commit(*store, CommandRecord{kHearing, h.ok("chair", core::PauseSession{}), std::nullopt});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->log_position, before + 1);
}

TEST(Faults, ALockedFileStillOpensForReading) {
  TempDir dir;
  make_hearing_file(dir / "h.db");
  sql::Database other(dir / "h.db", sql::OpenMode::read_write);
  sql::Transaction lock(other, sql::TransactionKind::immediate);
  auto store = open_store(StoreOptions{.path = dir / "h.db", .busy_timeout = std::chrono::milliseconds(30)});
  EXPECT_TRUE(store->load(kHearing).ok());
  auto report = verify_file(dir / "h.db", std::nullopt);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->first_break.has_value());
}

// Runs `check` in a child process that cannot write the file: as another user when the tests run as root
// (root writes through any file mode). Returns the child's exit code.
int as_unprivileged_user(const std::function<int()>& check) {
  pid_t pid = fork();
  if (pid == 0) {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(90);
    _exit(check());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

TEST(Faults, AReadOnlyFileIsRefusedForWritingWithAClearErrorAndStaysReadable) {
  TempDir dir;
  make_hearing_file(dir / "h.db");
  std::filesystem::permissions(dir.path(),
                               std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                   std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                                   std::filesystem::perms::others_exec);
  std::filesystem::permissions(dir / "h.db", std::filesystem::perms::owner_read |
                                                 std::filesystem::perms::group_read |
                                                 std::filesystem::perms::others_read);
  const std::string before = read_bytes(dir / "h.db");
  const std::filesystem::path path = dir / "h.db";
  int code = as_unprivileged_user([&path] {
    auto writable = Store::open(StoreOptions{.path = path});
    if (writable.ok()) return 10;
    if (writable.error().message.find("read-only") == std::string::npos) return 11;
    auto readable = Store::open(StoreOptions{.path = path, .read_only = true});
    if (!readable.ok()) {
      std::fprintf(stderr, "%s\n", readable.error().message.c_str());
      return 12;
    }
    auto state = (*readable)->load(kHearing);
    if (!state.ok() || state->phase != core::Phase::in_session) return 13;
    auto r =
        commit(**readable, CommandRecord{kHearing, {core::Event{1, core::SessionPaused{}}}, std::nullopt});
    if (r.ok() || r.error().message.find("read-only") == std::string::npos) return 14;
    auto report = verify_file(path, std::nullopt);
    if (!report.ok() || report->first_break) return 15;
    return 0;
  });
  EXPECT_EQ(code, 0) << "see the numbered checks in the test";
  EXPECT_EQ(read_bytes(dir / "h.db"), before);
}

// Whatever is damaged, the store says so clearly: at open, or when the hearing is loaded or verified.
void expect_refused_as_damaged(const std::filesystem::path& path) {
  auto store = Store::open(StoreOptions{.path = path, .read_only = true});
  std::string message;
  if (!store) {
    message = store.error().message;
  } else {
    auto state = (*store)->load(kHearing);
    auto report = verify_file(path, std::nullopt);
    ASSERT_FALSE(state.ok() && report.ok() && !report->first_break) << "the damage went unnoticed";
    message = !state.ok() ? state.error().message
                          : (report.ok() ? report->first_break->what : report.error().message);
  }
  EXPECT_TRUE(message.find("damaged") != std::string::npos ||
              message.find("not a Dais database") != std::string::npos)
      << message;
}

void overwrite(const std::filesystem::path& path, std::size_t offset, std::size_t size, char byte) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(offset));
  const std::string junk(size, byte);
  f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
}

TEST(Faults, AFileWithADamagedHeaderIsRefused) {
  TempDir dir;
  make_hearing_file(dir / "h.db");
  overwrite(dir / "h.db", 0, 100, '\x5a');
  for (bool read_only : {false, true}) {
    auto store = Store::open(StoreOptions{.path = dir / "h.db", .read_only = read_only});
    ASSERT_FALSE(store.ok());
    EXPECT_NE(store.error().message.find("damaged or not a database"), std::string::npos)
        << store.error().message;
  }
  auto report = verify_file(dir / "h.db", std::nullopt);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.error().message.find("damaged or not a database"), std::string::npos);
}

TEST(Faults, AFileWithDamagedPagesIsRefused) {
  TempDir dir;
  make_hearing_file(dir / "h.db");
  const std::size_t size = std::filesystem::file_size(dir / "h.db");
  overwrite(dir / "h.db", 4096, size - 4096, '\xff');  // every page after the first
  expect_refused_as_damaged(dir / "h.db");
}

TEST(Faults, ATruncatedFileIsRefused) {
  TempDir dir;
  {
    auto store = open_store(dir / "h.db");
    StoredHearing h(*store);
    h.start();
    for (int i = 0; i < 40; ++i) {
      h.run("Q" + std::to_string(1 + i % 3), core::SubmitInquiry{"S1", std::string(1000, 'q'), std::nullopt});
    }
  }
  const std::size_t size = std::filesystem::file_size(dir / "h.db");
  std::filesystem::resize_file(dir / "h.db", size / 2);
  expect_refused_as_damaged(dir / "h.db");
}

}  // namespace
}  // namespace dais::store::testing
