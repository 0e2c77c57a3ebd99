// Attack: reading files outside the web root through the web server. A request path is served only when it
// resolves inside the root; `//etc/passwd`, encoded slashes, overlong UTF-8, `..` however spelled,
// backslashes, NUL, symlinks out of the root and absurdly long paths get 400 or 404 and not a byte of what
// they aimed at. And the web root may not hold the database, its tokens file or the TLS key: `dais serve`
// refuses to start.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "core/definition.hpp"
#include "net/harness.hpp"
#include "net/options.hpp"
#include "net/server.hpp"
#include "net/static_files.hpp"
#include "security/helpers.hpp"

namespace dais::test {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// What the server sent back to one raw request: its status (-1 when it sent nothing) and every byte.
struct RawAnswer {
  int status = -1;
  std::string text;
};

// Sends the request line exactly as given, so that no client library normalises the path on the way.
RawAnswer send_raw(std::uint16_t port, const std::string& target) {
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  bound_reads(socket);
  const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  asio::write(socket, asio::buffer(request));
  RawAnswer out;
  boost::system::error_code ec;
  asio::read(socket, asio::dynamic_buffer(out.text), ec);  // to the end: the server closes after its answer
  if (out.text.rfind("HTTP/1.1 ", 0) == 0 && out.text.size() >= 12)
    out.status = std::stoi(out.text.substr(9, 3));
  return out;
}

std::string body_of(const RawAnswer& answer) {
  const auto end = answer.text.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : answer.text.substr(end + 4);
}

constexpr std::string_view kIndex = "<!doctype html><title>Dais client</title>";
constexpr std::string_view kOutsideMarker = "OUTSIDE-THE-WEB-ROOT-7f3c91";
constexpr std::string_view kHiddenMarker = "HIDDEN-IN-THE-WEB-ROOT-52ab0e";

// A web root with the client's kind of files, a secret beside it, symlinks inside it pointing out, and the
// demo hearing on a real database whose tokens file sits where `dais serve --demo` writes it.
class ServedWebRoot {
 public:
  explicit ServedWebRoot(net::Limits limits = Hall::test_limits()) : dir_(make_dir("dais-paths")) {
    write_file(web() / "index.html", std::string(kIndex));
    write_file(web() / "assets" / "app-3f2a9c.js", "console.log('dais')");
    write_file(web() / "assets" / "icons" / "chair" / "gavel-1b2c.svg", "<svg/>");
    write_file(web() / "a b.txt", "spaced");
    write_file(web() / "纪要.txt", "minutes");
    write_file(web() / ".env", std::string(kHiddenMarker));
    write_file(web() / ".git" / "config", std::string(kHiddenMarker));
    write_file(web() / "assets" / ".secret", std::string(kHiddenMarker));
    write_file(outside() / "marker.txt", std::string(kOutsideMarker));
    fs::create_symlink(outside() / "marker.txt", web() / "leak");
    fs::create_symlink(outside(), web() / "leakdir");
    fs::create_symlink("../../outside/marker.txt", web() / "assets" / "up");
    fs::create_symlink(web() / "index.html", web() / "inner");  // inside the root: served
    if (::mkfifo((web() / "pipe").c_str(), 0600) != 0) throw std::runtime_error("mkfifo failed");

    std::ifstream seed(std::string(DAIS_SOURCE_DIR) + "/seeds/demo-hearing.json");
    auto def = core::parse_definition(json::parse(seed));
    if (!def) throw std::runtime_error("seed: " + def.error().message);
    auto store = store::Store::open(store::StoreOptions{.path = db()});
    if (!store) throw std::runtime_error("store: " + store.error().message);
    auto issued = (*store)->import_hearing(*def);
    if (!issued) throw std::runtime_error("import: " + issued.error().message);
    std::string tokens_text = "participant\tname\troles\tlink\n";
    for (const auto& t : *issued) {
      tokens_.push_back(t.token);
      tokens_text += t.participant + "\t\t\thttp://127.0.0.1/j/" + t.token + "\n";
    }
    write_file(net::demo_tokens_file(db()), tokens_text);
    store_ = std::move(*store);

    options_.bind = "127.0.0.1";
    options_.port = 0;
    options_.threads = 1;
    options_.db = db();
    options_.web = web();
    options_.limits = limits;
    server_ = std::make_unique<net::Server>(*store_, clock_, options_);
    auto port = server_->start();
    if (!port) throw std::runtime_error("server: " + port.error().message);
    port_ = *port;
  }
  ~ServedWebRoot() {
    server_->stop();
    server_.reset();
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path dir() const { return dir_; }
  fs::path web() const { return dir_ / "web"; }
  fs::path outside() const { return dir_ / "outside"; }
  fs::path db() const { return dir_ / "hearing.db"; }
  std::uint16_t port() const { return port_; }
  const std::vector<std::string>& tokens() const { return tokens_; }

  // The first of the things no answer may carry that `answer` does carry; empty when it carries none.
  std::string leaked(const RawAnswer& answer) const {
    std::vector<std::string> secrets = {std::string(kOutsideMarker),
                                        std::string(kHiddenMarker),
                                        "root:x:0:0",
                                        "SQLite format 3",
                                        db().string(),
                                        "participant\tname\troles\tlink"};
    for (const auto& t : tokens_) secrets.push_back(t);
    const std::string passwd = read_text("/etc/passwd");
    secrets.push_back(passwd.substr(0, passwd.find('\n')));
    for (const auto& s : secrets) {
      if (!s.empty() && answer.text.find(s) != std::string::npos) return s;
    }
    return {};
  }

 private:
  fs::path dir_;
  net::ManualClock clock_;
  std::unique_ptr<store::Store> store_;
  std::vector<std::string> tokens_;
  net::ServerOptions options_;
  std::unique_ptr<net::Server> server_;
  std::uint16_t port_ = 0;
};

struct Hostile {
  std::string target;
  int status;  // 400: the path is malformed; 404: well formed, but nothing servable is there
};

std::vector<Hostile> hostile_paths(const ServedWebRoot& root) {
  const std::string db = root.db().string();  // absolute: starts with '/'
  const std::string tokens = net::demo_tokens_file(root.db()).string();
  return {
      // An empty first segment made the rest absolute, and an absolute path replaced the web root.
      {"//etc/passwd", 400},
      {"///etc/passwd", 400},
      {"////etc//passwd", 400},
      {"//proc/self/cmdline", 400},
      {"//proc/self/environ", 400},
      {"//etc/hostname", 400},
      {"/" + db, 400},
      {"/" + tokens, 400},
      {"/assets//app-3f2a9c.js", 400},
      // An encoded '/' (and a path encoded twice, for whatever decodes it again).
      {"/%2fetc/hostname", 400},
      {"/%2Fetc/passwd", 400},
      {"/%2f%2fetc%2fpasswd", 400},
      {"/assets/%2f..%2f..%2foutside%2fmarker.txt", 400},
      {"/%252fetc%252fpasswd", 400},
      {"/%252e%252e/%252e%252e/etc/passwd", 400},
      {"/%25%32%66etc/passwd", 400},
      // Overlong UTF-8 for '/' and '.', surrogates and bytes that are no UTF-8 at all, encoded and raw.
      {"/%c0%af..%c0%af..%c0%afetc/passwd", 400},
      {"/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", 400},
      {"/%e0%80%af/etc/passwd", 400},
      {"/%f0%80%80%af/etc/passwd", 400},
      {"/\xc0\xaf..\xc0\xaf"
       "etc/passwd",
       400},
      {"/%ed%a0%80", 400},
      {"/%ff%fe", 400},
      {"/%c0%2e", 400},
      // Backslashes, raw and encoded.
      {"/..\\..\\etc\\passwd", 400},
      {"/%5c..%5c..%5cetc%5cpasswd", 400},
      {"/assets\\..\\..\\outside\\marker.txt", 400},
      {"/%2e%2e%5c%2e%2e%5cetc", 400},
      // NUL and other control characters, which would cut or split what they reach.
      {"/index.html%00.js", 400},
      {"/%00/etc/passwd", 400},
      {"/%01", 400},
      {"/%7f", 400},
      {"/x%0d%0aSet-Cookie:%20a=b", 400},
      // "." and ".." in every spelling.
      {"/../etc/passwd", 400},
      {"/../../../../../../etc/passwd", 400},
      {"/assets/../../outside/marker.txt", 400},
      {"/../hearing.db", 400},
      {"/../hearing.db.tokens.tsv", 400},
      {"/%2e%2e/%2e%2e/etc/passwd", 400},
      {"/.%2e/outside/marker.txt", 400},
      {"/%2e./outside/marker.txt", 400},
      {"/%2E%2E/outside/marker.txt", 400},
      {"/assets/..", 400},
      {"/..", 400},
      {"/./index.html", 400},
      {"/%2e/index.html", 400},
      {"/j/../../etc/passwd", 400},
      {"/j/%2e%2e/%2e%2e/hearing.db", 400},
      {"/api/../../etc/passwd", 400},
      // Bad escapes.
      {"/%", 400},
      {"/%2", 400},
      {"/%zz", 400},
      {"/%u002e%u002e/etc/passwd", 400},
      {"/%%32%66etc/passwd", 400},
      // Not a path at all: absolute-form, another scheme, no leading '/', the asterisk.
      {"http://127.0.0.1/etc/passwd", 400},
      {"file:///etc/passwd", 400},
      {"etc/passwd", 400},
      {"*", 400},
      // Over-long.
      {"/" + std::string(9999, 'a'), 400},
      {"/" +
           [] {
             std::string s;
             for (int i = 0; i < 3333; ++i) s += "../";
             return s;
           }() +
           "etc/passwd",
       400},
      // Well formed, and still nothing servable: symlinks out of the root, hidden files, a FIFO, a directory,
      // absolute-looking paths that stay (harmlessly) under the root.
      {"/leak", 404},
      {"/leakdir/marker.txt", 404},
      {"/assets/up", 404},
      {"/.env", 404},
      {"/.git/config", 404},
      {"/assets/.secret", 404},
      {"/pipe", 404},
      {"/assets", 404},
      {"/etc/passwd", 404},
      {"/proc/self/cmdline", 404},
      {db, 404},
      {"/..;/etc/passwd", 404},
  };
}

TEST(StaticFiles, HostilePathsGet400Or404AndNoByteFromOutside) {
  ServedWebRoot root;
  const auto table = hostile_paths(root);
  ASSERT_GE(table.size(), 40u);
  for (const auto& h : table) {
    const RawAnswer answer = send_raw(root.port(), h.target);
    const std::string shown = h.target.substr(0, 80);
    EXPECT_TRUE(answer.status == 400 || answer.status == 404) << shown << " got " << answer.status;
    EXPECT_EQ(answer.status, h.status) << shown;
    EXPECT_EQ(root.leaked(answer), "") << shown;
    EXPECT_EQ(body_of(answer).find(kIndex), std::string::npos) << shown;
  }
}

TEST(StaticFiles, TheClientsFilesStillServe) {
  ServedWebRoot root;
  HttpReply r = http_get(root.port(), "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kIndex);
  r = http_get(root.port(), "/index.html");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kIndex);
  EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
  r = http_get(root.port(), "/assets/app-3f2a9c.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "console.log('dais')");
  EXPECT_EQ(r.headers["cache-control"], "public, max-age=31536000, immutable");
  r = http_get(root.port(), "/assets/icons/chair/gavel-1b2c.svg");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<svg/>");
  EXPECT_EQ(r.headers["content-type"], "image/svg+xml");
  EXPECT_EQ(http_get(root.port(), "/a%20b.txt").body, "spaced");
  EXPECT_EQ(http_get(root.port(), "/%E7%BA%AA%E8%A6%81.txt").body, "minutes");  // 纪要.txt: UTF-8 is fine
  EXPECT_EQ(http_get(root.port(), "/inner").body, kIndex);  // a symlink that stays inside the root
  for (const auto& token : root.tokens()) {
    r = http_get(root.port(), "/j/" + token);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, kIndex);
  }
  EXPECT_EQ(http_get(root.port(), "/j/" + root.tokens().front() + "?lang=en").body, kIndex);
  EXPECT_EQ(http_get(root.port(), "/healthz").body, "ok\n");
}

TEST(StaticFiles, ThePathLimitIsASetting) {
  net::Limits limits = Hall::test_limits();
  limits.http_max_path_bytes = 64;
  ServedWebRoot root(limits);
  const std::string name = "assets/" + std::string(64 - 1 - 7 - 3, 'n') + ".js";  // "/" + name: 64 bytes
  write_file(root.web() / name, "at the limit");
  ASSERT_EQ(name.size() + 1, 64u);
  EXPECT_EQ(http_get(root.port(), "/" + name).body, "at the limit");
  const RawAnswer over = send_raw(root.port(), "/" + name + "x");
  EXPECT_EQ(over.status, 400);
  EXPECT_NE(body_of(over).find("http_max_path_bytes"), std::string::npos) << body_of(over);
  // The query does not count.
  EXPECT_EQ(http_get(root.port(), "/" + name + "?" + std::string(200, 'q')).body, "at the limit");

  net::ServerOptions options;
  EXPECT_EQ(options.limits.http_max_path_bytes, 1024u);
  EXPECT_FALSE(net::apply_setting(options, "http_max_path_bytes", json(63)));
  EXPECT_TRUE(net::apply_setting(options, "http_max_path_bytes", json(4096)));
  EXPECT_EQ(options.limits.http_max_path_bytes, 4096u);
}

TEST(StaticFiles, WebPathSaysWhyItRefuses) {
  const auto why = [](std::string_view target) {
    auto r = net::web_path(target, 1024);
    return r ? std::string("accepted") : r.error().message;
  };
  EXPECT_EQ(*net::web_path("/", 1024), "");
  EXPECT_EQ(*net::web_path("/j/", 1024), "j/");
  EXPECT_EQ(*net::web_path("/assets/a%20b.js", 1024), "assets/a b.js");
  EXPECT_NE(why("//etc/passwd").find("empty segment"), std::string::npos);
  EXPECT_NE(why("/%2fetc").find("encoded '/'"), std::string::npos);
  EXPECT_NE(why("/%252f").find("encoded '/' or '%'"), std::string::npos);
  EXPECT_NE(why("/%c0%af").find("UTF-8"), std::string::npos);
  EXPECT_NE(why("/a%5cb").find("backslash"), std::string::npos);
  EXPECT_NE(why("/a%00").find("control"), std::string::npos);
  EXPECT_NE(why("/.%2e/x").find("'..'"), std::string::npos);
  EXPECT_NE(why("/%zz").find("escape"), std::string::npos);
  EXPECT_NE(why("x").find("start with '/'"), std::string::npos);
  EXPECT_NE(why("/" + std::string(1024, 'a')).find("1024"), std::string::npos);
}

// ---- `dais serve` itself ----------------------------------------------------------------------------------

// `dais serve` as a child process, its stdout and stderr on one pipe.
class ServeProcess {
 public:
  ServeProcess(const std::vector<std::string>& args, const fs::path& cwd) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> argv_text = {DAIS_EXECUTABLE, "serve"};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::dup2(fds[1], STDERR_FILENO);
      if (::chdir(cwd.c_str()) != 0) ::_exit(127);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
  }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // Reads until a line of the output holds `text`; false when the output ended first.
  bool wait_for(std::string_view text) {
    for (;;) {
      const auto at = output_.find(text);
      if (at != std::string::npos && output_.find('\n', at) != std::string::npos) return true;
      if (!read_some()) return false;
    }
  }
  // The port the server says it listens on, or nothing when it ended without listening.
  std::optional<std::uint16_t> wait_listening() {
    constexpr std::string_view said = "listening on http://127.0.0.1:";
    if (!wait_for(said)) return std::nullopt;
    return static_cast<std::uint16_t>(std::stoi(output_.substr(output_.find(said) + said.size())));
  }
  // SIGTERM when `stop`, then the rest of the output and the exit code.
  int wait_exit(bool stop) {
    if (stop) ::kill(pid_, SIGTERM);
    while (read_some()) {
    }
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  const std::string& output() const { return output_; }

 private:
  // False at the end of the output, or when none came for kWait.
  bool read_some() {
    pollfd p{out_, POLLIN, 0};
    const int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(kWait).count());
    if (::poll(&p, 1, ms) <= 0) {
      ADD_FAILURE() << "dais serve said nothing for " << ms << " ms; so far: " << output_;
      return false;
    }
    char buffer[4096];
    const ssize_t n = ::read(out_, buffer, sizeof buffer);
    if (n <= 0) return false;
    output_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int out_ = -1;
  std::string output_;
};

TEST(StaticFiles, ServeRefusesAWebRootHoldingItsSecrets) {
  Scratch s("dais-serve-root");
  write_file(s.dir / "site" / "index.html", std::string(kIndex));
  write_file(s.dir / "real" / "moved.db", "");
  fs::create_directories(s.dir / "data");
  fs::create_symlink(s.dir / "data", s.dir / "data-link");
  // The database itself is elsewhere, reached through a symlink; its tokens file would sit in the web root.
  fs::create_symlink(s.dir / "real" / "moved.db", s.dir / "site" / "moved.db");
  write_file(s.dir / "site" / "key.pem", "not really a key");
  write_file(s.dir / "cert.pem", "not really a certificate");
  const std::string site = (s.dir / "site").string();
  struct Case {
    std::vector<std::string> args;
    fs::path cwd;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"--web", site, "--db", site + "/hall.db"}, s.dir, "holds the database ("},
      {{"--web", ".", "--db", "hall.db"}, s.dir / "site", "holds the database ("},
      {{"--web", (s.dir / "data-link").string(), "--db", (s.dir / "data" / "hall.db").string()},
       s.dir,
       "holds the database ("},
      {{"--web", site, "--db", site + "/moved.db"}, s.dir, "holds the database's tokens file"},
      {{"--web", "/", "--db", (s.dir / "data" / "hall.db").string()}, s.dir, "holds the database ("},
      {{"--web", site, "--db", (s.dir / "data" / "hall.db").string(), "--tls-cert",
        (s.dir / "cert.pem").string(), "--tls-key", site + "/key.pem"},
       s.dir,
       "holds the TLS key"},
  };
  for (const auto& c : cases) {
    auto args = c.args;
    args.insert(args.end(), {"--port", "0", "--bind", "127.0.0.1"});
    ServeProcess serve(args, c.cwd);
    if (serve.wait_listening()) {
      ADD_FAILURE() << "dais serve started with " << c.args[1] << ": " << serve.output();
      continue;
    }
    EXPECT_EQ(serve.wait_exit(false), 2) << serve.output();
    EXPECT_NE(serve.output().find(c.says), std::string::npos) << serve.output();
    EXPECT_NE(serve.output().find("serve the web client from a directory of its own"), std::string::npos);
  }
  // Refused before anything was opened: no database was created anywhere.
  EXPECT_FALSE(fs::exists(s.dir / "site" / "hall.db"));
  EXPECT_FALSE(fs::exists(s.dir / "data" / "hall.db"));
  EXPECT_EQ(fs::file_size(s.dir / "real" / "moved.db"), 0u);
}

