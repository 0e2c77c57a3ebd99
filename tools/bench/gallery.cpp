#include "bench/gallery.hpp"

#include <atomic>
#include <charconv>
#include <deque>
#include <mutex>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace dais::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {
constexpr std::string_view kRoundMark = R"({"round":)";
}  // namespace

std::string round_frame(std::int64_t round, std::size_t bytes) {
  std::string frame = std::string(kRoundMark) + std::to_string(round) + R"(,"pad":")";
  const std::string_view close = R"("})";
  if (frame.size() + close.size() < bytes) frame.append(bytes - frame.size() - close.size(), '.');
  return frame.append(close);
}

std::optional<std::int64_t> frame_round(std::string_view frame) {
  if (!frame.starts_with(kRoundMark)) return std::nullopt;
  std::int64_t round = 0;
  const char* digits = frame.data() + kRoundMark.size();
  const auto [end, ec] = std::from_chars(digits, frame.data() + frame.size(), round);
  if (ec != std::errc() || end == digits) return std::nullopt;
  return round;
}

// One client of the broadcast server, on one io_context thread: connect → upgrade → read loop. Every method
// runs on that thread.
class Onlooker : public std::enable_shared_from_this<Onlooker> {
 public:
  using Connected = std::function<void(bool ok, const std::string& why)>;

  Onlooker(asio::io_context& ioc, asio::ip::address source) : ws_(ioc), source_(source) {}

  void connect(const Target& target, Connected done) {
    connected_ = std::move(done);
    host_ = target.host + ":" + std::to_string(target.port);
    path_ = target.path;
    beast::error_code ec;
    open_from(beast::get_lowest_layer(ws_).socket(), source_, ec);
    if (ec) return fail("open: " + ec.message());
    const tcp::endpoint server(asio::ip::make_address(target.host, ec), target.port);
    if (ec) return fail("address: " + ec.message());
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(ws_).async_connect(
        server, [self = shared_from_this()](beast::error_code e) { self->on_connect(e); });
  }

  void send(std::shared_ptr<const std::string> frame) {
    queue_.push_back(std::move(frame));
    if (queue_.size() == 1) write();
  }

  // Counts `done` down once the frame of `round` (or a later one) arrived, also when it already had.
  void expect_round(std::int64_t round, std::shared_ptr<Countdown> done) {
    delivery_ = {};
    if (last_round_ >= round) {
      delivery_ = last_;
      done->arrive();
      return;
    }
    expected_round_ = round;
    round_done_ = std::move(done);
  }

  const Gallery::Delivery& delivery() const { return delivery_; }
  std::int64_t frames() const { return frames_; }

  // Resets the connection (no close frame), so its descriptor is free at once.
  void drop() {
    beast::error_code ec;
    auto& socket = beast::get_lowest_layer(ws_).socket();
    socket.set_option(asio::socket_base::linger(true, 0), ec);
    socket.close(ec);
  }

 private:
  void on_connect(beast::error_code ec) {
    if (ec) return fail("connect: " + ec.message());
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ec);
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(
        websocket::stream_base::timeout{std::chrono::seconds(30), websocket::stream_base::none(), false});
    ws_.async_handshake(host_, path_, [self = shared_from_this()](beast::error_code e) {
      if (e) return self->fail("upgrade: " + e.message());
      self->ws_.text(true);
      std::exchange(self->connected_, nullptr)(true, "");
      self->read();
    });
  }

  void fail(const std::string& why) {
    if (connected_) std::exchange(connected_, nullptr)(false, why);
  }

  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      if (!ec) self->on_frame(n);
    });
  }

  void on_frame(std::size_t n) {
    const auto now = Clock::now();
    ++frames_;
    const auto data = buffer_.cdata();
    if (const auto round = frame_round(std::string_view(static_cast<const char*>(data.data()), n))) {
      last_round_ = *round;
      last_ = {now, n};
      if (round_done_ && *round >= expected_round_) {
        delivery_ = last_;
        std::exchange(round_done_, nullptr)->arrive();
      }
    }
    buffer_.consume(n);
    read();
  }

  void write() {
    ws_.async_write(asio::buffer(*queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec) return;
                      self->queue_.pop_front();
                      if (!self->queue_.empty()) self->write();
                    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  asio::ip::address source_;
  std::string host_, path_;
  Connected connected_;
  beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::int64_t frames_ = 0;
  std::int64_t last_round_ = -1;
  Gallery::Delivery last_;
  std::int64_t expected_round_ = 0;
  std::shared_ptr<Countdown> round_done_;
  Gallery::Delivery delivery_;
};

Gallery::Gallery(GalleryOptions options, std::size_t onlookers) : options_(std::move(options)) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, options_.threads); ++i) {
    contexts_.push_back(std::make_unique<asio::io_context>(1));
    guards_.push_back(asio::make_work_guard(*contexts_.back()));
  }
  for (std::size_t i = 0; i < std::max<std::size_t>(1, onlookers); ++i) {
    onlookers_.push_back(
        std::make_shared<Onlooker>(*contexts_[i % contexts_.size()], source_address(i, options_.sources)));
  }
  for (auto& ioc : contexts_) threads_.emplace_back([&ioc = *ioc] { ioc.run(); });
}

