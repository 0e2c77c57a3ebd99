#pragma once
// One participant's device: a WebSocket client that joins with `hello`, sends requests and keeps track of
// what it received. A Tablet lives on one io_context thread; every method must be called there (post to it).
// It may rejoin after its connection dropped; each connection is a separate Link. Once it had a welcome it
// connects to /ws?hearing=H&node=N (docs/scale-out.md: the front sends it to the node serving its hearing),
// and a tablet that follows (follow()) does what the web client does when its node goes away: after a close
// 4012 `node=N` it reconnects to node N at once, after any other loss it reconnects with a backoff, and it
// resumes from the last seq it applied.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bench/countdown.hpp"
#include "bench/wire.hpp"

namespace dais::bench {

using Clock = std::chrono::steady_clock;

struct Target {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/ws";
};

// What became of one request.
struct Answer {
  Clock::time_point sent{};
  std::optional<Clock::time_point> answered;
  bool ok = false;         // ack (true) or error (false)
  bool duplicate = false;  // the server answered a retry with the original ack
  std::int64_t seq = 0;    // the ack's seq
  std::string frame;       // the whole answer
  std::string error;       // the error's code, or why there was no answer
};

// Client i's source address: 127.0.0.(1 + i mod sources), or the system's choice when there is one source.
boost::asio::ip::address source_address(std::size_t i, std::size_t sources);
// Opens `socket` bound to `source` (unless unspecified) with its port picked at connect time, so that many
// source addresses share the ephemeral port range.
void open_from(boost::asio::ip::tcp::socket& socket, const boost::asio::ip::address& source,
               boost::system::error_code& ec);

class Link;

class Tablet {
 public:
  // Called for every frame after the tablet's own bookkeeping (chair and display observers use it).
  using Observer = std::function<void(Tablet&, const FrameHead&, std::string_view frame, Clock::time_point)>;

  Tablet(boost::asio::io_context& ioc, Target target, boost::asio::ip::address source, std::string token,
         std::size_t index);
  ~Tablet();

  std::size_t index() const { return index_; }
  boost::asio::io_context& context() { return ioc_; }

  // Connects, upgrades, sends hello (with resume_from when given) and calls `done(true)` at the welcome, or
  // `done(false)` when any step failed or the server answered with an error.
  void join(std::optional<std::int64_t> resume_from, std::function<void(bool)> done);
  // Sends a request and tracks its answer by id; `answered` (if any) counts down when the ack or error comes.
  void request(const std::string& id, std::string frame, std::shared_ptr<Countdown> answered);
  void send(std::string frame);
  void stop_reading();  // a slow consumer: frames pile up in the kernel and in the server's queue
  void start_reading();
  void drop();   // the network went away: reset, no close frame
  void close();  // a normal WebSocket close
  // From now on, reconnect by itself as the web client does (above) instead of staying disconnected.
  void follow() { follow_ = true; }
  // Counts `done` down once the tablet is current again after a welcome from a node other than `left`
  // (resumed and caught up, or a snapshot); rejoin_welcome_at() and rejoined_at() then give when that
  // welcome came and when it was current.
  void expect_rejoin(std::string left, std::shared_ptr<Countdown> done);
  std::optional<Clock::time_point> rejoin_welcome_at() const { return rejoin_welcome_at_; }
  std::optional<Clock::time_point> rejoined_at() const { return rejoined_at_; }
  bool connected() const { return link_ != nullptr; }
  // Forgets the connection without a word; only once the I/O threads stopped (the hall shutting down).
  void release() {
    link_.reset();
    retry_.reset();
  }

  // From now on, records the arrival time of the next `count` updates; counts `done` down after the last one.
  void expect_updates(std::int64_t count, std::shared_ptr<Countdown> done);
  // Counts `done` down once the tablet is current with `seq`: a frame with at least that seq arrived (a
  // resumed welcome alone does not count: the missed updates follow it). seq_reached_at() gives that frame's
  // arrival time, also when it arrived before this call (recent arrivals are remembered).
  void expect_seq(std::int64_t seq, std::shared_ptr<Countdown> done);
  std::optional<Clock::time_point> seq_reached_at() const { return seq_reached_at_; }
  // A small receive buffer (set before join) makes a stalled tablet fill the server's queue quickly.
  void set_receive_buffer(int bytes) { receive_buffer_ = bytes; }
  // Counts `lost` down when the connection ends without drop() or close() asking for it.
  void notify_lost(std::shared_ptr<Countdown> lost) { lost_ = std::move(lost); }
  void set_observer(Observer observer) { observer_ = std::move(observer); }

