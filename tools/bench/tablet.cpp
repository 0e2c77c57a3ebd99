#include "bench/tablet.hpp"

#include <deque>

#include <netinet/in.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace dais::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

asio::ip::address source_address(std::size_t i, std::size_t sources) {
  if (sources <= 1) return {};
  return asio::ip::address_v4((127u << 24) | static_cast<unsigned>(1 + i % sources));
}

void open_from(tcp::socket& socket, const asio::ip::address& source, beast::error_code& ec) {
  socket.open(tcp::v4(), ec);
  if (ec || source.is_unspecified()) return;
  const int one = 1;
  setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  socket.bind(tcp::endpoint(source, 0), ec);
}

// One WebSocket connection of a tablet: connect → upgrade → hello → read loop, one write in flight.
class Link : public std::enable_shared_from_this<Link> {
 public:
  Link(Tablet& tablet, asio::io_context& ioc) : tablet_(tablet), ws_(ioc) {}

  void start(const Target& target, const asio::ip::address& source, std::string hello) {
    hello_ = std::move(hello);
    host_ = target.host + ":" + std::to_string(target.port);
    path_ = target.path;
    auto& socket = beast::get_lowest_layer(ws_).socket();
    beast::error_code ec;
    open_from(socket, source, ec);
    if (!ec && tablet_.receive_buffer() > 0) {
      socket.set_option(asio::socket_base::receive_buffer_size(tablet_.receive_buffer()), ec);
    }
    if (ec) return end("open: " + ec.message());
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
    const tcp::endpoint server(asio::ip::make_address(target.host, ec), target.port);
    if (ec) return end("address: " + ec.message());
    beast::get_lowest_layer(ws_).async_connect(
        server, [self = shared_from_this()](beast::error_code e) { self->on_connect(e); });
  }

  void send(std::string frame) {
    queue_.push_back(std::move(frame));
    if (queue_.size() == 1 && upgraded_) write_next();
  }

  void read() {
    if (reading_ || ended_) return;
    reading_ = true;
    ws_.async_read(
        buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_read(ec, n); });
  }

  void drop() {
    ended_ = true;
    beast::error_code ec;
    auto& socket = beast::get_lowest_layer(ws_).socket();
    socket.set_option(asio::socket_base::linger(true, 0), ec);
    socket.close(ec);
  }

  void close() {
    if (ended_) return;
    ended_ = true;
    ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {});
  }

 private:
  void on_connect(beast::error_code ec) {
    if (ec) return end("connect: " + ec.message());
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ec);
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(
        websocket::stream_base::timeout{std::chrono::seconds(30), websocket::stream_base::none(), false});
    ws_.async_handshake(host_, path_,
                        [self = shared_from_this()](beast::error_code e) { self->on_handshake(e); });
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return end("upgrade: " + ec.message());
    ws_.text(true);
    upgraded_ = true;
    queue_.push_front(std::move(hello_));
    write_next();
    read();
  }

  void write_next() {
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(beast::error_code ec) {
    if (ec) return end("write: " + ec.message());
    queue_.pop_front();
    if (!queue_.empty()) write_next();
  }

  void on_read(beast::error_code ec, std::size_t n) {
    reading_ = false;
    if (ec == websocket::error::closed) {
      const auto& r = ws_.reason();
      const std::string reason(r.reason.data(), r.reason.size());
      return end("closed " + std::to_string(r.code) + " " + reason, static_cast<int>(r.code), reason);
    }
    if (ec) return end("read: " + ec.message());
    const auto data = buffer_.cdata();
    tablet_.on_frame(*this, std::string_view(static_cast<const char*>(data.data()), n));
    buffer_.consume(n);
    if (buffer_.capacity() > 65536) buffer_.shrink_to_fit();  // a welcome snapshot is large, updates are not
    if (tablet_.reading_) read();
  }

  void end(const std::string& why, int close_code = 0, const std::string& close_reason = "") {
    if (ended_) return;
    ended_ = true;
    tablet_.on_link_end(*this, why, close_code, close_reason);
  }

  Tablet& tablet_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  std::string hello_, host_, path_;
  bool upgraded_ = false;
  bool reading_ = false;
  bool ended_ = false;
};

