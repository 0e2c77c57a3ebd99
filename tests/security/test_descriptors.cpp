// Descriptor exhaustion: idle TCP connections held until the server has no file descriptor left (a low
// `ulimit -n` makes that quick). The server must not spin on accept or flood its log, must shed the
// connections it cannot take instead of leaving them to time out, and must answer again once descriptors come
// back. Idle plain-HTTP connections count against max_http_connections, so they cannot take the WebSockets'
// descriptors.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "net/harness.hpp"
#include "net/options.hpp"
#include "security/helpers.hpp"

namespace dais::test {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t lines_containing(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(what) != std::string::npos) ++n;
  }
  return n;
}

// The value of an unlabelled metric in a /metrics body; -1 when it is missing.
std::int64_t metric(const std::string& body, const std::string& name) {
  const std::string key = "\n" + name + " ";
  const auto at = body.find(key);
  return at == std::string::npos ? -1 : std::stoll(body.substr(at + key.size()));
}

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// A loopback TCP connection on plain POSIX calls: every wait is a poll() bounded by kWait, so a server that
// never answers fails the test instead of hanging it.
class Tcp {
 public:
  explicit Tcp(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) close();
  }
  ~Tcp() { close(); }
  Tcp(Tcp&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Tcp& operator=(Tcp&&) = delete;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool send(std::string_view bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  // What arrives next; nullopt when the peer closed or reset the connection (or kWait passed).
  std::optional<std::string> receive() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, kWaitMs) != 1) return std::nullopt;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return std::nullopt;
    return std::string(buf, static_cast<std::size_t>(n));
  }
  // A GET and its whole answer (framed by Content-Length); nullopt when the server closed without one.
  std::optional<HttpAnswer> get(const std::string& target) {
    if (!send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")) return std::nullopt;
    std::string in;
    std::size_t head = std::string::npos;
    std::size_t length = 0;
    // Each turn takes at least one byte, and an answer is at most a few kilobytes.
    for (int turn = 0; turn < 10000; ++turn) {
      if (head == std::string::npos && (head = in.find("\r\n\r\n")) != std::string::npos) {
        head += 4;
        const auto at = in.find("Content-Length: ");
        if (at == std::string::npos || at > head) return std::nullopt;
        length = std::stoul(in.substr(at + 16));
      }
      if (head != std::string::npos && in.size() >= head + length) {
        return HttpAnswer{std::stoi(in.substr(9, 3)), in.substr(head, length)};
      }
      auto more = receive();
      if (!more) return std::nullopt;
      in += *more;
    }
    return std::nullopt;
  }

 private:
  int fd_;
};

// Asks again while the server sheds the attempt (it closes a connection it has no descriptor for). Every
// attempt ends on an event: an answer, or the close.
std::optional<HttpAnswer> get_when_answered(std::uint16_t port, const std::string& target) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    Tcp c(port);
    if (!c.connected()) continue;
    if (auto answer = c.get(target)) return answer;
  }
  return std::nullopt;
}

