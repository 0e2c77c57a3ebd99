// Precompressed web client files: the build writes app.js.br and app.js.gz beside app.js; the server sends
// the copy the request's Accept-Encoding allows (Brotli first), with Content-Encoding and Vary, and the file
// itself otherwise. A copy is only looked for beside a file that exists inside the web root and is held to
// the same path rules, so the new suffixes open no way out of the root.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <boost/beast/zlib/inflate_stream.hpp>

#include "harness.hpp"
#include "net/static_files.hpp"

namespace dais::test {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A gzip file as the system's gzip writes it (an encoder other than the one under test: there is none).
std::string gzip_of(const fs::path& path) {
  const std::string command = "gzip -9 -n -c '" + path.string() + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run gzip");
  std::string out;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  if (::pclose(pipe) != 0) throw std::runtime_error("gzip failed");
  return out;
}

// The bytes a browser gets out of a gzip body: the member's raw deflate data after its 10-byte header (gzip
// -n writes no name), inflated.
std::string gunzip(const std::string& gz) {
  if (gz.size() < 18 || static_cast<unsigned char>(gz[0]) != 0x1f ||
      static_cast<unsigned char>(gz[1]) != 0x8b || gz[3] != 0) {
    throw std::runtime_error("not a plain gzip member");
  }
  boost::beast::zlib::inflate_stream inflater;
  boost::beast::zlib::z_params zs;
  std::string out(1 << 20, '\0');
  zs.next_in = gz.data() + 10;
  zs.avail_in = gz.size() - 18;
  zs.next_out = out.data();
  zs.avail_out = out.size();
  boost::system::error_code ec;
  inflater.write(zs, boost::beast::zlib::Flush::finish, ec);
  if (ec && ec != boost::beast::zlib::error::end_of_stream)
    throw std::runtime_error("inflate: " + ec.message());
  out.resize(zs.total_out);
  return out;
}

constexpr std::string_view kOutsideMarker = "OUTSIDE-THE-WEB-ROOT-c41d7e";

// A web root with an asset, its index page, their copies, and copies that try to lead somewhere else.
class EncodedWebRoot {
 public:
  EncodedWebRoot() {
    std::string pattern = (fs::temp_directory_path() / "dais-encoded-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    std::string script;
    for (int i = 0; i < 200; ++i)
      script += "export const line" + std::to_string(i) + " = '述责述廉 " + std::to_string(i) + "';\n";
    write("web/assets/app-1a2b.js", script);
    write("web/assets/app-1a2b.js.gz", gzip_of(web() / "assets/app-1a2b.js"));
    write("web/assets/app-1a2b.js.br", "BROTLI-COPY-OF-app-1a2b.js");
    write("web/index.html", "<!doctype html><title>Dais</title>");
    write("web/index.html.br", "BROTLI-COPY-OF-index.html");
    // A copy of a file that is not there; a hidden file's copy; a copy pointing out of the root; a directory.
    write("web/assets/ghost.js.br", "GHOST-COPY");
    write("web/.env", "HIDDEN");
    write("web/.env.br", "HIDDEN-COPY");
    write("outside/marker.br", std::string(kOutsideMarker));
    write("web/assets/plain-9f.js", "console.log('plain')");
    fs::create_symlink(dir_ / "outside" / "marker.br", web() / "assets/plain-9f.js.br");
    fs::create_directories(web() / "assets" / "sub");
    write("web/assets/sub.br", "DIRECTORY-COPY");
  }
  ~EncodedWebRoot() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path web() const { return dir_ / "web"; }
  void write(const std::string& name, const std::string& bytes) const {
    fs::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
  }

 private:
  fs::path dir_;
};

class Precompressed : public ::testing::Test {
 protected:
  void SetUp() override {
    hall_.options.web = root_.web();
    hall_.start();
  }
  HttpReply get(const std::string& target, const std::string& accept_encoding) {
    if (accept_encoding.empty()) return http_get(hall_.port(), target);
    return http_get(hall_.port(), target, {{"Accept-Encoding", accept_encoding}});
  }
  std::string original(const std::string& name) const { return read_file(root_.web() / name); }