namespace {
std::string error_code(std::string_view frame) {
  // The code is all the bench acts on; the whole frame stays in Answer::frame.
  const auto key = frame.find(R"("code":")");
  if (key == std::string_view::npos) return "error";
  const auto start = key + 8;
  const auto end = frame.find('"', start);
  return std::string(frame.substr(start, end == std::string_view::npos ? 0 : end - start));
}

// The close code a node sends to a client of a hearing another node serves; the reason is `node=<name>`.
constexpr int kElsewhere = 4012;

std::string hello_frame(const std::string& token, std::optional<std::int64_t> resume_from) {
  std::string frame = R"({"type":"hello","protocol":1,"token":")" + token + "\"";
  if (resume_from) frame += ",\"resume_from\":" + std::to_string(*resume_from);
  return frame + "}";
}
}  // namespace

Tablet::Tablet(asio::io_context& ioc, Target target, asio::ip::address source, std::string token,
               std::size_t index)
    : ioc_(ioc), target_(std::move(target)), source_(source), token_(std::move(token)), index_(index) {}

Tablet::~Tablet() = default;

void Tablet::join(std::optional<std::int64_t> resume_from, std::function<void(bool)> done) {
  if (link_) link_->drop();
  if (retry_) retry_->cancel();
  join_done_ = std::move(done);
  reading_ = true;
  welcome_resumed_ = false;
  link_ = std::make_shared<Link>(*this, ioc_);
  // Tokens are URL-safe base64 (docs/protocol.md), so they need no JSON escaping.
  link_->start(where(), source_, hello_frame(token_, resume_from));
}

Target Tablet::where() const {
  // Hearing ids and node names are [a-z0-9-] (docs/definition.md, docs/scale-out.md): no escaping needed.
  Target t = target_;
  std::string query;
  if (!hearing_.empty()) query += "hearing=" + hearing_;
  if (!node_.empty()) query += (query.empty() ? "" : "&") + std::string("node=") + node_;
  if (!query.empty() && t.path.find('?') == std::string::npos) t.path += "?" + query;
  return t;
}

void Tablet::connect() {
  reading_ = true;
  welcome_resumed_ = false;
  link_ = std::make_shared<Link>(*this, ioc_);
  link_->start(where(), source_,
               hello_frame(token_, last_seq_ > 0 ? std::optional<std::int64_t>(last_seq_) : std::nullopt));
}

void Tablet::reconnect_later(std::chrono::milliseconds delay) {
  if (delay.count() == 0) return connect();
  if (!retry_) retry_ = std::make_unique<asio::steady_timer>(ioc_);
  retry_->expires_after(delay);
  retry_->async_wait([this](beast::error_code ec) {
    if (!ec && !link_) connect();
  });
}

void Tablet::expect_rejoin(std::string left, std::shared_ptr<Countdown> done) {
  rejoin_left_ = std::move(left);
  rejoin_done_ = std::move(done);
  rejoin_welcome_at_.reset();
  rejoined_at_.reset();
}

void Tablet::became_current(Clock::time_point now) {
  catch_up_to_.reset();
  if (rejoin_done_ && rejoin_welcome_at_) {
    rejoined_at_ = now;
    std::exchange(rejoin_done_, nullptr)->arrive();
  }
}

void Tablet::request(const std::string& id, std::string frame, std::shared_ptr<Countdown> answered) {
  Answer fresh;
  fresh.sent = Clock::now();
  answers_[id] = fresh;
  pending_[id] = std::move(answered);
  send(std::move(frame));
}

void Tablet::send(std::string frame) {
  if (link_) link_->send(std::move(frame));
}

void Tablet::stop_reading() {
  reading_ = false;
}

void Tablet::start_reading() {
  reading_ = true;
  if (link_) link_->read();
}

void Tablet::drop() {
  if (retry_) retry_->cancel();
  if (!link_) return;
  link_->drop();
  link_.reset();
}

void Tablet::close() {
  if (retry_) retry_->cancel();
  if (!link_) return;
  link_->close();
  link_.reset();
}

void Tablet::expect_updates(std::int64_t count, std::shared_ptr<Countdown> done) {
  arrivals_.clear();
  arrivals_.reserve(static_cast<std::size_t>(count));
  expected_updates_ = count;
  updates_done_ = std::move(done);
}

void Tablet::expect_seq(std::int64_t seq, std::shared_ptr<Countdown> done) {
  seq_reached_at_.reset();
  for (const auto& a : recent_) {
    if (a.seq >= seq) {
      seq_reached_at_ = a.at;
      done->arrive();
      return;
    }
  }
  expected_seq_ = seq;
  seq_done_ = std::move(done);
}

