#include "bench/server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace dais::bench {
namespace {

constexpr std::size_t kKeptLines = 2000;

// The raw system calls: glibc's wrappers are not declared for C++ in every version.
int open_pidfd(pid_t pid) {
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
}
int send_to_pidfd(int pidfd, int sig) {
  return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

std::runtime_error system_error(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

std::unique_ptr<ServerProcess> ServerProcess::start(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw system_error("pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    errno = rc;
    throw system_error("spawn " + argv[0]);
  }
  std::unique_ptr<ServerProcess> p(new ServerProcess());
  p->pid_ = pid;
  p->out_fd_ = fds[0];
  p->pidfd_ = open_pidfd(pid);
  if (p->pidfd_ < 0) throw system_error("pidfd_open");
  p->drainer_ = std::thread([raw = p.get()] { raw->drain(); });
  return p;
}

ServerProcess::~ServerProcess() {
  if (running()) {
    signal(SIGKILL);
    wait_exit(std::chrono::seconds(10));
  }
  if (drainer_.joinable()) drainer_.join();
  if (out_fd_ >= 0) close(out_fd_);
  if (pidfd_ >= 0) close(pidfd_);
}

void ServerProcess::drain() {
  std::string partial;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    partial.append(buf, static_cast<std::size_t>(n));
    std::lock_guard lock(mutex_);
    std::size_t pos;
    while ((pos = partial.find('\n')) != std::string::npos) {
      lines_.push_back(partial.substr(0, pos));
      partial.erase(0, pos + 1);
      if (lines_.size() > kKeptLines) {
        lines_.pop_front();
        ++dropped_lines_;
      }
    }
    changed_.notify_all();
  }
  std::lock_guard lock(mutex_);
  if (!partial.empty()) lines_.push_back(partial);
  eof_ = true;
  changed_.notify_all();
}

std::optional<std::string> ServerProcess::wait_for_line(const std::string& needle,
                                                        std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::size_t next = 0;  // absolute line number checked next
  std::optional<std::string> found;
  changed_.wait_for(lock, timeout, [&] {
    for (next = std::max(next, dropped_lines_); next < dropped_lines_ + lines_.size(); ++next) {
      const auto& line = lines_[next - dropped_lines_];
      if (line.find(needle) != std::string::npos) {
        found = line;
        return true;
      }
    }
    return eof_;
  });
  return found;
}

void ServerProcess::signal(int sig) {
  if (running()) send_to_pidfd(pidfd_, sig);
}

std::optional<int> ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (status_) return status_;
  pollfd p{pidfd_, POLLIN, 0};
  int rc;
  do {
    rc = poll(&p, 1, static_cast<int>(timeout.count()));
  } while (rc < 0 && errno == EINTR);
  if (rc <= 0) return std::nullopt;
  int status = 0;
  if (waitpid(pid_, &status, 0) == pid_) status_ = status;
  return status_;
}

std::string ServerProcess::recent_output() const {
  std::lock_guard lock(mutex_);
  std::string out;
  const std::size_t from = lines_.size() > 40 ? lines_.size() - 40 : 0;
  for (std::size_t i = from; i < lines_.size(); ++i) out += lines_[i] + "\n";
  return out;
}

std::string ServerProcess::all_output(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [this] { return eof_; });
  std::string out;
  for (const auto& line : lines_) out += line + "\n";
  return out;
}

CommandOutput run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  auto p = ServerProcess::start(argv);
  CommandOutput result;
  const auto status = p->wait_exit(timeout);
  if (!status) {
    p->signal(SIGKILL);
    p->wait_exit(std::chrono::seconds(10));
  } else if (WIFEXITED(*status)) {
    result.exit_code = WEXITSTATUS(*status);
  }
  result.output = p->all_output(std::chrono::seconds(10));
  return result;
}

std::optional<ProcessUsage> process_usage(pid_t pid) {
  ProcessUsage u;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  if (!status) return std::nullopt;
  std::string line;
  while (std::getline(status, line)) {
    std::istringstream in(line);
    std::string key;
    std::int64_t kb = 0;
    in >> key >> kb;
    if (key == "VmRSS:") u.rss_kb = kb;
    if (key == "VmHWM:") u.peak_rss_kb = kb;
  }
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const auto close = all.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(all.substr(close + 2));
  std::string field;
  std::int64_t utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  u.cpu_s = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  return u;
}

std::int64_t raise_fd_limit() {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);
  getrlimit(RLIMIT_NOFILE, &lim);
  return static_cast<std::int64_t>(lim.rlim_cur);
}

}  // namespace dais::bench
