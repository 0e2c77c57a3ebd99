#include "core/schema.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <dais/schemas.hpp>

namespace dais::core {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// Validates `instance` against `schema` (JSON text); returns "field: message", or "ok".
std::string check(const char* schema, const json& instance) {
  auto compiled = Schema::compile(json::parse(schema));
  if (!compiled) return "schema error: " + compiled.error().message;
  auto e = compiled->validate(instance);
  if (!e) return "ok";
  EXPECT_EQ(e->code, ErrorCode::invalid);
  return e->field + ": " + e->message;
}

TEST(Schema, Type) {
  EXPECT_EQ(check(R"({"type": "string"})", "x"), "ok");
  EXPECT_EQ(check(R"({"type": "string"})", 1), ": must be a string");
  EXPECT_EQ(check(R"({"type": "object"})", json::array()), ": must be an object");
  EXPECT_EQ(check(R"({"type": "array"})", json::object()), ": must be an array");
  EXPECT_EQ(check(R"({"type": "boolean"})", 0), ": must be true or false");
  EXPECT_EQ(check(R"({"type": "null"})", nullptr), "ok");
  EXPECT_EQ(check(R"({"type": ["string", "null"]})", nullptr), "ok");
  EXPECT_EQ(check(R"({"type": ["string", "null"]})", 3), ": must be a string or null");
}

TEST(Schema, IntegerAndNumber) {
  EXPECT_EQ(check(R"({"type": "integer"})", 3), "ok");
  EXPECT_EQ(check(R"({"type": "integer"})", -3), "ok");
  EXPECT_EQ(check(R"({"type": "integer"})", 3.0), "ok");  // JSON Schema: 3.0 is an integer
  EXPECT_EQ(check(R"({"type": "integer"})", 3.5), ": must be an integer");
  EXPECT_EQ(check(R"({"type": "integer"})", "3"), ": must be an integer");
  EXPECT_EQ(check(R"({"type": "number"})", 3.5), "ok");
  EXPECT_EQ(check(R"({"type": "number"})", 3), "ok");
  EXPECT_EQ(check(R"({"type": "number"})", true), ": must be a number");
}

TEST(Schema, EnumAndConst) {
  const char* e = R"({"enum": ["oral", "written"]})";
  EXPECT_EQ(check(e, "oral"), "ok");
  EXPECT_EQ(check(e, "spoken"), R"(: must be one of "oral", "written")");
  EXPECT_EQ(check(R"({"const": "hello"})", "hello"), "ok");
  EXPECT_EQ(check(R"({"const": "hello"})", "bye"), R"(: must be "hello")");
  EXPECT_EQ(check(R"({"const": 1})", 1.0), "ok");
}

TEST(Schema, PropertiesRequiredAdditional) {
  const char* s = R"({"type": "object", "required": ["a"], "additionalProperties": false,
                      "properties": {"a": {"type": "integer"}, "b/c": {"type": "string"}}})";
  EXPECT_EQ(check(s, {{"a", 1}}), "ok");
  EXPECT_EQ(check(s, json::object()), "/a: is required");
  EXPECT_EQ(check(s, {{"a", "x"}}), "/a: must be an integer");
  EXPECT_EQ(check(s, {{"a", 1}, {"z", 2}}), "/z: is not an allowed field");
  EXPECT_EQ(check(s, {{"a", 1}, {"b/c", 2}}), "/b~1c: must be a string");  // JSON pointer escaping
  // additionalProperties as a schema: a map of arbitrary keys.
  const char* m = R"({"type": "object", "additionalProperties": {"type": "array"}})";
  EXPECT_EQ(check(m, {{"s1", json::array()}}), "ok");
  EXPECT_EQ(check(m, {{"s1", json::array()}, {"s2", 1}}), "/s2: must be an array");
  // absent additionalProperties allows anything
  EXPECT_EQ(check(R"({"properties": {"a": {"type": "integer"}}})", {{"b", "x"}}), "ok");
}