  // Observations (read by the controller after a Countdown that this tablet counted down).
  std::int64_t last_seq() const { return last_seq_; }
  std::int64_t updates() const { return updates_; }
  std::int64_t frames() const { return frames_; }
  std::int64_t bytes() const { return bytes_; }
  std::int64_t last_update_bytes() const { return last_update_bytes_; }  // the size of the last update frame
  bool welcome_resumed() const { return welcome_resumed_; }
  const std::string& node() const { return node_; }        // from the last welcome or close 4012
  const std::string& hearing() const { return hearing_; }  // from the first welcome
  std::int64_t welcomes() const { return welcomes_; }
  std::int64_t snapshots() const { return snapshots_; }     // welcomes that were not resumed
  std::int64_t redirects() const { return redirects_; }     // closes 4012
  int last_close_code() const { return last_close_code_; }  // 0: the last link did not end with a close frame
  const std::string& last_close_reason() const { return last_close_reason_; }
  const std::vector<Clock::time_point>& arrivals() const { return arrivals_; }
  const std::map<std::string, Answer>& answers() const { return answers_; }
  const std::string& last_failure() const { return failure_; }
  int receive_buffer() const { return receive_buffer_; }

 private:
  friend class Link;
  void on_frame(Link& link, std::string_view frame);
  void on_link_end(Link& link, const std::string& why, int close_code, const std::string& close_reason);
  void connect();  // a new link to target_ (with the query) and hello, resuming from last_seq_ if any
  void reconnect_later(std::chrono::milliseconds delay);
  void became_current(Clock::time_point now);
  Target where() const;

  boost::asio::io_context& ioc_;
  Target target_;
  boost::asio::ip::address source_;
  std::string token_;
  std::size_t index_;
  std::shared_ptr<Link> link_;
  std::function<void(bool)> join_done_;
  bool reading_ = true;
  int receive_buffer_ = 0;
  struct Arrival {
    std::int64_t seq;
    Clock::time_point at;
  };
  std::vector<Arrival> recent_;  // the last frames that carried a seq, oldest first (bounded)

  std::int64_t last_seq_ = 0;
  std::int64_t updates_ = 0;
  std::int64_t frames_ = 0;
  std::int64_t bytes_ = 0;
  std::int64_t last_update_bytes_ = 0;
  bool welcome_resumed_ = false;
  std::string failure_;
  std::string hearing_, node_;
  bool follow_ = false;
  int losses_in_a_row_ = 0;  // since the last welcome: the backoff grows with them
  std::unique_ptr<boost::asio::steady_timer> retry_;
  std::int64_t welcomes_ = 0, snapshots_ = 0, redirects_ = 0;
  int last_close_code_ = 0;
  std::string last_close_reason_;
  std::optional<std::int64_t> catch_up_to_;  // a resumed welcome's seq: current once last_seq_ reaches it
  std::string rejoin_left_;
  std::shared_ptr<Countdown> rejoin_done_;
  std::optional<Clock::time_point> rejoin_welcome_at_, rejoined_at_;

  std::int64_t expected_updates_ = 0;
  std::shared_ptr<Countdown> updates_done_;
  std::vector<Clock::time_point> arrivals_;
  std::int64_t expected_seq_ = 0;
  std::shared_ptr<Countdown> seq_done_;
  std::optional<Clock::time_point> seq_reached_at_;
  std::shared_ptr<Countdown> lost_ = nullptr;
  std::map<std::string, Answer> answers_;
  std::map<std::string, std::shared_ptr<Countdown>> pending_;
  Observer observer_;
};

}  // namespace dais::bench