// The report as it came in: `dais serve --demo` with a web root, and the paths that read the machine's files.
TEST(StaticFiles, TheReportedPathsAgainstDaisServeDemo) {
  Scratch s("dais-serve-root");
  write_file(s.dir / "web" / "index.html", std::string(kIndex));
  const fs::path db = s.dir / "data" / "demo.db";
  fs::create_directories(db.parent_path());
  ServeProcess serve(
      {"--demo", "--seed", std::string(DAIS_SOURCE_DIR) + "/seeds/demo-hearing.json", "--db", db.string(),
       "--web", (s.dir / "web").string(), "--port", "0", "--bind", "127.0.0.1", "--threads", "1"},
      s.dir);
  const auto port = serve.wait_listening();
  ASSERT_TRUE(port) << serve.output();
  const fs::path tokens_file = net::demo_tokens_file(db);
  // The tokens file is written after the server starts listening: wait for the line that names it.
  ASSERT_TRUE(serve.wait_for("all join links:")) << serve.output();
  const std::string tokens = read_text(tokens_file);
  ASSERT_NE(tokens.find("/j/"), std::string::npos) << serve.output();
  const std::string a_link_token =
      tokens.substr(tokens.find("/j/") + 3, tokens.find('\n', tokens.find("/j/")) - tokens.find("/j/") - 3);
  for (const std::string& target :
       {std::string("//etc/passwd"), std::string("/%2fetc/hostname"), std::string("///etc/passwd"),
        std::string("//proc/self/cmdline"), "/" + tokens_file.string(), "/" + db.string(),
        "/%2f" + tokens_file.string().substr(1)}) {
    const RawAnswer answer = send_raw(*port, target);
    EXPECT_EQ(answer.status, 400) << target;
    EXPECT_EQ(answer.text.find("root:x:0:0"), std::string::npos) << target;
    EXPECT_EQ(answer.text.find(a_link_token), std::string::npos) << target;
    EXPECT_EQ(answer.text.find("SQLite format 3"), std::string::npos) << target;
  }
  EXPECT_EQ(send_raw(*port, "/j/" + a_link_token).status, 200);
  EXPECT_EQ(serve.wait_exit(true), 0) << serve.output();
}

}  // namespace
}  // namespace dais::test