TEST(Schema, MinMaxProperties) {
  const char* s = R"({"type": "object", "minProperties": 1, "maxProperties": 2})";
  EXPECT_EQ(check(s, json::object()), ": must have at least 1 member");
  EXPECT_EQ(check(s, {{"a", 1}, {"b", 2}}), "ok");
  EXPECT_EQ(check(s, {{"a", 1}, {"b", 2}, {"c", 3}}), ": must have at most 2 members");
}

TEST(Schema, ItemsAndCounts) {
  const char* s = R"({"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": "string"}})";
  EXPECT_EQ(check(s, {"a"}), "ok");
  EXPECT_EQ(check(s, json::array()), ": must have at least 1 item");
  EXPECT_EQ(check(s, {"a", "b", "c", "d"}), ": must have at most 3 items");
  EXPECT_EQ(check(s, {"a", 2}), "/1: must be a string");
}

TEST(Schema, UniqueItems) {
  const char* s = R"({"type": "array", "uniqueItems": true})";
  EXPECT_EQ(check(s, {"a", "b"}), "ok");
  EXPECT_EQ(check(s, {"a", "b", "a"}), "/2: repeats an earlier item");
  EXPECT_EQ(check(s, json::parse(R"([{"x": 1}, {"x": 1}])")), "/1: repeats an earlier item");
}

TEST(Schema, LengthCountsCodePointsNotBytes) {
  const char* s = R"({"type": "string", "minLength": 2, "maxLength": 4})";
  EXPECT_EQ(check(s, "述责述廉"), "ok");  // 4 characters, 12 bytes
  EXPECT_EQ(check(s, "述责述廉会"), ": must be at most 4 characters long");
  EXPECT_EQ(check(s, "述"), ": must be at least 2 characters long");
  EXPECT_EQ(check(R"({"type": "string", "minLength": 1})", ""), ": must not be empty");
}

TEST(Schema, MinimumMaximum) {
  const char* s = R"({"type": "number", "minimum": 1, "maximum": 2.5})";
  EXPECT_EQ(check(s, 1), "ok");
  EXPECT_EQ(check(s, 2.5), "ok");
  EXPECT_EQ(check(s, 0.5), ": must be at least 1");
  EXPECT_EQ(check(s, 3), ": must be at most 2.5");
}

TEST(Schema, Pattern) {
  const char* s = R"({"type": "string", "pattern": "^[A-Za-z0-9_-]{1,32}$"})";
  EXPECT_EQ(check(s, "slot_1-a"), "ok");
  EXPECT_EQ(check(s, "slot 1"), ": must match the pattern ^[A-Za-z0-9_-]{1,32}$");
  // Unanchored patterns match anywhere, as in JSON Schema.
  EXPECT_EQ(check(R"({"pattern": "b+"})", "abbc"), "ok");
  // A pattern does not apply to other types.
  EXPECT_EQ(check(R"({"pattern": "b+"})", 3), "ok");
}

TEST(Schema, RefsAndDefs) {
  const char* s = R"({"$defs": {"id": {"type": "string", "pattern": "^[a-z]+$"},
                                "node": {"type": "object", "properties": {"id": {"$ref": "#/$defs/id"},
                                         "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}},
                      "$ref": "#/$defs/node"})";
  EXPECT_EQ(check(s, json::parse(R"({"id": "a", "children": [{"id": "b", "children": []}]})")), "ok");
  EXPECT_EQ(check(s, json::parse(R"({"id": "a", "children": [{"id": "B"}]})")),
            "/children/0/id: must match the pattern ^[a-z]+$");
}

TEST(Schema, AnyOf) {
  const char* s = R"({"anyOf": [{"type": "string"}, {"type": "object", "required": ["a"],
                                 "properties": {"a": {"type": "integer"}}}]})";
  EXPECT_EQ(check(s, "x"), "ok");
  EXPECT_EQ(check(s, {{"a", 1}}), "ok");
  EXPECT_EQ(check(s, {{"a", "no"}}), "/a: must be an integer");  // the error that got furthest
  EXPECT_EQ(check(s, 5), ": does not match any of the allowed forms");
}

