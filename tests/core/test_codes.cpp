// protocol/codes.json is the one list of error and close codes: the engine's enum, the server's lists and the
// error schema's `code` enum all say what it says. And each enum's one name table (core/names.hpp) says what
// the schemas list.
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <dais/codes.hpp>
#include <dais/schemas.hpp>
#include <nlohmann/json.hpp>

#include "core/names.hpp"
#include "core/result.hpp"
#include "core/view.hpp"

namespace dais::core {
namespace {

using nlohmann::json;

json codes_file() {
  std::ifstream in(std::string(DAIS_SOURCE_DIR) + "/protocol/codes.json");
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

TEST(Codes, TheErrorSchemaListsEveryCodeOfTheFileInItsOrder) {
  const json schema = json::parse(protocol::schema_files().at("error.schema.json"));
  const json file = codes_file();
  json names = json::array();
  for (const auto& e : file.at("errors")) names.push_back(e.at("name"));
  EXPECT_EQ(schema.at("properties").at("code").at("enum"), names);
  json compiled = json::array();
  for (auto name : protocol::kErrorCodes) compiled.push_back(std::string(name));
  EXPECT_EQ(compiled, names);
}

TEST(Codes, TheEnginesCodesAreItsEnumInTheFilesOrder) {
  const json file = codes_file();
  std::size_t engine = 0;
  for (const auto& e : file.at("errors")) {
    if (e.at("from") != "engine") {
      EXPECT_EQ(e.at("from"), "server") << e;
      continue;
    }
    EXPECT_EQ(to_string(static_cast<ErrorCode>(engine)), e.at("name").get<std::string>());
    ++engine;
  }
  EXPECT_EQ(engine, std::size(protocol::kEngineErrorCodes));
}

TEST(Codes, NamesAndNumbersAreUniqueAndEveryCodeIsExplained) {
  const json file = codes_file();
  std::set<std::string> names;
  for (const auto& e : file.at("errors")) {
    EXPECT_TRUE(names.insert(e.at("name")).second) << e;
    EXPECT_FALSE(e.at("meaning").get<std::string>().empty()) << e;
    EXPECT_FALSE(e.at("client").get<std::string>().empty()) << e;
  }
  std::set<int> numbers;
  std::set<std::string> close_names;
  for (const auto& c : file.at("closes")) {
    EXPECT_TRUE(numbers.insert(c.at("code").get<int>()).second) << c;
    EXPECT_TRUE(close_names.insert(c.at("name")).second) << c;
    EXPECT_FALSE(c.at("meaning").get<std::string>().empty()) << c;
    // A close that says an error names one of the list.
    if (c.contains("error")) {
      EXPECT_TRUE(names.contains(c.at("error"))) << c;
    }
  }
  EXPECT_EQ(protocol::close_code::too_slow, 4007);
  EXPECT_EQ(protocol::close_code::elsewhere, 4012);
}

template <class E>
json names_json() {
  json out = json::array();
  for (const auto& [value, name] : wire::names_of(E{})) {
    out.push_back(std::string(name));
    EXPECT_EQ(wire::value_named<E>(name), value) << name;
  }
  return out;
}

json schema_enum(const std::string& file, const std::string& pointer) {
  return json::parse(protocol::schema_files().at(file)).at(json::json_pointer(pointer)).at("enum");
}

TEST(EnumNames, EachTableSaysWhatItsSchemaLists) {
  const std::string def = "hearing-definition.schema.json";
  EXPECT_EQ(names_json<Role>(), schema_enum(def, "/$defs/participant/properties/roles/items"));
  EXPECT_EQ(names_json<SlotKind>(), schema_enum(def, "/$defs/slot/properties/kind"));
  EXPECT_EQ(names_json<ReportMode>(), schema_enum(def, "/$defs/slot/properties/mode"));
  EXPECT_EQ(names_json<BallotScope>(), schema_enum(def, "/$defs/ballot_template/properties/scope"));
  EXPECT_EQ(names_json<ChangePolicy>(), schema_enum(def, "/$defs/ballot_template/properties/change"));
  EXPECT_EQ(names_json<ShareBase>(), schema_enum(def, "/$defs/share_condition/properties/of"));
  EXPECT_EQ(names_json<Comparison>(), schema_enum(def, "/$defs/comparison"));
  EXPECT_EQ(names_json<Metric>(), schema_enum(def, "/$defs/metric"));
  EXPECT_EQ(names_json<LiveResults>(), schema_enum(def, "/$defs/settings/properties/live_results"));
  EXPECT_EQ(names_json<ResultsRelease>(), schema_enum(def, "/$defs/settings/properties/results"));
  EXPECT_EQ(names_json<DisplayMode>(), schema_enum("set_display.schema.json", "/properties/mode"));
  EXPECT_EQ(names_json<TimerKind>(), schema_enum("pause_timer.schema.json", "/properties/timer"));
  // A stage is begun forward only: the command names every stage but the first and skipped.
  json forward = names_json<Stage>();
  forward.erase(forward.begin());
  forward.erase(forward.end() - 1);
  EXPECT_EQ(forward, schema_enum("begin_stage.schema.json", "/properties/stage"));
  // Names the views send and no command or definition reads: each one once, both ways.
  for (const auto& names : {names_json<Phase>(), names_json<InquiryStatus>(), names_json<BallotStatus>()}) {
    EXPECT_EQ(std::set<json>(names.begin(), names.end()).size(), names.size()) << names;
  }
  for (Section s : kAllSections) EXPECT_NE(to_string(s), "unknown");
  EXPECT_EQ(to_string(Role::scrutineer), "scrutineer");
  EXPECT_EQ(role_from_string("display"), Role::display);
  EXPECT_EQ(role_from_string("nobody"), std::nullopt);
}

}  // namespace
}  // namespace dais::core
