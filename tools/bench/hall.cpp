#include "bench/hall.hpp"

#include <mutex>

#include <boost/asio/post.hpp>

namespace dais::bench {

namespace asio = boost::asio;

std::vector<std::size_t> range(std::size_t from, std::size_t to) {
  std::vector<std::size_t> v;
  for (std::size_t i = from; i < to; ++i) v.push_back(i);
  return v;
}

Hall::Hall(HallOptions options) : options_(std::move(options)) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, options_.threads); ++i) {
    contexts_.push_back(std::make_unique<asio::io_context>(1));
    guards_.push_back(asio::make_work_guard(*contexts_.back()));
  }
  for (auto& ioc : contexts_) threads_.emplace_back([&ioc = *ioc] { ioc.run(); });
}

Hall::~Hall() {
  stop();
  for (auto& t : tablets_) t->release();
}

void Hall::stop() {
  for (auto& g : guards_) g.reset();
  for (auto& c : contexts_) c->stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

std::size_t Hall::add(const std::string& token) {
  return add(token, options_.target);
}

std::size_t Hall::add(const std::string& token, const Target& target) {
  const std::size_t i = tablets_.size();
  // Tablet i uses thread i mod T and source address 127.0.0.(1 + i mod S).
  auto& ioc = *contexts_[i % contexts_.size()];
  tablets_.push_back(std::make_unique<Tablet>(ioc, target, source_address(i, options_.sources), token, i));
  return i;
}

void Hall::post(std::size_t i, std::function<void(Tablet&)> fn) {
  Tablet& t = *tablets_.at(i);
  asio::post(t.context(), [&t, fn = std::move(fn)] { fn(t); });
}

bool Hall::on_each(const std::vector<std::size_t>& which, const std::function<void(Tablet&)>& fn,
                   std::chrono::milliseconds timeout) {
  Countdown done(static_cast<std::int64_t>(which.size()));
  for (auto i : which) {
    post(i, [&fn, &done](Tablet& t) {
      fn(t);
      done.arrive();
    });
  }
  if (done.wait(timeout)) return true;
  // Every posted handler still refers to `fn` and `done`: stop the threads before they go out of scope.
  stop();
  return false;
}

Hall::JoinOutcome Hall::join(const std::vector<std::size_t>& which, std::size_t in_flight,
                             const std::function<std::optional<std::int64_t>(Tablet&)>& resume,
                             std::chrono::milliseconds timeout) {
  struct Shared {
    std::atomic<std::size_t> next{0};
    std::atomic<std::int64_t> joined{0}, failed{0};
    std::mutex mutex;
    std::vector<std::string> failures;
    Countdown done;
    std::vector<std::size_t> which;
  };
  auto shared = std::make_shared<Shared>();
  shared->which = which;
  shared->done.reset(static_cast<std::int64_t>(which.size()));
  const auto start = Clock::now();
  // Each finished join starts the next one, so at most `in_flight` are under way at any time.
  auto launch = std::make_shared<std::function<void()>>();
  *launch = [this, shared, resume, weak = std::weak_ptr(launch)] {
    const std::size_t k = shared->next.fetch_add(1);
    if (k >= shared->which.size()) return;
    post(shared->which[k], [shared, resume, weak](Tablet& t) {
      t.join(resume ? resume(t) : std::nullopt, [shared, weak, &t](bool ok) {
        if (ok) {
          ++shared->joined;
        } else {
          ++shared->failed;
          std::lock_guard lock(shared->mutex);
          if (shared->failures.size() < 5) shared->failures.push_back(t.last_failure());
        }
        shared->done.arrive();
        if (auto next = weak.lock()) (*next)();
      });
    });
  };
  const std::size_t first = in_flight == 0 ? which.size() : std::min(in_flight, which.size());
  for (std::size_t k = 0; k < first; ++k) (*launch)();
  const bool all = shared->done.wait(timeout);
  JoinOutcome out;
  out.took = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  out.joined = shared->joined;
  out.failed = shared->failed + (all ? 0 : shared->done.left());
  std::lock_guard lock(shared->mutex);
  out.failures = shared->failures;
  if (!all) out.failures.push_back("join timed out");
  launch.reset();
  return out;
}

}  // namespace dais::bench
