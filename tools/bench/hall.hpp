#pragma once
// The hall full of tablets: a few I/O threads, each with its own io_context, and the tablets spread over
// them. The controller (main thread) acts on tablets by posting to their thread and waits on Countdowns.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "bench/tablet.hpp"

namespace dais::bench {

struct HallOptions {
  Target target;
  std::size_t threads = 1;
  std::size_t sources = 1;  // source addresses 127.0.0.1 … 127.0.0.<sources>, for more than ~28,000 ports
};

class Hall {
 public:
  explicit Hall(HallOptions options);
  ~Hall();
  Hall(const Hall&) = delete;
  Hall& operator=(const Hall&) = delete;

  // Adds a tablet for `token`; returns its index.
  std::size_t add(const std::string& token);
  // Adds a tablet that connects to `target` instead of the hall's (a tablet beside the front, straight to one
  // node).
  std::size_t add(const std::string& token, const Target& target);
  Tablet& tablet(std::size_t i) { return *tablets_.at(i); }
  std::size_t size() const { return tablets_.size(); }

  // Runs `fn` on the tablet's thread.
  void post(std::size_t i, std::function<void(Tablet&)> fn);
  // Runs `fn` on every listed tablet's thread and waits until all ran (bounded by `timeout`).
  bool on_each(const std::vector<std::size_t>& which, const std::function<void(Tablet&)>& fn,
               std::chrono::milliseconds timeout);

  struct JoinOutcome {
    std::int64_t joined = 0;
    std::int64_t failed = 0;
    std::chrono::microseconds took{};
    std::vector<std::string> failures;  // the first few reasons
  };
  // Joins the listed tablets with at most `in_flight` joins at a time (0: all at once). `resume` gives each
  // tablet's resume_from, if any. Waits at most `timeout` for every join to end.
  JoinOutcome join(const std::vector<std::size_t>& which, std::size_t in_flight,
                   const std::function<std::optional<std::int64_t>(Tablet&)>& resume,
                   std::chrono::milliseconds timeout);

  void stop();

 private:
  HallOptions options_;
  std::vector<std::unique_ptr<Tablet>> tablets_;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
};

std::vector<std::size_t> range(std::size_t from, std::size_t to);

}  // namespace dais::bench