// `dais serve --demo` as a child process with RLIMIT_NOFILE set to `max_files`; stdout comes through a pipe
// (for the port), stderr goes to a file the test reads at the end.
class ServeChild {
 public:
  ServeChild(const fs::path& dir, rlim_t max_files, const nlohmann::json& config)
      : db_(dir / "hall.db"), stderr_path_(dir / "stderr") {
    std::ofstream(dir / "config.json") << config.dump();
    const std::vector<std::string> args = {DAIS_EXECUTABLE,
                                           "serve",
                                           "--demo",
                                           "--seed",
                                           std::string(DAIS_SOURCE_DIR) + "/seeds/demo-hearing.json",
                                           "--db",
                                           db_.string(),
                                           "--bind",
                                           "127.0.0.1",
                                           "--port",
                                           "0",
                                           "--threads",
                                           "2",
                                           "--config",
                                           (dir / "config.json").string()};
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    pid_ = ::fork();
    if (pid_ == 0) {  // only async-signal-safe calls until exec
      const int err = ::open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(err, STDERR_FILENO);
      const rlimit limit{max_files, max_files};
      ::setrlimit(RLIMIT_NOFILE, &limit);
      ::execv(DAIS_EXECUTABLE, argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    stdout_ = out[0];
    port_ = read_port();
  }
  ~ServeChild() {
    stop();
    if (stdout_ >= 0) ::close(stdout_);
  }

  std::uint16_t port() const { return port_; }
  // SIGTERM, then the exit status (the server stops cleanly on it).
  int stop() {
    if (pid_ <= 0) return status_;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return status_;
  }
  std::string stderr_text() const { return read_file(stderr_path_); }
  // A join token of the demo hearing, from the tokens file --demo writes.
  std::string token() const {
    std::istringstream in(read_file(net::demo_tokens_file(db_)));
    std::string line;
    std::getline(in, line);  // the header
    std::getline(in, line);
    return line.substr(line.rfind("/j/") + 3);
  }

 private:
  // Reads stdout until the server is up and the demo's tokens file written (it prints the file's name last),
  // then takes the port from "listening on http://127.0.0.1:PORT"; 0 when the server never got there.
  std::uint16_t read_port() {
    const std::string listening = "listening on http://127.0.0.1:";
    std::string text;
    for (int turn = 0; turn < 1000; ++turn) {
      const auto done = text.find("all join links: ");
      if (done != std::string::npos && text.find('\n', done) != std::string::npos) {
        const auto at = text.find(listening);
        return static_cast<std::uint16_t>(std::stoi(text.substr(at + listening.size())));
      }
      pollfd p{stdout_, POLLIN, 0};
      if (::poll(&p, 1, kWaitMs) != 1) return 0;
      char buf[512];
      const ssize_t n = ::read(stdout_, buf, sizeof buf);
      if (n <= 0) return 0;
      text.append(buf, static_cast<std::size_t>(n));
    }
    return 0;
  }

  fs::path db_;
  fs::path stderr_path_;
  pid_t pid_ = -1;
  int stdout_ = -1;
  int status_ = -1;
  std::uint16_t port_ = 0;
};

// Out of descriptors the server keeps to itself: the connections it cannot take are closed (shed) rather than
// left to time out, the accept error is logged once instead of in a loop, and once the holders go a page load
// and a join work again.
TEST(DescriptorExhaustion, TheServerShedsWhatItCannotTakeAndRecovers) {
  constexpr rlim_t kMaxFiles = 64;
  Scratch scratch("dais-fd");
  // The holders stay open for the whole test: no HTTP timeout lets the server off.
  ServeChild serve(scratch.dir, kMaxFiles, {{"http_timeout_ms", 600000}, {"accept_backoff_ms", 20}});
  ASSERT_NE(serve.port(), 0) << serve.stderr_text();

  // More idle connections than the server may have descriptors: the kernel completes them all (the backlog),
  // the server takes what it can, and then accept fails with EMFILE.
  std::vector<Tcp> holders;
  for (rlim_t i = 0; i < kMaxFiles + 16; ++i) {
    holders.emplace_back(serve.port());
    ASSERT_TRUE(holders.back().connected());
  }
  // A shed connection ends: it was accepted on the descriptor held in reserve and closed at once. Without the
  // reserve every waiting one would hang in the backlog. Each shed follows a failed accept: wait for enough
  // of them that one log line each would break the bound below.
  constexpr int kSheds = 10;
  std::vector<pollfd> polls;
  for (const Tcp& h : holders) polls.push_back({h.fd(), POLLIN, 0});
  int shed = 0;
  for (std::size_t turn = 0; turn < holders.size() && shed < kSheds; ++turn) {
    ASSERT_GT(::poll(polls.data(), polls.size(), kWaitMs), 0) << shed << " connections were shed, then none";
    for (pollfd& p : polls) {
      if (p.revents == 0) continue;
      char byte;
      EXPECT_LE(::recv(p.fd, &byte, 1, 0), 0) << "the server sent data to an idle connection";
      p.fd = -1;  // poll() skips it from now on
      ++shed;
    }
  }
  EXPECT_GE(shed, kSheds);

  holders.clear();
  // Once the holders' sessions are gone only this request's own connection is open.
  std::optional<HttpAnswer> metrics;
  for (int attempt = 0; attempt < 200; ++attempt) {
    metrics = get_when_answered(serve.port(), "/metrics");
    if (!metrics || metric(metrics->body, "dais_http_connections") == 1) break;
  }
  ASSERT_TRUE(metrics.has_value());
  EXPECT_EQ(metric(metrics->body, "dais_http_connections"), 1) << metrics->body;
  EXPECT_GE(metric(metrics->body, "dais_accept_shed_total"), 1);
  EXPECT_GE(metric(metrics->body, "dais_accept_errors_total"), 1);

  Tcp health(serve.port());
  auto ok = health.get("/healthz");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200);
  {
    ClientThread io;
    auto tablet = std::make_shared<Client>(io.ioc());
    tablet->connect(serve.port());
    EXPECT_EQ(tablet->hello(serve.token())["type"], "welcome");
  }

  EXPECT_EQ(serve.stop(), 0);
  const std::string log = serve.stderr_text();
  const std::size_t emfile_lines = lines_containing(log, "Too many open files");
  EXPECT_GE(emfile_lines, 1u) << "the accept error was not logged at all";
  EXPECT_LE(emfile_lines, 5u) << log.substr(0, 2000);
  EXPECT_NE(log.find(" more in the last "), std::string::npos) << "the held-back errors were not counted";
}

// With max_http_connections idle keep-alive connections open, the next one is closed at once and counted; the
// ones inside the limit go on being served, and a WebSocket no longer counts once upgraded.
TEST(HttpConnectionLimit, TheConnectionPastTheLimitIsClosedAndCounted) {
  constexpr int kLimit = 3;
  net::Limits limits = Hall::test_limits();
  limits.max_http_connections = kLimit;
  Hall hall(limits);
  hall.start();
  auto tablet = hall.join("v001");
  net::Metrics& m = hall.metrics();
  EXPECT_EQ(m.http_connections.load(), 0);

  std::vector<Tcp> idle;
  for (int i = 0; i < kLimit; ++i) {
    idle.emplace_back(hall.port());
    auto answer = idle.back().get("/healthz");
    ASSERT_TRUE(answer.has_value()) << "connection " << i + 1 << " of " << kLimit << " was refused";
    EXPECT_EQ(answer->status, 200);
  }
  EXPECT_EQ(m.http_connections.load(), kLimit);
  EXPECT_EQ(m.http_refused.load(), 0);

  Tcp extra(hall.port());
  ASSERT_TRUE(extra.connected());
  EXPECT_FALSE(extra.get("/healthz").has_value()) << "the connection past the limit was served";
  EXPECT_EQ(m.http_refused.load(), 1);
  EXPECT_EQ(m.http_connections.load(), kLimit);

  auto answer = idle.front().get("/metrics");
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(metric(answer->body, "dais_http_connections"), kLimit);
  EXPECT_EQ(metric(answer->body, "dais_http_refused_total"), 1);
  EXPECT_EQ(metric(answer->body, "dais_connections"), 1);
  EXPECT_EQ(tablet->request({{"type", "ping"}})["type"], "ack");
}

TEST(DescriptorSettings, HaveNamesRangesAndDefaults) {
  net::ServerOptions o;
  EXPECT_EQ(o.limits.max_http_connections, 4096);
  EXPECT_EQ(o.limits.accept_backoff_ms, 100);
  EXPECT_FALSE(net::apply_setting(o, "max_http_connections", 0).ok());
  EXPECT_TRUE(net::apply_setting(o, "max_http_connections", 1).ok());
  EXPECT_EQ(o.limits.max_http_connections, 1);
  EXPECT_FALSE(net::apply_setting(o, "accept_backoff_ms", 0).ok());
  EXPECT_TRUE(net::apply_setting(o, "accept_backoff_ms", 1).ok());
  EXPECT_TRUE(net::apply_setting(o, "accept_backoff_ms", 60000).ok());
  EXPECT_FALSE(net::apply_setting(o, "accept_backoff_ms", 60001).ok());
  EXPECT_EQ(o.limits.accept_backoff_ms, 60000);
  auto r = net::apply_environment(o, [](const std::string& name) -> std::optional<std::string> {
    if (name == "DAIS_MAX_HTTP_CONNECTIONS") return "250";
    return std::nullopt;
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(o.limits.max_http_connections, 250);
}

}  // namespace
}  // namespace dais::test
