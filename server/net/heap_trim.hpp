#pragma once
// Giving freed memory back to the system once a rush of connections has settled. Ten thousand tablets
// joining leave tens of megabytes of freed buffers (upgrade requests, welcomes, the views rendered for them)
// scattered between what the connections keep; the allocator holds on to those pages, and a hall laptop's
// memory then reads as if every connection needed twice what it does. Trimming takes a few milliseconds
// with the allocator locked, so it is done only in a quiet interval after connections came or went, never
// during a vote wave, where no one joins.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/metrics.hpp"

namespace dais::net {

// When to trim, from the count of connections opened and closed so far, read once an interval.
class TrimPolicy {
 public:
  // true: trim now. Connections came or went since the last trim (or it is the first tick after the start),
  // and none in the interval just ended.
  bool tick(std::uint64_t churn);

 private:
  std::uint64_t seen_ = 0;
  bool pending_ = true;  // loading the hearings at start left freed memory too
};

// Every `interval`, reads `churn` and trims when the policy says so (counted in dais_heap_trims_total).
class HeapTrim {
 public:
  HeapTrim(boost::asio::io_context& ioc, std::chrono::milliseconds interval,
           std::function<std::uint64_t()> churn, Metrics& metrics);
  void start();
  void stop();  // from any thread; the timer is cancelled on its strand

 private:
  void arm();

  boost::asio::steady_timer timer_;
  std::chrono::milliseconds interval_;
  std::function<std::uint64_t()> churn_;
  Metrics& metrics_;
  TrimPolicy policy_;
  bool stopped_ = false;  // on the timer's strand
};

}  // namespace dais::net
