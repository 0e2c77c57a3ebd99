#include "harness.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <sys/socket.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "core/schema.hpp"
#include "net/server.hpp"
#include "pgcluster/pg_cluster.hpp"

namespace dais::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

// ---- ClientThread
// ------------------------------------------------------------------------------------------

struct ClientThread::Io {
  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard{asio::make_work_guard(ioc)};
  std::thread thread{[this] { ioc.run(); }};
};

ClientThread::ClientThread() : io_(std::make_unique<Io>()) {}

ClientThread::~ClientThread() {
  io_->guard.reset();
  io_->ioc.stop();
  io_->thread.join();
}

asio::io_context& ClientThread::ioc() {
  return io_->ioc;
}

// ---- Frames checked against the protocol
// --------------------------------------------------------------------

namespace {

// Every frame a test client receives is checked against the protocol's schemas (welcome and update with each
// section, error, and ack with the result of the command that was sent), so the whole net suite holds the
// server to what protocol/ says. The types of the requests in flight are kept per client here, by request id.
class FrameCheck {
 public:
  static FrameCheck& get() {
    static FrameCheck check;
    return check;
  }

  void sent(const Client* client, std::string_view text) {
    const json m = json::parse(text, nullptr, false);
    if (!m.is_object() || !m.contains("id") || !m["id"].is_string() || !m.contains("type") ||
        !m["type"].is_string()) {
      return;
    }
    std::lock_guard lock(mutex_);
    requests_[{client, m["id"].get<std::string>()}] = m["type"].get<std::string>();
  }

  void forget(const Client* client) {
    std::lock_guard lock(mutex_);
    std::erase_if(requests_, [&](const auto& entry) { return entry.first.first == client; });
  }

  // The first mismatch, as a message that names the frame; empty when the frame is as the protocol says.
  std::string check(const Client* client, const json& m) {
    if (!m.is_object() || !m.contains("type") || !m["type"].is_string()) return "not a protocol message";
    const std::string type = m["type"].get<std::string>();
    if (auto e = schema(type + ".schema.json").validate(m))
      return type + " at " + e->field + ": " + e->message;
    if (type != "ack") return {};
    std::string command;
    {
      std::lock_guard lock(mutex_);
      auto it = requests_.find({client, m["id"].get<std::string>()});
      if (it == requests_.end()) return {};
      command = it->second;
    }
    if (auto e = schema(command + ".schema.json#/$defs/result").validate(m["result"])) {
      return "the result of " + command + " at " + e->field + ": " + e->message;
    }
    return {};
  }

 private:
  const core::Schema& schema(const std::string& ref) {
    std::lock_guard lock(mutex_);
    auto it = schemas_.find(ref);
    if (it == schemas_.end()) {
      auto compiled = core::Schema::compile(json{{"$ref", ref}});
      if (!compiled) throw std::logic_error(ref + ": " + compiled.error().message);
      it = schemas_.emplace(ref, std::move(*compiled)).first;
    }
    return it->second;
  }

  std::mutex mutex_;
  std::map<std::pair<const Client*, std::string>, std::string> requests_;  // (client, id) → request type
  std::map<std::string, core::Schema> schemas_;
};

void check_frame(const Client* client, const json& m) {
  if (const std::string why = FrameCheck::get().check(client, m); !why.empty()) {
    ADD_FAILURE() << "the server sent a frame its schema does not allow: " << why
                  << "\n  frame: " << m.dump().substr(0, 600);
  }
}

}  // namespace

// ---- Client
// ------------------------------------------------------------------------------------------------

struct Client::Io {
  explicit Io(asio::io_context& ioc) : ws(asio::make_strand(ioc)) {}
  websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer buffer;
  std::deque<std::pair<std::string, bool>> out;
  bool writing = false;
};

Client::Client(asio::io_context& ioc) : io_(std::make_unique<Io>(ioc)) {}

Client::~Client() {
  FrameCheck::get().forget(this);
}

