#include "net/heap_trim.hpp"

#include <malloc.h>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

namespace dais::net {

bool TrimPolicy::tick(std::uint64_t churn) {
  if (churn != seen_) {  // still coming or going: wait for a quiet interval
    seen_ = churn;
    pending_ = true;
    return false;
  }
  const bool trim = pending_;
  pending_ = false;
  return trim;
}

HeapTrim::HeapTrim(boost::asio::io_context& ioc, std::chrono::milliseconds interval,
                   std::function<std::uint64_t()> churn, Metrics& metrics)
    : timer_(boost::asio::make_strand(ioc)),
      interval_(interval),
      churn_(std::move(churn)),
      metrics_(metrics) {}

void HeapTrim::start() {
  boost::asio::post(timer_.get_executor(), [this] { arm(); });
}

void HeapTrim::stop() {
  boost::asio::post(timer_.get_executor(), [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

void HeapTrim::arm() {
  if (stopped_) return;
  timer_.expires_after(interval_);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    if (policy_.tick(churn_())) {
      malloc_trim(0);
      metrics_.heap_trims++;
    }
    arm();
  });
}

}  // namespace dais::net
