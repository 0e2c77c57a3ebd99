#pragma once
// The server under test as a child process: started with its output on a pipe that is always drained, waited
// on by its own output ("listening on http://…") and by its exit (a pidfd), never by sleeping. Also reads the
// server's memory and CPU from /proc.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace dais::bench {

class ServerProcess {
 public:
  // Starts argv[0] (a path) with argv; stdout and stderr go to one pipe.
  static std::unique_ptr<ServerProcess> start(const std::vector<std::string>& argv);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  pid_t pid() const { return pid_; }
  // The first output line (from the start) containing `needle`, or nothing when the process ended or the
  // timeout passed first.
  std::optional<std::string> wait_for_line(const std::string& needle, std::chrono::milliseconds timeout);
  void signal(int sig);
  // The exit status (as waitpid reports it) once the process ended, or nothing after the timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  bool running() const { return !status_.has_value(); }
  std::string recent_output() const;  // the last lines, for diagnostics
  // Every kept line, once the output ended (the process and its children closed the pipe) or the timeout
  // passed.
  std::string all_output(std::chrono::milliseconds timeout);

 private:
  ServerProcess() = default;
  void drain();

  pid_t pid_ = -1;
  int pidfd_ = -1;
  int out_fd_ = -1;
  std::optional<int> status_;
  std::thread drainer_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> lines_;
  std::size_t dropped_lines_ = 0;  // lines forgotten from the front of `lines_`
  bool eof_ = false;
};

struct CommandOutput {
  int exit_code = -1;  // -1: did not exit normally (signal or timeout)
  std::string output;  // stdout and stderr together
};
// Runs a command to completion (killed after the timeout).
CommandOutput run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

// The resources a process uses now, from /proc/<pid>.
struct ProcessUsage {
  std::int64_t rss_kb = 0;
  std::int64_t peak_rss_kb = 0;  // VmHWM
  double cpu_s = 0;              // user + system since start
};
std::optional<ProcessUsage> process_usage(pid_t pid);

// Raises the soft file-descriptor limit to the hard limit; returns the new soft limit.
std::int64_t raise_fd_limit();

}  // namespace dais::bench