TEST(Schema, OneOf) {
  const char* s = R"({"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 10}]})";
  EXPECT_EQ(check(s, 5), "ok");
  EXPECT_EQ(check(s, 10.5), "ok");
  EXPECT_EQ(check(s, 12), ": matches more than one of the allowed forms");
  EXPECT_EQ(check(s, "x"), ": does not match any of the allowed forms");
}

TEST(Schema, OneOfWithATypeTagReportsTheTaggedAlternative) {
  const char* s = R"({"$defs": {
      "ask": {"type": "object", "required": ["type", "inquiry"], "additionalProperties": false,
              "properties": {"type": {"const": "ask_inquiry"}, "inquiry": {"type": "string"}}},
      "skip": {"type": "object", "required": ["type", "slot"], "additionalProperties": false,
               "properties": {"type": {"const": "skip_slot"}, "slot": {"type": "string"}}}},
    "oneOf": [{"$ref": "#/$defs/ask"}, {"$ref": "#/$defs/skip"}]})";
  EXPECT_EQ(check(s, {{"type", "skip_slot"}, {"slot", "s1"}}), "ok");
  EXPECT_EQ(check(s, {{"type", "ask_inquiry"}}), "/inquiry: is required");
  EXPECT_EQ(check(s, {{"type", "skip_slot"}, {"slot", 3}}), "/slot: must be a string");
  EXPECT_EQ(check(s, {{"type", "fly"}}), R"(/type: must be one of "ask_inquiry", "skip_slot")");
  EXPECT_EQ(check(s, 7), ": does not match any of the allowed forms");
}

TEST(Schema, BooleanSchemasAndAnnotations) {
  EXPECT_EQ(check("true", 1), "ok");
  EXPECT_EQ(check("false", 1), ": is not allowed");
  EXPECT_EQ(check(R"({"title": "t", "description": "d", "$schema": "x", "default": 1, "examples": []})", 1),
            "ok");
}

