#pragma once
// A throwaway PostgreSQL 15 cluster for the store's tests and the failover bench: initdb in a temporary
// directory owned by the unprivileged `dais-pg` user (initdb refuses root), listening on a free loopback port
// with its Unix sockets in that directory and fsync on. The tests keep it in memory (/dev/shm, when it has
// room), the benches on disk (see Storage). One cluster per process, started on first use and stopped (pg_ctl
// stop -m fast) and removed at the end (tests/store/pg_cluster.cpp does it when the tests end, and drops each
// test's databases after it); a fresh database per test. Missing binaries fail with a message naming
// tools/install-deps.sh: the PostgreSQL tests never skip silently.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace dais::store::testing {

// A loopback port nothing listens on right now. Another process could take it before it is bound: the
// cluster's start then tries another.
std::uint16_t free_loopback_port();

class PgCluster {
 public:
  // Where the cluster's files live. A test creates and drops a database of some hundred files each; on ext4
  // the inode allocation for them was most of the cluster's CPU (a store test shard: 22 CPU s on disk, 8 in
  // memory). The tests need no durability beyond a killed process, which memory keeps as well as a disk. The
  // benches (failover, store) keep their figures honest on disk.
  enum class Storage { in_memory, on_disk };

  // The binary's cluster, started when first asked for, with `storage` then. Throws std::runtime_error when
  // it cannot start.
  static PgCluster& shared(Storage storage = Storage::in_memory);
  // Stops the shared cluster if it was started (the test environment calls this at the end).
  static void stop_shared();
  // A cluster of the caller's own, for a test that stops the server and starts it again (the shared one goes
  // on serving the other tests). Stopped and removed when destroyed.
  static std::unique_ptr<PgCluster> start_own(Storage storage = Storage::in_memory);

  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // Creates a new, empty database and returns its URL, postgresql://dais@127.0.0.1:<port>/<name>. It is
  // dropped when the test that created it ends.
  std::string create_database();
  // Drops the databases created since the last call (the test listener calls this after every test): their
  // pages then need not be written at the cluster's shutdown checkpoint, which keeps the stop quick. Returns
  // a message for each one that could not be dropped.
  std::vector<std::string> drop_databases();
  // The shared cluster if it was started, else nullptr.
  static PgCluster* started();
  // The URL of the cluster's maintenance database `postgres`.
  std::string url(const std::string& database = "postgres") const;
  int port() const { return port_; }
  // True when pg_isready sees the server accepting connections.
  bool ready() const;
  // The database server going away (pg_ctl stop -m fast: every connection is cut) and coming back on the same
  // port with the same data.
  void stop_server();
  void restart_server();

 private:
  explicit PgCluster(Storage storage);
  void start();
  void start_server();  // pg_ctl start on port_; false in running_ when it did not start
  void stop();
  // Runs a shell command line, its output appended to the cluster's log; returns its exit status.
  int run(const std::string& command) const;
  // Runs a server command (initdb, pg_ctl) as the cluster's owner.
  int run_as_owner(const std::string& command) const;
  std::string log_tail() const;

  std::filesystem::path dir_;  // owned by dais-pg: data/, the sockets and the log
  int port_ = 0;
  bool running_ = false;
  int databases_ = 0;
  std::vector<std::string> live_;  // created and not yet dropped
};

}  // namespace dais::store::testing
