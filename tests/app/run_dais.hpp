// What the command-line tests share: reading a file whole, and running the real `dais` binary with its output
// and error captured in files of a scratch directory. One copy for every file of the area, so that they
// compile together in a unity batch.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#ifndef DAIS_EXECUTABLE
#define DAIS_EXECUTABLE DAIS_BINARY_DIR "/server/app/dais"
#endif

namespace dais::test::cli {

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// How a run of `dais` ended.
struct CliRun {
  int code = -1;   // the exit code; -1 when a signal ended it
  int signal = 0;  // the signal that ended it, 0 when it exited
  std::string out;
  std::string err;
};

// Runs `dais ARGS…` with its standard output and error in `dir`/stdout and `dir`/stderr; with `input`, that
// on its standard input (from `dir`/stdin), else the test's own.
inline CliRun run_dais(const std::filesystem::path& dir, const std::vector<std::string>& args,
                       const std::optional<std::string>& input = std::nullopt) {
  const auto in_path = dir / "stdin";
  const auto out_path = dir / "stdout";
  const auto err_path = dir / "stderr";
  if (input) std::ofstream(in_path, std::ios::binary) << *input;
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (input) {
      const int in = ::open(in_path.c_str(), O_RDONLY);
      ::dup2(in, STDIN_FILENO);
    }
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    std::vector<char*> argv{const_cast<char*>(DAIS_EXECUTABLE)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(DAIS_EXECUTABLE, argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CliRun r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

}  // namespace dais::test::cli