  EncodedWebRoot root_;
  Hall hall_;
};

TEST_F(Precompressed, BrotliWhenAcceptedWithEncodingAndVary) {
  const HttpReply r = get("/assets/app-1a2b.js", "gzip, deflate, br, zstd");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.at("content-encoding"), "br");
  EXPECT_EQ(r.headers.at("vary"), "Accept-Encoding");
  EXPECT_EQ(r.headers.at("content-type"),
            "text/javascript; charset=utf-8");  // the file's type, not the copy's
  EXPECT_EQ(r.headers.at("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(r.body, original("assets/app-1a2b.js.br"));
}

TEST_F(Precompressed, GzipDecompressesToTheSameBytes) {
  const HttpReply r = get("/assets/app-1a2b.js", "gzip");
  EXPECT_EQ(r.headers.at("content-encoding"), "gzip");
  EXPECT_LT(r.body.size(), original("assets/app-1a2b.js").size());
  EXPECT_EQ(gunzip(r.body), original("assets/app-1a2b.js"));
}

TEST_F(Precompressed, TheFileItselfWhenNoCopyIsAccepted) {
  for (const std::string accept :
       {"", "identity", "br;q=0, gzip;q=0", "*;q=0", "deflate", "br;q=zero, gzip;q=2"}) {
    const HttpReply r = get("/assets/app-1a2b.js", accept);
    EXPECT_EQ(r.status, 200) << accept;
    EXPECT_EQ(r.headers.count("content-encoding"), 0u) << accept;
    EXPECT_EQ(r.headers.at("vary"), "Accept-Encoding") << accept;
    EXPECT_EQ(r.body, original("assets/app-1a2b.js")) << accept;
  }
}

TEST_F(Precompressed, JoinLinksGetTheIndexPagesCopy) {
  for (const std::string& target : {std::string("/"), "/j/" + hall_.token("v001")}) {
    const HttpReply r = get(target, "br");
    EXPECT_EQ(r.headers.at("content-encoding"), "br") << target;
    EXPECT_EQ(r.headers.at("content-type"), "text/html; charset=utf-8") << target;
    EXPECT_EQ(r.body, original("index.html.br")) << target;
  }
}

TEST_F(Precompressed, NoWayOutOfTheRootThroughTheSuffixes) {
  // A copy without its file is not served for the file's path.
  EXPECT_EQ(get("/assets/ghost.js", "br").status, 404);
  // A hidden file stays hidden, its copy too.
  EXPECT_EQ(get("/.env", "br").status, 404);
  EXPECT_EQ(get("/.env.br", "").status, 404);
  // A copy that resolves outside the root is ignored: the file itself is sent, not the outside bytes.
  HttpReply r = get("/assets/plain-9f.js", "br");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.count("content-encoding"), 0u);
  EXPECT_EQ(r.body, "console.log('plain')");
  EXPECT_EQ(get("/assets/plain-9f.js.br", "").status, 404);
  // A directory has no copy, whatever lies beside it.
  EXPECT_EQ(get("/assets/sub", "br").status, 404);
  // Escapes and dot segments are refused before any copy is looked for.
  EXPECT_EQ(get("/assets/..%2f..%2foutside/marker", "br").status, 400);
  EXPECT_EQ(get("/assets/../../outside/marker", "br").status, 400);
}

TEST(AcceptedEncodings, ReadsCodingsAndWeights) {
  const auto both = [](std::string_view header) {
    const auto a = net::accepted_encodings(header);
    return std::pair{a.br, a.gzip};
  };
  EXPECT_EQ(both(""), std::pair(false, false));
  EXPECT_EQ(both("gzip, deflate, br"), std::pair(true, true));
  EXPECT_EQ(both("BR;Q=1.000 ,\tGZip ; q=0.5"), std::pair(true, true));
  EXPECT_EQ(both("br;q=0.000, gzip"), std::pair(false, true));
  EXPECT_EQ(both("*"), std::pair(true, true));
  EXPECT_EQ(both("*;q=0.1, gzip;q=0"), std::pair(true, false));
  EXPECT_EQ(both("x-gzip"), std::pair(false, true));
  EXPECT_EQ(both("br;q=1.5, gzip;q=.5"), std::pair(false, false));  // malformed weights count as 0
  EXPECT_EQ(both("brotli, gzip2"), std::pair(false, false));
}

}  // namespace
}  // namespace dais::test