void Client::connect(std::uint16_t port, bool read) {
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  auto& socket = beast::get_lowest_layer(io_->ws).socket();
  socket.open(tcp::v4());
  // A client that will not read gets a small window, so the server's queue, not the kernel's buffers, takes
  // the backlog.
  if (!read) socket.set_option(asio::socket_base::receive_buffer_size(4096));
  socket.connect(endpoint);
  io_->ws.read_message_max(64 * 1024 * 1024);
  io_->ws.handshake("127.0.0.1:" + std::to_string(port), "/ws");
  if (read) start_reading();
}

void Client::start_reading() {
  asio::post(io_->ws.get_executor(), [self = shared_from_this()] { self->do_read(); });
}

void Client::do_read() {
  io_->ws.async_read(io_->buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) {
      std::lock_guard lock(self->mutex_);
      self->ended_ = true;
      self->close_code_ = ec == websocket::error::closed ? self->io_->ws.reason().code : 0;
      if (ec == websocket::error::closed)
        self->close_reason_ =
            std::string(self->io_->ws.reason().reason.data(), self->io_->ws.reason().reason.size());
      self->changed_.notify_all();
      return;
    }
    const auto text = beast::buffers_to_string(self->io_->buffer.data());
    self->io_->buffer.consume(self->io_->buffer.size());
    json m = json::parse(text, nullptr, false);
    check_frame(self.get(), m);
    {
      std::lock_guard lock(self->mutex_);
      self->apply(m);
      self->inbox_.push_back(std::move(m));
      self->changed_.notify_all();
    }
    self->do_read();
  });
}

void Client::apply(const json& m) {
  if (!m.is_object()) return;
  const std::string type = m.value("type", "");
  if (type == "welcome") {
    const auto seq = m["seq"].get<std::int64_t>();
    if (m.value("resumed", false)) {
      view_["me"] = m["view"]["me"];
    } else {
      view_ = m["view"];
      held_.clear();
      for (const auto& [name, section] : view_.items()) held_[name] = seq;
    }
    seq_ = seq;
  } else if (type == "update") {
    const auto seq = m["seq"].get<std::int64_t>();
    if (m.contains("sections")) {
      for (const auto& [name, section] : m["sections"].items()) {
        view_[name] = section;
        held_[name] = seq;
      }
    }
    // A patch applies to a copy set at its base or later (docs/protocol.md, Patches); anything else is a
    // server bug, since a test client never skips a message.
    if (m.contains("patches")) {
      for (const auto& [name, patch] : m["patches"].items()) {
        const auto held = held_.find(name);
        if (held == held_.end()) continue;  // a resumed client that never had the view: the test replays it
        if (held->second < patch["base"].get<std::int64_t>()) {
          ADD_FAILURE() << "a patch of " << name << " on base " << patch["base"]
                        << " the client does not hold";
          continue;
        }
        try {
          view_[name] = view_[name].patch(patch["ops"]);
        } catch (const json::exception& e) {
          ADD_FAILURE() << "the patch of " << name << " does not apply: " << e.what();
        }
        held->second = seq;
        ++patches_applied_;
      }
    }
    if (m.contains("me")) view_["me"] = m["me"];
    seq_ = seq;
  }
}

std::size_t Client::patches_applied() const {
  std::lock_guard lock(mutex_);
  return patches_applied_;
}

void Client::send(const json& message) {
  send_text(message.dump());
}

void Client::send_text(std::string text, bool binary) {
  FrameCheck::get().sent(this, text);
  asio::post(io_->ws.get_executor(), [self = shared_from_this(), t = std::move(text), binary]() mutable {
    self->io_->out.emplace_back(std::move(t), binary);
    if (!self->io_->writing) self->write_next();
  });
}

void Client::write_next() {
  io_->writing = true;
  io_->ws.binary(io_->out.front().second);
  io_->ws.async_write(asio::buffer(io_->out.front().first),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->io_->writing = false;
                        if (ec) return;
                        self->io_->out.pop_front();
                        if (!self->io_->out.empty()) self->write_next();
                      });
}

json Client::hello(const std::string& token, std::optional<std::int64_t> resume_from) {
  const std::size_t from = count();
  json h = {{"type", "hello"}, {"protocol", 1}, {"token", token}};
  if (resume_from) h["resume_from"] = *resume_from;
  send(h);
  return wait_for([](const json& m) { return m["type"] == "welcome" || m["type"] == "error"; }, from);
}