void Tablet::on_frame(Link& link, std::string_view frame) {
  if (&link != link_.get()) return;  // a connection this tablet already left
  const auto now = Clock::now();
  ++frames_;
  bytes_ += static_cast<std::int64_t>(frame.size());
  const FrameHead head = read_head(frame);
  // Observers first, so that whoever waits for this frame (a join, an ack) finds what it carried.
  if (observer_) observer_(*this, head, frame, now);
  bool current = false;  // whether this frame makes the tablet current with its seq
  if (head.type == "update") {
    ++updates_;
    last_update_bytes_ = static_cast<std::int64_t>(frame.size());
    current = true;
    if (expected_updates_ > 0) {
      arrivals_.push_back(now);
      if (--expected_updates_ == 0 && updates_done_) std::exchange(updates_done_, nullptr)->arrive();
    }
  } else if (head.type == "welcome") {
    welcome_resumed_ = head.resumed;
    current = !head.resumed;
    ++welcomes_;
    snapshots_ += head.resumed ? 0 : 1;
    losses_in_a_row_ = 0;
    if (!head.hearing.empty()) hearing_ = std::string(head.hearing);
    if (!head.node.empty()) node_ = std::string(head.node);
    if (rejoin_done_ && !rejoin_welcome_at_ && node_ != rejoin_left_) rejoin_welcome_at_ = now;
    // A resumed welcome is followed by the updates missed: current once they are in.
    if (head.resumed && head.seq && *head.seq > last_seq_) {
      catch_up_to_ = *head.seq;
    } else {
      became_current(now);
    }
    if (join_done_) std::exchange(join_done_, nullptr)(true);
  } else if (head.type == "ack" || head.type == "error") {
    auto it = answers_.find(std::string(head.id));
    if (it != answers_.end() && !it->second.answered) {
      Answer& a = it->second;
      a.answered = now;
      a.ok = head.type == "ack";
      a.duplicate = head.duplicate;
      a.seq = head.seq.value_or(0);
      a.frame = std::string(frame);
      if (!a.ok) a.error = error_code(frame);
      current = a.ok;
      if (auto p = pending_.find(it->first); p != pending_.end()) {
        if (p->second) p->second->arrive();
        pending_.erase(p);
      }
    } else if (head.type == "error" && join_done_) {
      failure_ = std::string(frame);
      std::exchange(join_done_, nullptr)(false);
    }
  }
  if (current && head.seq) {
    last_seq_ = std::max(last_seq_, *head.seq);
    if (catch_up_to_ && last_seq_ >= *catch_up_to_) became_current(now);
    constexpr std::size_t kRecent = 64;
    if (recent_.size() == kRecent) recent_.erase(recent_.begin());
    recent_.push_back({*head.seq, now});
    if (seq_done_ && last_seq_ >= expected_seq_) {
      seq_reached_at_ = now;
      std::exchange(seq_done_, nullptr)->arrive();
    }
  }
}

void Tablet::on_link_end(Link& link, const std::string& why, int close_code,
                         const std::string& close_reason) {
  if (&link != link_.get()) return;
  link_.reset();
  failure_ = why;
  last_close_code_ = close_code;
  last_close_reason_ = close_reason;
  if (close_code == kElsewhere) {
    ++redirects_;
    if (close_reason.rfind("node=", 0) == 0) node_ = close_reason.substr(5);
  }
  if (follow_) {
    // The web client's way: straight to the node named by a first 4012; otherwise (the node died, the front
    // shut the session, a redirect again) back off 100 ms, 200 ms, … up to 2 s, with jitter so that a hall of
    // tablets does not reconnect in step. A join in progress stays in progress.
    const int n = losses_in_a_row_++;
    if (close_code == kElsewhere && n == 0) return reconnect_later(std::chrono::milliseconds(0));
    const auto base = std::min<std::int64_t>(2000, 100LL << std::min(n, 5));
    const auto jitter = static_cast<std::int64_t>((index_ * 7919 + static_cast<std::size_t>(n) * 104729) %
                                                  static_cast<std::size_t>(base));
    return reconnect_later(std::chrono::milliseconds(base / 2 + jitter / 2));
  }
  if (join_done_) {
    std::exchange(join_done_, nullptr)(false);
  } else if (lost_) {
    lost_->arrive();
  }
}

}  // namespace dais::bench
