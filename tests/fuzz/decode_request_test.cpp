// net::decode_request, the one decoder the server's sessions, the tests and the fuzz target share: every
// engine command goes through it and back (decode → encode → decode gives the same command), a sheet's
// secrets leave it only as hashes, and a refusal still names the request.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/command.hpp"
#include "net/decode_request.hpp"
#include "store/store.hpp"

namespace dais::net {
namespace {

using nlohmann::json;

const MessageSchemas& schemas() {
  static const auto loaded = MessageSchemas::load();
  return **loaded;
}

constexpr Sender kVoter{"h1", "V1"};

// The seed corpus holds one schema example per message type, <type>-0.json.
std::string example_of(std::string_view type) {
  const auto file = std::filesystem::path(DAIS_FUZZ_DIR) / "corpus/decode" / (std::string(type) + "-0.json");
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

json secrets_of(const std::string& frame) {
  json sent = json::parse(frame);
  json out = json::object();
  for (const char* key : {"receipt", "change_key", "idempotency_key"}) {
    if (sent.contains(key)) out[key] = sent[key];
  }
  return out;
}

TEST(DecodeRequest, EveryCommandGoesThroughAndBack) {
  ASSERT_TRUE(MessageSchemas::load());
  int commands = 0;
  for (auto name : core::all_command_names()) {
    const std::string frame = example_of(name);
    ASSERT_FALSE(frame.empty()) << "no example frame for " << name;
    const auto first = decode_request(schemas(), frame, kVoter);
    ASSERT_FALSE(first.bad) << name << ": " << first.bad->message << " at " << first.bad->field;
    ASSERT_FALSE(first.refused) << name << ": " << first.refused->message;
    ASSERT_TRUE(first.command) << name;
    EXPECT_EQ(core::command_name(*first.command), name);
    EXPECT_EQ(first.message.type, name);
    EXPECT_EQ(first.message.id, json::parse(frame).at("id"));
    const std::string encoded = encode_request(*first.command, first.message.id, secrets_of(frame));
    const auto again = decode_request(schemas(), encoded, kVoter);
    ASSERT_FALSE(again.bad) << name << ": " << encoded;
    ASSERT_TRUE(again.command) << name;
    json a = core::to_json(*first.command);
    json b = core::to_json(*again.command);
    if (name == "enter_paper_sheet") {
      // Each entry gets a fresh receipt nobody is shown: 64 hex characters, never the same twice.
      EXPECT_EQ(a.at("receipt_hash").get<std::string>().size(), 64u);
      EXPECT_NE(a.at("receipt_hash"), b.at("receipt_hash"));
      a.erase("receipt_hash");
      b.erase("receipt_hash");
    }
    EXPECT_EQ(a, b) << name;
    ++commands;
  }
  EXPECT_EQ(commands, std::variant_size_v<core::Command>);
}

TEST(DecodeRequest, ASheetsSecretsLeaveOnlyAsHashes) {
  const std::string frame =
      R"({"type":"cast_sheet","id":"c1","ballot":"B1","marks":{},"receipt":"ABCDEF0123456789abcdef0123456789",)"
      R"("change_key":"00112233445566778899aabbccddeeff","idempotency_key":"k1"})";
  const auto d = decode_request(schemas(), frame, kVoter);
  ASSERT_TRUE(d.command);
  const auto& sheet = std::get<core::CastSheet>(*d.command);
  // The receipt is read case-insensitively; the change tag is bound to the hearing and the voter.
  EXPECT_EQ(sheet.receipt_hash, store::sha256_hex("abcdef0123456789abcdef0123456789"));
  const auto other = decode_request(schemas(), frame, Sender{"h1", "V2"});
  ASSERT_TRUE(other.command);
  EXPECT_EQ(std::get<core::CastSheet>(*other.command).receipt_hash, sheet.receipt_hash);
  EXPECT_NE(std::get<core::CastSheet>(*other.command).change_tag, sheet.change_tag);
  // The message kept beside the command (for the idempotency record) holds neither secret.
  EXPECT_FALSE(d.message.body.contains("receipt"));
  EXPECT_FALSE(d.message.body.contains("change_key"));
  EXPECT_EQ(d.message.body.at("idempotency_key"), "k1");
}

TEST(DecodeRequest, WithoutASenderNothingIsDecodedForTheEngine) {
  const auto d = decode_request(schemas(), example_of("cast_sheet"), std::nullopt);
  EXPECT_FALSE(d.bad);
  EXPECT_FALSE(d.command);
  EXPECT_EQ(d.message.type, "cast_sheet");
}

TEST(DecodeRequest, HelloAndServerRequestsAreNoEngineCommands) {
  for (const char* type : {"hello", "issue_tokens", "list_online", "check_receipt", "ping"}) {
    const auto d = decode_request(schemas(), example_of(type), kVoter);
    EXPECT_FALSE(d.bad) << type;
    EXPECT_FALSE(d.command) << type;
    EXPECT_FALSE(d.refused) << type;
    EXPECT_EQ(d.message.type, type);
  }
}

TEST(DecodeRequest, ABadFrameSaysWhyAndStillNamesTheRequest) {
  const auto wrong = decode_request(schemas(), R"({"type":"call_slot","id":"c7","slot":5})", kVoter);
  ASSERT_TRUE(wrong.bad);
  EXPECT_EQ(wrong.bad->code, "bad_message");
  EXPECT_EQ(wrong.bad->field, "/slot");
  EXPECT_EQ(wrong.message.id, "c7");
  EXPECT_FALSE(wrong.command);
  const auto unknown = decode_request(schemas(), R"({"type":"welcome","id":"c8"})", kVoter);
  ASSERT_TRUE(unknown.bad);
  EXPECT_EQ(unknown.bad->code, "unknown_type");
  EXPECT_EQ(decode_request(schemas(), "not json", kVoter).bad->code, "bad_message");
}

}  // namespace
}  // namespace dais::net
