#pragma once
// A client's text frame turned into a checked request, without a socket: the one decoder the server's
// sessions, the tests and the fuzz target share (library dais_wire: the protocol's schemas and this, no Asio
// or Beast).
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/command.hpp"
#include "net/protocol.hpp"

namespace dais::net {

// Whose connection the frame came on: a sheet's change key is bound to the hearing and the voter.
struct Sender {
  std::string_view hearing;
  std::string_view participant;
};

struct DecodedRequest {
  // The message as sent, less a sheet's device secrets; `id` is set whenever the frame had a readable one,
  // so that even a refusal can name the request.
  Incoming message;
  // Not a client message at all: bad_message (with the field) or unknown_type. Nothing else is set.
  std::optional<WireError> bad;
  // An engine command, decoded for the hearing (only when a sender was given).
  std::optional<core::Command> command;
  // A schema-valid engine command its decoder refused, with the engine's code and field.
  std::optional<WireError> refused;
};

// Parses `text`, checks it against its message schema and, given the sender, turns an engine command into the
// command the hearing decides on: a cast_sheet's receipt and change key become their hashes
// (net/sheet_secrets.hpp), its idempotency key stays in `message` only; a paper sheet's entry gets the hash
// of a fresh random receipt that nobody is shown.
DecodedRequest decode_request(const MessageSchemas& schemas, std::string_view text,
                              const std::optional<Sender>& sender);

// The frame a client sends for `command` as request `id`: decode_request's inverse, for tests and tools.
// Hashes cannot be undone, so a cast_sheet's receipt, change key and idempotency key come from `secrets`
// (an object holding them as the frame does).
std::string encode_request(const core::Command& command, std::string_view id,
                           const nlohmann::json& secrets = nlohmann::json::object());

// The error of an engine refusal, as sent.
WireError engine_error(const core::Error& error);

}  // namespace dais::net
