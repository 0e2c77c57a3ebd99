#pragma once
// What several attack programs share: the harness's wait in milliseconds (for poll and socket timeouts) and
// scratch directories. One copy for every file of the area, so that they compile together in a unity batch.
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

#include "net/harness.hpp"

namespace dais::test {

inline constexpr int kWaitMs =
    static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(kWait).count());

// A new directory under the system's temporary directory, named `prefix`-XXXXXX.
inline std::filesystem::path make_dir(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

// A scratch directory of its own, removed with everything in it at the end of the scope.
struct Scratch {
  explicit Scratch(const std::string& prefix) : dir(make_dir(prefix)) {}
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  const std::filesystem::path dir;
};

}  // namespace dais::test