Gallery::~Gallery() {
  stop();
  for (auto& o : onlookers_) o->drop();  // the threads are gone: nothing else touches them now
  onlookers_.clear();
}

void Gallery::stop() {
  for (auto& g : guards_) g.reset();
  for (auto& c : contexts_) c->stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void Gallery::post(std::size_t i, std::function<void(Onlooker&)> fn) {
  auto& o = onlookers_.at(i);
  asio::post(*contexts_[i % contexts_.size()], [o, fn = std::move(fn)] { fn(*o); });
}

bool Gallery::on_each(std::size_t from, const std::function<void(Onlooker&, std::size_t)>& fn,
                      std::chrono::milliseconds timeout) {
  Countdown done(static_cast<std::int64_t>(onlookers_.size() - std::min(from, onlookers_.size())));
  for (std::size_t i = from; i < onlookers_.size(); ++i) {
    post(i, [&fn, &done, i](Onlooker& o) {
      fn(o, i);
      done.arrive();
    });
  }
  if (done.wait(timeout)) return true;
  stop();
  return false;
}

Gallery::Connected Gallery::connect(std::size_t in_flight, std::chrono::milliseconds timeout) {
  struct Shared {
    std::atomic<std::size_t> next{0};
    std::atomic<std::int64_t> connected{0};
    std::mutex mutex;
    std::string first_failure;
    Countdown done;
  };
  auto shared = std::make_shared<Shared>();
  shared->done.reset(static_cast<std::int64_t>(onlookers_.size()));
  const auto start = Clock::now();
  // Each finished connect starts the next one, so at most `in_flight` are under way at any time.
  auto launch = std::make_shared<std::function<void()>>();
  *launch = [this, shared, weak = std::weak_ptr(launch)] {
    const std::size_t k = shared->next.fetch_add(1);
    if (k >= onlookers_.size()) return;
    post(k, [this, shared, weak](Onlooker& o) {
      o.connect(options_.target, [shared, weak](bool ok, const std::string& why) {
        if (ok) {
          ++shared->connected;
        } else {
          std::lock_guard lock(shared->mutex);
          if (shared->first_failure.empty()) shared->first_failure = why;
        }
        shared->done.arrive();
        if (auto next = weak.lock()) (*next)();
      });
    });
  };
  const std::size_t first = in_flight == 0 ? onlookers_.size() : std::min(in_flight, onlookers_.size());
  for (std::size_t k = 0; k < first; ++k) (*launch)();
  const bool all = shared->done.wait(timeout);
  launch.reset();
  Connected out;
  out.took = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  out.connected = shared->connected;
  out.failed = static_cast<std::int64_t>(onlookers_.size()) - out.connected;
  std::lock_guard lock(shared->mutex);
  out.first_failure = all ? shared->first_failure : "connecting timed out";
  return out;
}

Gallery::Round Gallery::round(std::int64_t number, std::size_t bytes, std::chrono::milliseconds timeout) {
  const auto frame = std::make_shared<const std::string>(round_frame(number, bytes));
  const std::size_t audience = onlookers_.size() - 1;
  auto echoed = std::make_shared<Countdown>(1);
  auto reached = std::make_shared<Countdown>(static_cast<std::int64_t>(audience));
  Round out;
  out.sent = Clock::now();
  post(0, [frame, number, echoed](Onlooker& o) {
    o.send(frame);
    o.expect_round(number, echoed);
  });
  // The trigger's own copy stands for the chair's ack: the fan-out rounds also wait for it before they ask
  // the audience, so the two measurements put the same work on the client threads at the same moment.
  echoed->wait(timeout);
  on_each(
      1, [&](Onlooker& o, std::size_t) { o.expect_round(number, reached); }, timeout);
  reached->wait(timeout);
  out.missing = reached->left();
  out.deliveries.resize(audience);
  on_each(
      1, [&](Onlooker& o, std::size_t i) { out.deliveries[i - 1] = o.delivery(); }, timeout);
  return out;
}

std::vector<std::int64_t> Gallery::frames() {
  std::vector<std::int64_t> out(onlookers_.size());
  on_each(
      0, [&](Onlooker& o, std::size_t i) { out[i] = o.frames(); }, std::chrono::seconds(60));
  return out;
}

}  // namespace dais::bench
