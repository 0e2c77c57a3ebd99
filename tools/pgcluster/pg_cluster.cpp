#include "pgcluster/pg_cluster.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace dais::store::testing {

namespace {

namespace fs = std::filesystem;

const fs::path kBin = "/usr/lib/postgresql/15/bin";
constexpr const char* kOwner = "dais-pg";
constexpr const char* kSuperuser = "dais";

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string bin(const char* program) {
  return quoted((kBin / program).string());
}

// A cluster with a test's databases took up to 80 MB in memory; a container's /dev/shm is often 64 MB.
constexpr std::uintmax_t kMemoryNeeded = std::uintmax_t{1} << 30;

// /dev/shm (a tmpfs on Linux) when it is writable with kMemoryNeeded free, else the temporary directory.
fs::path parent_for(PgCluster::Storage storage) {
  const fs::path shm = "/dev/shm";
  if (storage == PgCluster::Storage::in_memory && ::access(shm.c_str(), W_OK | X_OK) == 0) {
    std::error_code ec;
    const fs::space_info space = fs::space(shm, ec);
    if (!ec && space.available >= kMemoryNeeded) return shm;
  }
  return fs::temp_directory_path();
}

std::unique_ptr<PgCluster>& shared_slot() {
  static std::unique_ptr<PgCluster> cluster;
  return cluster;
}

}  // namespace

std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("no free loopback port");
  return ntohs(addr.sin_port);
}

PgCluster& PgCluster::shared(Storage storage) {
  auto& slot = shared_slot();
  if (!slot) slot.reset(new PgCluster(storage));
  return *slot;
}

void PgCluster::stop_shared() {
  shared_slot().reset();
}

std::unique_ptr<PgCluster> PgCluster::start_own(Storage storage) {
  return std::unique_ptr<PgCluster>(new PgCluster(storage));
}

PgCluster* PgCluster::started() {
  return shared_slot().get();
}

PgCluster::PgCluster(Storage storage) {
  if (!fs::exists(kBin / "initdb") || !fs::exists(kBin / "pg_ctl") || !fs::exists(kBin / "pg_isready")) {
    throw std::runtime_error("PostgreSQL 15 is not installed (no " + (kBin / "initdb").string() +
                             "); the PostgreSQL store tests need it: run tools/install-deps.sh");
  }
  if (::geteuid() == 0 && ::getpwnam(kOwner) == nullptr) {
    throw std::runtime_error(std::string("the system user ") + kOwner +
                             " is missing (initdb refuses to run as root); run tools/install-deps.sh");
  }
  std::string pattern = (parent_for(storage) / "dais-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  try {
    start();
  } catch (...) {
    stop();
    throw;
  }
}

PgCluster::~PgCluster() {
  stop();
}

int PgCluster::run(const std::string& command) const {
  const std::string line = command + " >>" + quoted((dir_ / "commands.log").string()) + " 2>&1";
  const int status = std::system(line.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int PgCluster::run_as_owner(const std::string& command) const {
  if (::geteuid() != 0) return run(command);  // an ordinary user may run initdb itself
  return run(std::string("runuser -u ") + kOwner + " -- " + command);
}

std::string PgCluster::log_tail() const {
  std::string text;
  for (const char* name : {"commands.log", "server.log"}) {
    std::ifstream in(dir_ / name);
    text.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

void PgCluster::start() {
  if (::geteuid() == 0 && run("chown " + std::string(kOwner) + " " + quoted(dir_.string())) != 0) {
    throw std::runtime_error("cannot give " + dir_.string() + " to " + kOwner + ":\n" + log_tail());
  }
  // --no-sync: initdb's own files need not reach the disk (a throwaway cluster); the server runs with fsync.
  if (run_as_owner(bin("initdb") + " -D " + quoted((dir_ / "data").string()) + " -U " + kSuperuser +
                   " --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync") != 0) {
    throw std::runtime_error("initdb failed:\n" + log_tail());
  }
  for (int attempt = 0; attempt < 5 && !running_; ++attempt) {
    port_ = free_loopback_port();
    start_server();
  }
  if (!running_) throw std::runtime_error("the PostgreSQL test cluster did not start:\n" + log_tail());
  // pg_ctl -w returns once the postmaster says it is ready; wait until it also answers on the port.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!ready()) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("the PostgreSQL test cluster does not accept connections:\n" + log_tail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // between polls of the condition
  }
}

void PgCluster::start_server() {
  const std::string options = "-c listen_addresses=127.0.0.1 -c port=" + std::to_string(port_) +
                              " -c unix_socket_directories=" + dir_.string() + " -c fsync=on";
  running_ = run_as_owner(bin("pg_ctl") + " start -w -t 60 -D " + quoted((dir_ / "data").string()) + " -l " +
                          quoted((dir_ / "server.log").string()) + " -o " + quoted(options)) == 0;
}

void PgCluster::stop_server() {
  if (!running_) return;
  if (run_as_owner(bin("pg_ctl") + " stop -m fast -w -D " + quoted((dir_ / "data").string())) != 0)
    throw std::runtime_error("pg_ctl stop failed:\n" + log_tail());
  running_ = false;
}

void PgCluster::restart_server() {
  if (running_) return;
  start_server();
  if (!running_) throw std::runtime_error("the PostgreSQL test cluster did not start again:\n" + log_tail());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!ready()) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("the PostgreSQL test cluster does not accept connections:\n" + log_tail());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // between polls of the condition
  }
}

void PgCluster::stop() {
  if (running_) {
    run_as_owner(bin("pg_ctl") + " stop -m fast -w -D " + quoted((dir_ / "data").string()));
    running_ = false;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

bool PgCluster::ready() const {
  return run(bin("pg_isready") + " -q -h 127.0.0.1 -p " + std::to_string(port_)) == 0;
}

std::string PgCluster::url(const std::string& database) const {
  return "postgresql://" + std::string(kSuperuser) + "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PgCluster::create_database() {
  const std::string name = "test_" + std::to_string(++databases_);
  if (run(bin("createdb") + " -h 127.0.0.1 -p " + std::to_string(port_) + " -U " + kSuperuser + " " + name) !=
      0) {
    throw std::runtime_error("createdb " + name + " failed:\n" + log_tail());
  }
  live_.push_back(name);
  return url(name);
}

std::vector<std::string> PgCluster::drop_databases() {
  std::vector<std::string> failures;
  for (const std::string& name : live_) {
    // --force: a store the test left open does not keep its database alive.
    if (run(bin("dropdb") + " --force -h 127.0.0.1 -p " + std::to_string(port_) + " -U " + kSuperuser + " " +
            name) != 0) {
      failures.push_back("dropdb " + name + " failed:\n" + log_tail());
    }
  }
  live_.clear();
  return failures;
}

}  // namespace dais::store::testing
