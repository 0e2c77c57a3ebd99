// Section patches, without sockets: the patch turns the old copy into the new one for random sequences of
// section-shaped documents, and is sent only where it pays. The same sequences, written to
// client-web/tests/fixtures/section-patches.json, are applied by the web client's patcher in Vitest
// (client-web/tests/patch.test.ts), so server and client agree on every operation and pointer the server
// emits.
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "net/section_patch.hpp"

namespace dais::net {
namespace {

using nlohmann::json;

// Member names a pointer must escape ("/" → "~1", "~" → "~0"), and names in Chinese.
const char* const kNames[] = {"id", "name", "present", "a/b", "~x", "~1", "名单", "checked_in", "", "items"};

class Docs {
 public:
  explicit Docs(unsigned seed) : rng_(seed) {}

  json leaf() {
    switch (pick(6)) {
      case 0:
        return nullptr;
      case 1:
        return pick(2) == 0;
      case 2:
        return static_cast<int>(pick(2000)) - 1000;
      case 3:
        return "述职" + std::to_string(pick(100));
      case 4:
        return std::string(pick(4), 'x');
      default:
        return 0.5 * static_cast<double>(pick(8));
    }
  }

  json item(std::size_t id) {
    json o = {{"id", "P" + std::to_string(id)}};
    for (std::size_t i = 0, n = pick(4); i < n; ++i) o[kNames[pick(std::size(kNames))]] = leaf();
    return o;
  }

  json section() {
    json s = {{"present", pick(50)}, {"items", json::array()}, {"groups", json::object()}};
    for (std::size_t i = 0, n = pick(8); i < n; ++i) s["items"].push_back(item(next_id_++));
    for (std::size_t i = 0, n = pick(3); i < n; ++i) s["groups"][kNames[pick(std::size(kNames))]] = leaf();
    return s;
  }

  // One change of the kinds a hearing makes: a flag flips, a count moves, an item comes or goes (at the
  // end or in the middle), a member appears, disappears or changes type.
  json mutate(json s) {
    auto& items = s["items"];
    switch (pick(8)) {
      case 0:
        s["present"] = pick(50);
        break;
      case 1:
        items.push_back(item(next_id_++));
        break;
      case 2:
        if (!items.empty()) items.erase(items.begin() + static_cast<std::ptrdiff_t>(pick(items.size())));
        break;
      case 3:
        items.insert(items.begin() + static_cast<std::ptrdiff_t>(pick(items.size() + 1)), item(next_id_++));
        break;
      case 4:
        if (!items.empty()) items[pick(items.size())][kNames[pick(std::size(kNames))]] = leaf();
        break;
      case 5:
        if (!items.empty()) items[pick(items.size())].erase(kNames[pick(std::size(kNames))]);
        break;
      case 6:
        if (!s["groups"].is_object()) s["groups"] = json::object();
        s["groups"][kNames[pick(std::size(kNames))]] = pick(2) == 0 ? leaf() : json(item(next_id_++));
        break;
      default:
        s["groups"] = pick(2) == 0 ? json(json::array({leaf(), leaf()})) : json::object();
        break;
    }
    return s;
  }