json Client::request(json command) {
  const std::size_t from = count();
  const std::string id = next_id();
  command["id"] = id;
  send(command);
  return wait_answer(id, from);
}

json Client::wait_answer(const std::string& id, std::size_t from) {
  return wait_for(
      [&](const json& m) { return (m["type"] == "ack" || m["type"] == "error") && m.value("id", "") == id; },
      from);
}

json Client::wait_for(const std::function<bool(const json&)>& match, std::size_t from) {
  std::unique_lock lock(mutex_);
  json found;
  const bool ok = changed_.wait_for(lock, kWait, [&] {
    for (std::size_t i = from; i < inbox_.size(); ++i) {
      if (match(inbox_[i])) {
        found = inbox_[i];
        return true;
      }
    }
    return ended_;
  });
  if (!ok || found.is_null()) {
    ADD_FAILURE() << "no matching message (" << inbox_.size() << " received, ended " << ended_ << ")"
                  << (inbox_.empty() ? "" : "; last: " + inbox_.back().dump().substr(0, 300));
    return json::object();
  }
  return found;
}

json Client::wait_view(const std::function<bool(const json&)>& match) {
  std::unique_lock lock(mutex_);
  const bool ok = changed_.wait_for(lock, kWait, [&] { return match(view_) || ended_; });
  if (!ok || !match(view_)) ADD_FAILURE() << "the view never matched; view: " << view_.dump().substr(0, 400);
  return view_;
}

int Client::wait_closed() {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, kWait, [&] { return ended_; })) {
    ADD_FAILURE() << "the connection was not closed";
    return -1;
  }
  return close_code_;
}

std::string Client::close_reason() const {
  std::lock_guard lock(mutex_);
  return close_reason_;
}

std::vector<json> Client::messages() const {
  std::lock_guard lock(mutex_);
  return inbox_;
}

std::size_t Client::count() const {
  std::lock_guard lock(mutex_);
  return inbox_.size();
}

json Client::view() const {
  std::lock_guard lock(mutex_);
  return view_;
}

std::int64_t Client::seq() const {
  std::lock_guard lock(mutex_);
  return seq_;
}

bool Client::ended() const {
  std::lock_guard lock(mutex_);
  return ended_;
}

// ---- Hall
// --------------------------------------------------------------------------------------------------

namespace {

std::filesystem::path make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "dais-net-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

json read_seed() {
  std::ifstream in(std::string(DAIS_SOURCE_DIR) + "/seeds/demo-hearing.json");
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

}  // namespace

net::Limits Hall::test_limits() {
  net::Limits l;
  l.rate_per_s = 1e6;
  l.rate_burst = 1e6;
  l.max_queue_bytes = 256 * 1024 * 1024;
  l.max_queue_messages = 1'000'000;
  l.tally_hz = 0;           // every count change goes out at once, so tests see each one
  l.batch_interval_ms = 0;  // every batch at once: the tests move the clock only where they mean to
  l.close_grace_ms = 200;
  return l;
}

bool on_postgres() {
  const char* backend = std::getenv("DAIS_TEST_BACKEND");
  return backend != nullptr && std::string_view(backend) == "postgres";
}

Hall::Hall(net::Limits limits)
    : dir_(make_temp_dir()),
      location_(on_postgres() ? store::testing::PgCluster::shared().create_database()
                              : (dir_ / "hall.db").string()) {
  options.bind = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  options.limits = limits;
  auto def = core::parse_definition(read_seed());
  if (!def) throw std::runtime_error("seed: " + def.error().field + ": " + def.error().message);
  def_ = *def;
  auto st = store::Store::open(store::StoreOptions{.path = location_});
  if (!st) throw std::runtime_error("store: " + st.error().message);
  auto issued = (*st)->import_hearing(def_);
  if (!issued) throw std::runtime_error("import: " + issued.error().message);
  for (const auto& t : *issued) tokens_[t.participant] = t.token;
  store_ = std::move(*st);
}

Hall::~Hall() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void Hall::start() {
  if (!store_) {
    auto st = store::Store::open(store::StoreOptions{.path = location_});
    if (!st) throw std::runtime_error("store: " + st.error().message);
    store_ = std::move(*st);
  }
  server_ = std::make_unique<net::Server>(*store_, clock_, options);
  auto port = server_->start();
  if (!port) throw std::runtime_error("server: " + port.error().message);
  port_ = *port;
}

void Hall::stop() {
  if (server_) server_->stop();
  server_.reset();
  store_.reset();  // as a process restart would: everything comes back from the file
}

net::Server& Hall::server() {
  return *server_;
}

net::Metrics& Hall::metrics() {
  return server_->metrics();
}

std::shared_ptr<Client> Hall::connect(bool read) {
  auto c = std::make_shared<Client>(clients_.ioc());
  c->connect(port_, read);
  return c;
}

std::shared_ptr<Client> Hall::join(const std::string& participant) {
  auto c = connect(true);
  const json welcome = c->hello(token(participant));
  EXPECT_EQ(welcome.value("type", ""), "welcome") << participant << ": " << welcome.dump().substr(0, 300);
  return c;
}

// ---- HTTP
// --------------------------------------------------------------------------------------------------

HttpReply http_request(std::uint16_t port, std::string_view method, const std::string& target,
                       const std::string& body, const std::map<std::string, std::string>& headers) {
  namespace http = beast::http;
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  // The Host a browser sends: the server compares a request's Origin with it.
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty()) req.set(http::field::content_type, "application/json");
  req.body() = body;
  if (!body.empty() || method != "GET") req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  HttpReply out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return out;
}

