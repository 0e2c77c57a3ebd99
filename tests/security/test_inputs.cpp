// Hostile input on the wire: messages nested tens of thousands of levels deep, numbers beyond a double, and
// slot ids the hearing definition forbids. Each is refused with a specific error, the connection stays
// usable, and nothing in the hearing changes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/schema.hpp"
#include "net/harness.hpp"

namespace dais::test {
namespace {

// `levels` arrays, one inside the other: 30,000 of them fit the default 64 KB message limit.
std::string nested(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

std::string zeros(std::size_t tokens) {
  std::string out;
  for (std::size_t i = 0; i < tokens; ++i) out += "/0";
  return out;
}

// Sends `text` as one frame and returns the error it is answered with (the first error from then on).
json error_for(Client& client, const std::string& text) {
  const std::size_t from = client.count();
  client.send_text(text);
  return client.wait_for([](const json& m) { return m["type"] == "error"; }, from);
}

void expect_still_answers(Client& client) {
  EXPECT_EQ(client.request({{"type", "ping"}})["type"], "ack");
}

TEST(WireInputs, MessagesNestedTooDeepAreRefusedAtTheirFirstTooDeepValue) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  const std::int64_t seq = chair->seq();
  const std::string deep = nested(30000);
  struct Case {
    std::string text;
    std::string field;
  };
  const std::vector<Case> cases = {
      // Where the schema allows no member at all, where it wants a string, and inside a command's object.
      {R"({"type": "ping", "id": "d1", "extra": )" + deep + "}", "/extra" + zeros(core::kMaxJsonDepth - 1)},
      {R"({"type": "ping", "id": )" + deep + "}", "/id" + zeros(core::kMaxJsonDepth - 1)},
      {R"({"type": "insert_slot", "id": "d3", "position": 0, "slot": {"id": "s99", "presenter": "p01", "title": )" +
           deep + "}}",
       "/slot/title" + zeros(core::kMaxJsonDepth - 2)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field.substr(0, 20));
    const json e = error_for(*chair, c.text);
    EXPECT_EQ(e["code"], "bad_message");
    EXPECT_EQ(e.value("field", ""), c.field);
    EXPECT_EQ(e["message"], "is nested more than 64 levels deep");
    expect_still_answers(*chair);
  }
  EXPECT_EQ(chair->seq(), seq);  // nothing happened
}

TEST(WireInputs, ANumberBeyondADoubleIsNotJson) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  for (const std::string& text :
       {std::string(
            R"({"type": "extend_timer", "id": "n1", "slot": "s01", "timer": "qa", "seconds": 1e400})"),
        std::string(R"({"type": "ping", "id": "n2", "x": -1e400})")}) {
    SCOPED_TRACE(text);
    const json e = error_for(*chair, text);
    EXPECT_EQ(e["code"], "bad_message");
    EXPECT_EQ(e["message"], "the message is not valid JSON");
    expect_still_answers(*chair);
  }
}

json insert_slot(const std::string& id) {
  return {{"type", "insert_slot"},
          {"slot", {{"id", id}, {"presenter", "p01"}, {"title", "区审计局"}}},
          {"position", 0}};
}

TEST(WireInputs, InsertSlotTakesOnlyIdsTheDefinitionCouldHold) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  const std::string longest(32, 's');
  for (const std::string& bad :
       {longest + "s", std::string("s\0", 2), std::string("s/1"), std::string("s\t1"), std::string("=1+2"),
        std::string("s 1"), std::string("段1")}) {
    SCOPED_TRACE(json(bad).dump());
    const json e = chair->request(insert_slot(bad));
    EXPECT_EQ(e["type"], "error");
    EXPECT_EQ(e["code"], "bad_message");
    EXPECT_EQ(e["field"], "/slot/id");
    EXPECT_EQ(e["message"], "must match the pattern ^[A-Za-z0-9_-]{1,32}$");
  }
  EXPECT_EQ(chair->view()["agenda"]["slots"].size(), hall.definition().agenda.size());
  EXPECT_EQ(chair->request(insert_slot(longest))["type"], "ack");
  EXPECT_EQ(chair->view()["agenda"]["slots"][0]["id"], longest);
}

}  // namespace
}  // namespace dais::test
