#pragma once
// Test support for the live server: a real server in-process on a temporary database (the demo hearing), and
// a WebSocket client built on Beast whose reads run on a background I/O thread, so a test waits for messages
// — never for time. Every wait is bounded, so a broken server fails a test instead of hanging it. Beast and
// Asio stay in harness.cpp: a test that includes this header parses neither.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/definition.hpp"
#include "net/clock.hpp"
#include "net/metrics.hpp"
#include "net/options.hpp"
#include "net/protocol.hpp"
#include "store/store.hpp"

namespace boost::asio {
class io_context;
}

namespace dais::net {
class Server;
}

namespace dais::test {

using nlohmann::json;
inline constexpr auto kWait = std::chrono::seconds(20);

// One I/O thread that carries every test client's reads and writes.
class ClientThread {
 public:
  ClientThread();
  ~ClientThread();
  boost::asio::io_context& ioc();

 private:
  struct Io;  // the context, its work guard and the thread
  std::unique_ptr<Io> io_;
};

class Client : public std::enable_shared_from_this<Client> {
 public:
  explicit Client(boost::asio::io_context& ioc);
  ~Client();

  // Connects to ws://127.0.0.1:port/ws. With read = false the client never reads until start_reading().
  void connect(std::uint16_t port, bool read = true);
  void start_reading();
  void send(const json& message);
  void send_text(std::string text, bool binary = false);

  // hello, then the answer (welcome or error).
  json hello(const std::string& token, std::optional<std::int64_t> resume_from = std::nullopt);
  // Sends a request with a fresh id and returns its ack or error.
  json request(json command);
  std::string next_id() { return "r" + std::to_string(++ids_); }

  // The first message from index `from` on that matches; fails the test when none comes in time.
  json wait_for(const std::function<bool(const json&)>& match, std::size_t from = 0);
  json wait_answer(const std::string& id, std::size_t from = 0);
  // Waits until the view satisfies `match`.
  json wait_view(const std::function<bool(const json&)>& match);
  // Waits until the server closed the connection; the close code, or 0 when it ended without a close frame.
  int wait_closed();
  std::string close_reason() const;  // the reason of the server's close frame, once closed

  std::vector<json> messages() const;
  std::size_t count() const;
  json view() const;         // welcome.view with every update applied
  std::int64_t seq() const;  // the seq of the last welcome or update applied
  // Sections that came as patches and were applied. A patch on an older copy than its base, or that does not
  // apply, fails the test; one of a section never held (a resumed test client) is left to the test.
  std::size_t patches_applied() const;
  bool ended() const;

 private:
  void do_read();
  void write_next();
  void apply(const json& m);

  struct Io;  // the Beast stream, its read buffer and the messages waiting to be written
  std::unique_ptr<Io> io_;
  std::uint64_t ids_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<json> inbox_;
  json view_ = json::object();
  std::int64_t seq_ = -1;
  std::map<std::string, std::int64_t> held_;  // per section, the seq of the message that last set it
  std::size_t patches_applied_ = 0;
  bool ended_ = false;
  int close_code_ = 0;
  std::string close_reason_;
};

// The backend the live server's tests run on: a SQLite file by default; with DAIS_TEST_BACKEND=postgres (the
// ctest case net.on_postgres) a fresh database per Hall on the test PostgreSQL cluster, so every test of the
// live server runs on both.
bool on_postgres();

// The demo hearing on a temporary database, served in-process on a free loopback port.
class Hall {
 public:
  explicit Hall(net::Limits limits = test_limits());
  ~Hall();
  static net::Limits test_limits();  // generous queues and rates, so only the test at hand meets a limit

  void start();
  void stop();
  void restart() {
    stop();
    start();
  }
  std::uint16_t port() const { return port_; }
  net::Server& server();
  net::Metrics& metrics();  // the running server's
  net::ManualClock& clock() { return clock_; }
  store::Store& store() { return *store_; }
  const core::HearingDefinition& definition() const { return def_; }
  const std::string& token(const std::string& participant) const { return tokens_.at(participant); }
  std::string hearing_id() const { return def_.id; }
  // The SQLite file (tests that read the file itself skip on PostgreSQL: see on_postgres()).
  std::filesystem::path db_path() const { return dir_ / "hall.db"; }
  // Where the store lives: that file, or the database's URL.
  const std::string& location() const { return location_; }

  // A client joined as `participant`, its welcome already received.
  std::shared_ptr<Client> join(const std::string& participant);
  std::shared_ptr<Client> connect(bool read = true);

  net::ServerOptions options;

 private:
  std::filesystem::path dir_;
  std::string location_;
  net::ManualClock clock_;
  core::HearingDefinition def_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<net::Server> server_;
  std::uint16_t port_ = 0;
  ClientThread clients_;
};

// Plain HTTP/1.1 GET on loopback; returns status, headers and body.
struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};
HttpReply http_get(std::uint16_t port, const std::string& target,
                   const std::map<std::string, std::string>& headers = {});
// One request with `method` (GET, POST, …) and a JSON body when `body` is not empty.
HttpReply http_request(std::uint16_t port, std::string_view method, const std::string& target,
                       const std::string& body = "", const std::map<std::string, std::string>& headers = {});

// Expects `answer` to be an ack, and shows the start of it when not (a gtest failure, the test goes on).
void expect_ack(const nlohmann::json& answer);

// A self-signed P-256 certificate for 127.0.0.1 with its key, written as key.pem and cert.pem into `dir`.
void make_test_certificate(const std::filesystem::path& dir);

// A blocking read on the socket fails after kWait instead of hanging the test.
void bound_reads(int descriptor);
template <class Socket>
void bound_reads(Socket& socket) {
  bound_reads(static_cast<int>(socket.native_handle()));
}

std::string random_receipt();
// v001, v002, … (the demo hearing's voters).
std::string voter_id(int n);

// The demo hearing brought to a vote: the desk (sec1) checks in v001…v100 (the quorum), the chair starts the
// session and creates and opens a per-presenter ballot for s01; returns the ballot's id.
std::string start_with_open_ballot(Hall& hall, Client& chair);

}  // namespace dais::test
