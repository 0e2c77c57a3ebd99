#include "net/protocol.hpp"

#include <variant>

#include <dais/schemas.hpp>

#include "core/command.hpp"

namespace dais::net {
namespace {

using nlohmann::json;

constexpr std::string_view kServerMessages[] = {"welcome", "update", "ack", "error"};
constexpr std::string_view kServerRequests[] = {"issue_tokens", "list_online", "check_receipt", "ping"};

std::string type_of_file(const std::string& file) {
  constexpr std::string_view suffix = ".schema.json";
  if (file.size() <= suffix.size() || file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return {};
  }
  return file.substr(0, file.size() - suffix.size());
}

}  // namespace

bool is_server_message(std::string_view type) {
  for (auto t : kServerMessages) {
    if (t == type) return true;
  }
  return false;
}

bool is_server_request(std::string_view type) {
  for (auto t : kServerRequests) {
    if (t == type) return true;
  }
  return false;
}

core::Result<std::shared_ptr<const MessageSchemas>> MessageSchemas::load() {
  auto out = std::make_shared<MessageSchemas>();
  for (const auto& [file, text] : protocol::schema_files()) {
    const std::string type = type_of_file(file);
    if (type.empty() || is_server_message(type)) continue;
    json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded()) return core::make_error(core::ErrorCode::invalid, file + ": not JSON");
    // Only message schemas name their type as a const; the hearing definition's schema does not.
    const json* type_const = nullptr;
    if (auto p = doc.find("properties"); p != doc.end() && p->is_object()) {
      if (auto t = p->find("type"); t != p->end() && t->is_object() && t->contains("const"))
        type_const = &(*t)["const"];
    }
    if (type_const == nullptr) continue;
    if (*type_const != type) {
      return core::make_error(core::ErrorCode::invalid,
                              file + ": its type const does not match the file name");
    }
    auto schema = core::Schema::compile(doc);
    if (!schema) return core::make_error(core::ErrorCode::invalid, file + ": " + schema.error().message);
    out->schemas_.emplace(type, std::move(*schema));
  }
  for (auto name : core::all_command_names()) {
    if (!out->knows(name)) {
      return core::make_error(core::ErrorCode::invalid, "no schema for command " + std::string(name));
    }
  }
  for (auto name : kServerRequests) {
    if (!out->knows(name))
      return core::make_error(core::ErrorCode::invalid, "no schema for " + std::string(name));
  }
  if (!out->knows("hello")) return core::make_error(core::ErrorCode::invalid, "no schema for hello");
  return std::shared_ptr<const MessageSchemas>(std::move(out));
}

std::optional<WireError> MessageSchemas::check(std::string_view text, Incoming& out) const {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return WireError{"bad_message", "the message is not valid JSON", ""};
  if (!doc.is_object()) return WireError{"bad_message", "the message must be a JSON object", ""};
  const auto type = doc.find("type");
  if (type == doc.end() || !type->is_string()) {
    return WireError{"bad_message", "the message needs a string member 'type'", "/type"};
  }
  const auto& name = type->get_ref<const std::string&>();
  // A request id is echoed even when the rest is wrong, so the client can match the error.
  if (auto id = doc.find("id");
      id != doc.end() && id->is_string() && id->get_ref<const std::string&>().size() <= 64) {
    out.id = id->get<std::string>();
  }
  const auto schema = schemas_.find(name);
  if (schema == schemas_.end())
    return WireError{"unknown_type", "no client message has type '" + name + "'", "/type"};
  if (auto e = schema->second.validate(doc)) return WireError{"bad_message", e->message, e->field};
  out.type = name;
  out.body = std::move(doc);
  return std::nullopt;
}

std::string error_text(const WireError& error, std::string_view id) {
  json j = {{"type", "error"}, {"code", error.code}, {"message", error.message}};
  if (!id.empty()) j["id"] = id;
  if (!error.field.empty()) j["field"] = error.field;
  for (const auto& [name, value] : error.params) {
    std::visit([&, &key = name](const auto& v) { j["params"][key] = v; }, value);
  }
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string ack_text(std::string_view id, std::int64_t seq, const json& result, bool duplicate) {
  json j = {{"type", "ack"}, {"id", id}, {"seq", seq}, {"result", result}};
  if (duplicate) j["duplicate"] = true;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string duplicate_ack_text(std::string_view stored_ack, std::string_view id) {
  json j = json::parse(stored_ack, nullptr, false);
  if (!j.is_object()) j = {{"type", "ack"}, {"seq", 0}, {"result", json::object()}};
  j["id"] = id;
  j["duplicate"] = true;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace dais::net