 private:
  std::size_t pick(std::size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  std::mt19937 rng_;
  std::size_t next_id_ = 1;
};

// The operations the server sends for a change, whatever their size.
json ops(const json& before, const json& after) {
  return json::parse(*section_patch(KeptSection(before), KeptSection(after), SIZE_MAX, 0));
}

// Sequences of sections, each step with the ops that turn the one before into it.
json sequences() {
  json out = json::array();
  for (unsigned seed = 1; seed <= 12; ++seed) {
    Docs docs(seed);
    json steps = json::array();
    json before = docs.section();
    for (int i = 0; i < 15; ++i) {
      json after = docs.mutate(before);
      if (after == before) continue;
      steps.push_back({{"before", before}, {"after", after}, {"ops", ops(before, after)}});
      before = std::move(after);
    }
    out.push_back({{"seed", seed}, {"steps", steps}});
  }
  return out;
}

TEST(SectionPatch, TurnsTheOldCopyIntoTheNewForRandomSequences) {
  int patched = 0;
  for (unsigned seed = 100; seed < 160; ++seed) {
    Docs docs(seed);
    json held = docs.section();
    json current = held;
    for (int i = 0; i < 40; ++i) {
      json next = docs.mutate(current);
      if (next == current) continue;
      const std::size_t whole = wire_dump(current).size();
      ASSERT_EQ(KeptSection(current).whole(), wire_dump(current));
      if (auto patch = section_patch(KeptSection(current), KeptSection(next), whole, 0)) {
        held = held.patch(json::parse(*patch));
        ++patched;
      } else {
        held = next;  // sent whole
      }
      current = std::move(next);
      ASSERT_EQ(held, current) << "seed " << seed << " step " << i;
    }
  }
  EXPECT_GT(patched, 500);  // most single changes are small against the whole
}

TEST(SectionPatch, IsSentOnlyFromTheMinimumSizeOn) {
  const KeptSection before(json{{"present", 1}, {"items", json::array({1, 2, 3})}});
  const KeptSection after(json{{"present", 2}, {"items", json::array({1, 2, 3})}});
  EXPECT_EQ(section_patch(before, after, 999, 1000), std::nullopt);
  ASSERT_TRUE(section_patch(before, after, 1000, 1000).has_value());
  EXPECT_EQ(json::parse(*section_patch(before, after, 1000, 1000)),
            json::parse(R"([{"op":"replace","path":"/present","value":2}])"));
}

TEST(SectionPatch, IsSentOnlyWhenAtMostHalfTheWhole) {
  const KeptSection before(json{{"a/b", "x"}});
  const KeptSection after(json{{"a/b", "y"}});
  const std::string patch = *section_patch(before, after, SIZE_MAX, 0);
  EXPECT_NE(patch.find("/a~1b"), std::string::npos);  // the pointer escapes "/"
  EXPECT_EQ(section_patch(before, after, 2 * patch.size(), 0), patch);
  EXPECT_EQ(section_patch(before, after, 2 * patch.size() - 1, 0), std::nullopt);
}

// A patch goes as deep as a list's items: a change inside an item replaces that item, a list that grew gets
// the new items added at their places, one that shrank loses its last items, last first.
TEST(SectionPatch, ReplacesAChangedItemAndAddsAndRemovesAtTheEnd) {
  const json board = {{"present", 1},
                      {"participants", json::array({{{"id", "P1"}, {"checked_in", false}},
                                                    {{"id", "P2"}, {"checked_in", false}},
                                                    {{"id", "P3"}, {"checked_in", false}}})}};
  json checked = board;
  checked["participants"][1]["checked_in"] = true;
  checked["present"] = 2;
  EXPECT_EQ(ops(board, checked), json::parse(R"([
    {"op":"replace","path":"/participants/1","value":{"checked_in":true,"id":"P2"}},
    {"op":"replace","path":"/present","value":2}])"));
  json grown = board;
  grown["participants"].push_back({{"id", "P4"}});
  grown["participants"].push_back({{"id", "P5"}});
  EXPECT_EQ(ops(board, grown), json::parse(R"([
    {"op":"add","path":"/participants/3","value":{"id":"P4"}},
    {"op":"add","path":"/participants/4","value":{"id":"P5"}}])"));
  json shrunk = board;
  shrunk["participants"].erase(1);
  EXPECT_EQ(ops(board, shrunk), json::parse(R"([
    {"op":"replace","path":"/participants/1","value":{"checked_in":false,"id":"P3"}},
    {"op":"remove","path":"/participants/2"}])"));
  json emptied = board;
  emptied["participants"] = json::array();
  EXPECT_EQ(ops(board, emptied), json::parse(R"([
    {"op":"remove","path":"/participants/2"},
    {"op":"remove","path":"/participants/1"},
    {"op":"remove","path":"/participants/0"}])"));
  EXPECT_EQ(board.patch(ops(board, shrunk)), shrunk);
}

// The kept text is what the wire carries: escapes, Chinese and invalid UTF-8 (replaced) as wire_dump gives
// them, empty lists and objects, and a view that is not an object at all.
TEST(SectionPatch, TheKeptTextIsTheWireText) {
  const json views[] = {
      json::object(),
      json{{"名单", json::array()}, {"a\"b", "\x01"}, {"", json::object()}},
      json{{"bad", std::string("\xff\xfe ok")}, {"list", json::array({json::array({1}), nullptr, "x"})}},
      json::array({1, 2}),
      json(nullptr),
  };
  for (const json& view : views)
    EXPECT_EQ(KeptSection(view).whole(), wire_dump(view))
        << view.dump(-1, ' ', false, json::error_handler_t::replace);
  EXPECT_EQ(KeptSection(json{{"a", 1}}), KeptSection(json{{"a", 1}}));
  EXPECT_NE(KeptSection(json{{"a", json::array({1, 2})}}), KeptSection(json{{"a", json::array({12})}}));
  // Only objects are patched; anything else goes whole.
  EXPECT_EQ(section_patch(KeptSection(json::array({1})), KeptSection(json::array({2})), SIZE_MAX, 0),
            std::nullopt);
}

// The web client's Vitest reads these; regenerate with DAIS_WRITE_FIXTURES=1 after changing the generator.
TEST(SectionPatch, TheClientsFixtureIsCurrent) {
  const std::string path = std::string(DAIS_SOURCE_DIR) + "/client-web/tests/fixtures/section-patches.json";
  const std::string expected = sequences().dump(1) + "\n";
  if (std::getenv("DAIS_WRITE_FIXTURES") != nullptr) std::ofstream(path, std::ios::binary) << expected;
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), expected) << path << " is stale: run this test with DAIS_WRITE_FIXTURES=1";
}

}  // namespace
}  // namespace dais::net
