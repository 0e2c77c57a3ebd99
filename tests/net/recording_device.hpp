#pragma once
// What the tests that drive a hearing without sockets share (hearing_session_test.cpp,
// live_hearing_test.cpp): a connection that records what it is sent, requests decoded as the WebSocket
// session decodes them, and a voter's sheet.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "net/connection.hpp"
#include "net/decode_request.hpp"
#include "net/hearing_session.hpp"

namespace dais::test {

// A connection that keeps what it is sent and how it was closed, in order.
class RecordingDevice final : public net::Connection {
 public:
  void deliver(net::Outgoing message) override {
    got.push_back(json::parse(*message.text));
    more.push_back(message.more);
  }
  void close(std::uint16_t code, std::string, bool) override { closed = code; }
  // The messages from index `from` on of one type.
  std::vector<json> of_type(const std::string& type, std::size_t from = 0) const {
    std::vector<json> out;
    for (std::size_t i = from; i < got.size(); ++i)
      if (got[i]["type"] == type) out.push_back(got[i]);
    return out;
  }
  // The first ack or error from index `from` on; null if none came.
  json answer_from(std::size_t from) const {
    for (std::size_t i = from; i < got.size(); ++i)
      if (got[i]["type"] == "ack" || got[i]["type"] == "error") return got[i];
    return json();
  }
  std::vector<json> got;
  std::vector<bool> more;  // per message: whether it said another follows at once (Outgoing::more)
  std::optional<std::uint16_t> closed;
};

// `message` from `who`, with the id `id`, decoded as the WebSocket session decodes it; fails the test if it
// is bad.
inline std::optional<net::Request> decoded_request(const std::string& hearing, const std::string& who,
                                                   std::weak_ptr<net::Connection> from, json message,
                                                   const std::string& id) {
  static const auto schemas = net::MessageSchemas::load();
  EXPECT_TRUE(schemas);
  if (!schemas) return std::nullopt;
  message["id"] = id;
  auto decoded = net::decode_request(**schemas, message.dump(), net::Sender{hearing, who});
  EXPECT_FALSE(decoded.bad) << decoded.bad->message << " at " << decoded.bad->field;
  if (decoded.bad) return std::nullopt;
  return net::Request{std::move(from), who, std::move(decoded.message), std::move(decoded.command)};
}

// A sheet marking every dimension of the demo's first slot 好, with idempotency key k<k>.
inline json good_sheet(const std::string& ballot, int k) {
  return {{"type", "cast_sheet"},
          {"ballot", ballot},
          {"marks", {{"s01", {{"zhuti", {"hao"}}, {"lianjie", {"hao"}}, {"zuofeng", {"hao"}}}}}},
          {"receipt", random_receipt()},
          {"idempotency_key", "k" + std::to_string(k)}};
}

}  // namespace dais::test
