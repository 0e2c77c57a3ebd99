// TLS: with a certificate and key the port speaks HTTPS and WSS. The certificate is made here, self-signed.
#include <sys/time.h>

#include <fstream>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "harness.hpp"

namespace dais::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace fs = std::filesystem;

// A blocking read never waits longer than this: a broken server fails the test instead of hanging it.
TEST(Tls, HttpsAndWssWithACertificate) {
  std::string pattern = (fs::temp_directory_path() / "dais-tls-XXXXXX").string();
  const fs::path dir = ::mkdtemp(pattern.data());
  make_test_certificate(dir);
  Hall hall;
  hall.options.tls_cert = dir / "cert.pem";
  hall.options.tls_key = dir / "key.pem";
  hall.start();

  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file((dir / "cert.pem").string());
  ctx.set_verify_mode(asio::ssl::verify_peer);

  // HTTPS
  {
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    beast::get_lowest_layer(stream).connect({asio::ip::make_address("127.0.0.1"), hall.port()});
    bound_reads(beast::get_lowest_layer(stream).socket());
    stream.handshake(asio::ssl::stream_base::client);
    beast::http::request<beast::http::empty_body> req{beast::http::verb::get, "/healthz", 11};
    req.set(beast::http::field::host, "127.0.0.1");
    beast::http::write(stream, req);
    beast::flat_buffer buffer;
    beast::http::response<beast::http::string_body> res;
    beast::http::read(stream, buffer, res);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res.body(), "ok\n");
  }
  // WSS: hello and welcome.
  {
    beast::websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(ioc, ctx);
    beast::get_lowest_layer(ws).connect({asio::ip::make_address("127.0.0.1"), hall.port()});
    bound_reads(beast::get_lowest_layer(ws).socket());
    ws.next_layer().handshake(asio::ssl::stream_base::client);
    ws.handshake("127.0.0.1", "/ws");
    ws.write(
        asio::buffer(json({{"type", "hello"}, {"protocol", 1}, {"token", hall.token("screen")}}).dump()));
    beast::flat_buffer buffer;
    ws.read(buffer);
    const json welcome = json::parse(beast::buffers_to_string(buffer.data()));
    EXPECT_EQ(welcome["type"], "welcome");
    EXPECT_EQ(welcome["participant"]["id"], "screen");
    ws.close(beast::websocket::close_code::normal);
  }
  // A plain-text client gets nowhere.
  {
    asio::ip::tcp::socket s(ioc);
    s.connect({asio::ip::make_address("127.0.0.1"), hall.port()});
    bound_reads(s);
    const std::string plain = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    asio::write(s, asio::buffer(plain));
    char buf[64];
    boost::system::error_code ec;
    const std::size_t n = s.read_some(asio::buffer(buf), ec);
    EXPECT_FALSE(std::string(buf, n).rfind("HTTP/1.1 200", 0) == 0);
  }
  hall.stop();
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace dais::test
