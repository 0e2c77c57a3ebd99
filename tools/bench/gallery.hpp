#pragma once
// The clients of the bare broadcast server (broadcast_server.hpp): onlookers that only connect, upgrade,
// read and timestamp frames. The gallery spreads them over I/O threads and source addresses exactly as the
// Hall spreads tablets (onlooker i on thread i mod T and 127.0.0.(1 + i mod S)), so both servers face the
// same client. Onlooker 0 is the trigger, in the chair's place: it sends each round's frame, which the server
// hands to everyone, and the round lasts until every other onlooker has it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "bench/tablet.hpp"

namespace dais::bench {

// A round's frame, `bytes` long when that is more than its marking needs: {"round":N,"pad":"……"}.
std::string round_frame(std::int64_t round, std::size_t bytes);
// The round a frame made by round_frame carries; nothing for any other frame.
std::optional<std::int64_t> frame_round(std::string_view frame);

class Onlooker;

struct GalleryOptions {
  Target target;
  std::size_t threads = 1;
  std::size_t sources = 1;
};

class Gallery {
 public:
  // `onlookers` clients, not yet connected; at least one (the trigger).
  Gallery(GalleryOptions options, std::size_t onlookers);
  ~Gallery();
  Gallery(const Gallery&) = delete;
  Gallery& operator=(const Gallery&) = delete;

  std::size_t size() const { return onlookers_.size(); }

  struct Connected {
    std::int64_t connected = 0;
    std::int64_t failed = 0;  // refused, reset, or not upgraded within the timeout
    std::chrono::microseconds took{};
    std::string first_failure;
  };
  // Connects and upgrades every onlooker, at most `in_flight` at a time.
  Connected connect(std::size_t in_flight, std::chrono::milliseconds timeout);

  // What one onlooker got in a round: when the round's frame arrived and how long it was.
  struct Delivery {
    std::optional<Clock::time_point> at;
    std::size_t bytes = 0;
  };
  struct Round {
    Clock::time_point sent{};
    std::vector<Delivery> deliveries;  // onlookers 1 … size()-1, in order
    std::int64_t missing = 0;          // how many had not got it when the timeout passed
  };
  // The trigger sends round `number`'s frame of `bytes`; waits (at most `timeout`) until every other onlooker
  // received it.
  Round round(std::int64_t number, std::size_t bytes, std::chrono::milliseconds timeout);

  // Frames each onlooker received in all (the trigger's own echoes included), in order.
  std::vector<std::int64_t> frames();

  // Ends the I/O threads; the connections close when the gallery goes.
  void stop();

 private:
  void post(std::size_t i, std::function<void(Onlooker&)> fn);
  // Runs `fn` on every onlooker from `from` on, on its thread; false (and the threads stopped, since the
  // handlers still refer to the caller's data) when they did not all run within `timeout`.
  bool on_each(std::size_t from, const std::function<void(Onlooker&, std::size_t)>& fn,
               std::chrono::milliseconds timeout);

  GalleryOptions options_;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  std::vector<std::shared_ptr<Onlooker>> onlookers_;
};

}  // namespace dais::bench
