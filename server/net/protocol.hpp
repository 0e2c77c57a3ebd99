#pragma once
// The wire protocol's server side without any sockets: checking an incoming frame against its schema
// (protocol/messages/<type>.schema.json) and building the server's messages. docs/protocol.md is the
// reference.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <dais/codes.hpp>
#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "core/schema.hpp"

namespace dais::net {

inline constexpr std::int64_t kProtocolVersion = 1;

// WebSocket close codes (protocol/codes.json; docs/protocol.md, Close codes). `elsewhere`: another node holds
// the hearing (docs/scale-out.md); the reason is "node=<its name>".
namespace close_code = protocol::close_code;

// An error answer before it is serialised. `code` is one of protocol::kErrorCodes (protocol/codes.json).
struct WireError {
  std::string code;
  std::string message;
  std::string field;
  core::ErrorParams params = {};  // sent as `params` when not empty
};

// A client frame that passed its schema.
struct Incoming {
  std::string type;
  std::string id;  // empty for hello
  nlohmann::json body;
};

// The client messages' schemas, compiled once at start from the embedded protocol files.
class MessageSchemas {
 public:
  // Fails when a schema does not compile or a client message type lacks one (a build defect).
  static core::Result<std::shared_ptr<const MessageSchemas>> load();
  // Parses and checks one text frame. Errors: bad_message (with the field), unknown_type.
  std::optional<WireError> check(std::string_view text, Incoming& out) const;
  bool knows(std::string_view type) const { return schemas_.count(std::string(type)) != 0; }

 private:
  std::map<std::string, core::Schema, std::less<>> schemas_;
};

// Server messages are built as text once and shared; these build the per-request ones.
std::string error_text(const WireError& error, std::string_view id = {});
std::string ack_text(std::string_view id, std::int64_t seq, const nlohmann::json& result,
                     bool duplicate = false);
// The stored ack of a vote, answered again to a retry: its id becomes the retry's, and "duplicate" is set.
std::string duplicate_ack_text(std::string_view stored_ack, std::string_view id);

// Types the server sends; a client sending one gets unknown_type.
bool is_server_message(std::string_view type);
// Types that are requests but not engine commands.
bool is_server_request(std::string_view type);

}  // namespace dais::net