HttpReply http_get(std::uint16_t port, const std::string& target,
                   const std::map<std::string, std::string>& headers) {
  return http_request(port, "GET", target, "", headers);
}

std::string voter_id(int n) {
  std::string digits = std::to_string(n);
  return "v" + std::string(digits.size() < 3 ? 3 - digits.size() : 0, '0') + digits;
}

std::string start_with_open_ballot(Hall& hall, Client& chair) {
  EXPECT_EQ(chair.request({{"type", "open_check_in"}})["type"], "ack");
  auto desk = hall.join("sec1");
  std::vector<std::string> ids;
  for (int i = 1; i <= 100; ++i) {
    ids.push_back(desk->next_id());
    desk->send({{"type", "check_in"}, {"id", ids.back()}, {"participant", voter_id(i)}});
  }
  for (const auto& id : ids) EXPECT_EQ(desk->wait_answer(id)["type"], "ack");
  EXPECT_EQ(chair.request({{"type", "start_session"}})["type"], "ack");
  const json created = chair.request({{"type", "create_ballot"}, {"template_id", "each"}, {"slot", "s01"}});
  EXPECT_EQ(created["type"], "ack") << created.dump();
  const std::string ballot = created["result"].value("ballot", "");
  const json opened = chair.request({{"type", "open_ballot"}, {"ballot", ballot}});
  EXPECT_EQ(opened["type"], "ack") << opened.dump();
  return ballot;
}

void bound_reads(int descriptor) {
  timeval tv{std::chrono::duration_cast<std::chrono::seconds>(kWait).count(), 0};
  ::setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

void expect_ack(const nlohmann::json& answer) {
  EXPECT_EQ(answer.value("type", ""), "ack") << answer.dump().substr(0, 300);
}

void make_test_certificate(const std::filesystem::path& dir) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) throw std::runtime_error("no P-256 key");
  X509* cert = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"),
                             -1, -1, 0);
  X509_set_issuer_name(cert, name);
  const bool signed_ok = X509_sign(cert, key, EVP_sha256()) > 0;
  FILE* f = std::fopen((dir / "key.pem").c_str(), "w");
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  f = std::fopen((dir / "cert.pem").c_str(), "w");
  PEM_write_X509(f, cert);
  std::fclose(f);
  X509_free(cert);
  EVP_PKEY_free(key);
  if (!signed_ok) throw std::runtime_error("signing the test certificate failed");
}

std::string random_receipt() {
  static std::mt19937_64 rng(42);
  static std::mutex m;
  std::lock_guard lock(m);
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

}  // namespace dais::test