TEST(Schema, CompileRejectsWhatItDoesNotSupport) {
  EXPECT_THAT(check(R"({"patternProperties": {}})", 1),
              HasSubstr("keyword 'patternProperties' is not supported"));
  EXPECT_THAT(check(R"({"$ref": "other.json#/x"})", 1), HasSubstr("not a protocol schema"));
  EXPECT_THAT(check(R"({"$ref": "common.schema.json#/$defs/missing"})", 1), HasSubstr("only references to"));
  EXPECT_THAT(check(R"({"$ref": "#/$defs/missing"})", 1), HasSubstr("only references to"));
  EXPECT_THAT(check(R"({"pattern": "(unclosed"})", "x"), HasSubstr("bad regular expression"));
  EXPECT_THAT(check(R"({"type": "text"})", "x"), HasSubstr("unknown type"));
  EXPECT_THAT(check(R"({"minItems": -1})", "x"), HasSubstr("non-negative integer"));
  EXPECT_THAT(check(R"({"properties": {"a": {"$defs": {}}}})", "x"), HasSubstr("at the root only"));
}

TEST(Schema, FreeFunctionValidates) {
  EXPECT_FALSE(validate(json::parse(R"({"type": "string"})"), "x").has_value());
  auto e = validate(json::parse(R"({"type": "string"})"), 1);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->message, "must be a string");
}

TEST(Schema, EveryProtocolSchemaCompiles) {
  ASSERT_TRUE(protocol::schema_files().count("hearing-definition.schema.json"));
  for (const auto& [name, text] : protocol::schema_files()) {
    SCOPED_TRACE(name);
    auto compiled = Schema::compile(json::parse(text));
    EXPECT_TRUE(compiled.ok()) << compiled.error().message;
  }
}

// A reference to another protocol file ("../common.schema.json#/$defs/person", or a file's root) is resolved
// among the compiled-in schemas, by file name, with that file's own "#/$defs/…" references read in it.
TEST(SchemaRefs, AnotherProtocolFileIsResolvedByName) {
  const char* person = R"({"$ref": "../common.schema.json#/$defs/person"})";
  EXPECT_EQ(check(person, {{"id", "p1"}, {"name", "张三"}, {"post", "区长"}}), "ok");
  EXPECT_EQ(check(person, {{"id", "p1"}, {"name", "张三"}}), "/post: is required");
  // inquiries.schema.json's root refers to its own $defs and to common.schema.json.
  const char* inquiries = R"({"properties": {"s": {"$ref": "views/inquiries.schema.json"}}})";
  const json item = {{"id", "I1"},
                     {"slot", "s01"},
                     {"author", {{"id", "q1"}, {"name", "李"}, {"post", ""}}},
                     {"text", "问"},
                     {"parent", nullptr},
                     {"status", "approved"},
                     {"answer_summary", ""},
                     {"commitments", json::array()},
                     {"upvotes", 0},
                     {"submitted_at", 1}};
  json section = {{"items", {item}}, {"queues", {{"s01", {"I1"}}}}, {"asking", nullptr}};
  EXPECT_EQ(check(inquiries, {{"s", section}}), "ok");
  section["items"][0]["status"] = "lost";
  EXPECT_THAT(check(inquiries, {{"s", section}}), HasSubstr("/s/items/0/status: must be one of"));
  section["items"][0]["status"] = "asking";
  section["items"][0]["author"].erase("post");
  EXPECT_EQ(check(inquiries, {{"s", section}}), "/s/items/0/author/post: is required");
}

// Every section of a welcome is checked against its own schema.
TEST(SchemaRefs, WelcomeChecksEachSection) {
  auto welcome = Schema::compile(json::parse(protocol::schema_files().at("welcome.schema.json")));
  ASSERT_TRUE(welcome.ok()) << welcome.error().message;
  json m = {{"type", "welcome"},
            {"protocol", 1},
            {"hearing", {{"id", "h"}, {"title", "t"}}},
            {"participant", {{"id", "v1"}, {"name", "n"}, {"roles", {"voter"}}}},
            {"seq", 3},
            {"server_time", 5},
            {"resumed", true},
            {"view", {{"tally", {{"visible", false}, {"ballots", json::array()}}}}}};
  auto e = welcome->validate(m);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->field, "/view/me");
  m["view"]["me"] = {{"id", "v1"},
                     {"name", "n"},
                     {"post", ""},
                     {"roles", {"voter"}},
                     {"groups", json::array()},
                     {"checked_in", true},
                     {"revoked", false},
                     {"inquiries", json::array()},
                     {"upvoted", json::array()},
                     {"presenting", json::array()},
                     {"ballots", {{{"ballot", "B1"}, {"voted", true}}}}};
  EXPECT_FALSE(welcome->validate(m).has_value());
  m["view"]["tally"]["visible"] = "yes";
  e = welcome->validate(m);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->field, "/view/tally/visible");
  EXPECT_EQ(e->message, "must be true or false");
}

// Each command's schema says what its ack's result holds ($defs/result).
TEST(SchemaRefs, EveryCommandSchemaNamesItsAckResult) {
  for (const auto& [name, text] : protocol::schema_files()) {
    const json doc = json::parse(text);
    if (!doc.contains("properties") || !doc["properties"].contains("type")) continue;
    const std::string type = doc["properties"]["type"].value("const", "");
    if (type == "hello" || type == "ack" || type == "error" || type == "welcome" || type == "update")
      continue;
    SCOPED_TRACE(name);
    auto result = Schema::compile(json{{"$ref", name + "#/$defs/result"}});
    ASSERT_TRUE(result.ok()) << result.error().message;
  }
  auto created = Schema::compile(json{{"$ref", "create_ballot.schema.json#/$defs/result"}});
  ASSERT_TRUE(created.ok());
  EXPECT_FALSE(created->validate({{"ballot", "B2"}}).has_value());
  EXPECT_TRUE(created->validate(json::object()).has_value());
  auto nothing = Schema::compile(json{{"$ref", "open_ballot.schema.json#/$defs/result"}});
  ASSERT_TRUE(nothing.ok());
  EXPECT_FALSE(nothing->validate(json::object()).has_value());
  EXPECT_TRUE(nothing->validate({{"ballot", "B2"}}).has_value());
}

// `levels` arrays nested in one another, read from text: building them value by value would copy, and copying
// recurses.
json nested_arrays(std::size_t levels) {
  return json::parse(std::string(levels, '[') + std::string(levels, ']'));
}

std::string zeros(std::size_t tokens) {
  std::string out;
  for (std::size_t i = 0; i < tokens; ++i) out += "/0";
  return out;
}

TEST(SchemaDepth, TheDeepestAllowedNestingPassesAndOneMoreIsRefusedWhereItStarts) {
  EXPECT_EQ(check("{}", nested_arrays(kMaxJsonDepth)), "ok");
  EXPECT_EQ(check("{}", nested_arrays(kMaxJsonDepth + 1)),
            zeros(kMaxJsonDepth) + ": is nested more than 64 levels deep");
}

// uniqueItems compares items, and comparing recurses: two equal items 100,000 levels deep used to overflow
// the stack. They are refused before any comparison.
TEST(SchemaDepth, UniqueItemsNeverComparesTooDeepItems) {
  // Built by moving: copying (or comparing) 100,000 levels would recurse as deep as the document.
  json twice = json::array();
  twice.push_back(nested_arrays(100000));
  twice.push_back(nested_arrays(100000));
  const char* unique = R"({"type": "array", "uniqueItems": true})";
  EXPECT_EQ(check(unique, twice), zeros(kMaxJsonDepth) + ": is nested more than 64 levels deep");
  EXPECT_EQ(check(unique, json::array({nested_arrays(3), nested_arrays(3)})), "/1: repeats an earlier item");
}

TEST(SchemaDepth, ThePointerNamesObjectMembersEscaped) {
  json doc = json::object();
  doc["a/b"] = {{"~k", nested_arrays(kMaxJsonDepth)}};
  EXPECT_EQ(check("{}", doc),
            "/a~1b/~0k" + zeros(kMaxJsonDepth - 2) + ": is nested more than 64 levels deep");
}

json insert_slot_schema() {
  return json::parse(protocol::schema_files().at("insert_slot.schema.json"));
}

json without_description(json schema) {
  schema.erase("description");
  return schema;
}

// The wire's slot ids follow the definition's id rule: the two files hold one rule, and this keeps them
// equal.
TEST(SchemaIds, InsertSlotUsesTheDefinitionsIdRule) {
  const json definition = json::parse(protocol::schema_files().at("hearing-definition.schema.json"));
  const json message = insert_slot_schema();
  EXPECT_EQ(without_description(message["$defs"]["definition_id"]),
            without_description(definition["$defs"]["id"]));
  EXPECT_EQ(message["$defs"]["slot_def"]["properties"]["id"], json({{"$ref", "#/$defs/definition_id"}}));
  EXPECT_EQ(message["$defs"]["slot_def"]["properties"]["presenter"],
            json({{"$ref", "#/$defs/definition_id"}}));
}

TEST(SchemaIds, InsertSlotRefusesEveryIdTheDefinitionRefuses) {
  auto schema = Schema::compile(insert_slot_schema());
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  auto with_id = [](const std::string& id) {
    return json{{"type", "insert_slot"},
                {"id", "c1"},
                {"slot", {{"id", id}, {"presenter", "p16"}, {"title", "区审计局"}}},
                {"position", 0}};
  };
  const std::string longest(32, 'a');
  EXPECT_FALSE(schema->validate(with_id(longest)).has_value());
  EXPECT_FALSE(schema->validate(with_id("S-16_b")).has_value());
  for (const std::string& bad :
       {longest + "a", std::string(), std::string("s\0", 2), std::string("a/b"), std::string("a\tb"),
        std::string("=1+2"), std::string("s 1"), std::string("s1\n"), std::string("段1")}) {
    SCOPED_TRACE(json(bad).dump());
    auto e = schema->validate(with_id(bad));
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->field, "/slot/id");
    EXPECT_THAT(e->message, HasSubstr("must match the pattern"));
  }
}

}  // namespace
}  // namespace dais::core
