#include "net/decode_request.hpp"

#include "net/sheet_secrets.hpp"
#include "store/store.hpp"

namespace dais::net {

using nlohmann::json;

WireError engine_error(const core::Error& e) {
  return WireError{std::string(core::to_string(e.code)), e.message, e.field, e.params};
}

DecodedRequest decode_request(const MessageSchemas& schemas, std::string_view text,
                              const std::optional<Sender>& sender) {
  DecodedRequest out;
  if (auto error = schemas.check(text, out.message)) {
    out.bad = std::move(error);
    return out;
  }
  Incoming& in = out.message;
  if (!sender || in.type == "hello" || is_server_request(in.type)) return out;
  json body = in.body;
  body.erase("id");
  if (in.type == "cast_sheet") {
    hash_sheet_secrets(body, sender->hearing, sender->participant);
    body.erase("idempotency_key");
    in.body.erase("receipt");
    in.body.erase("change_key");
  }
  // A paper sheet has no device to make its receipt: should this entry count the sheet, its box row is keyed
  // by the hash of a fresh random secret.
  if (in.type == "enter_paper_sheet") body["receipt_hash"] = store::sha256_hex(store::random_token(32));
  auto command = core::command_from_json(body);
  if (command) {
    out.command = std::move(*command);
  } else {
    out.refused = engine_error(command.error());
  }
  return out;
}

std::string encode_request(const core::Command& command, std::string_view id, const json& secrets) {
  json frame = core::to_json(command);
  frame["id"] = id;
  frame.erase("receipt_hash");
  frame.erase("change_tag");
  if (std::holds_alternative<core::CastSheet>(command)) {
    for (const char* key : {"receipt", "change_key", "idempotency_key"}) {
      if (auto s = secrets.find(key); s != secrets.end()) frame[key] = *s;
    }
  }
  return frame.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace dais::net
