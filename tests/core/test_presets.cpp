// The presets the organizer's workspace starts a hearing from (seeds/presets/*.json): each one a name and a
// description in both languages and a definition the checker accepts as it stands, so that a new hearing made
// from a preset can be saved before anything is edited.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/definition.hpp"
#include "test_definition_fixture.hpp"

namespace dais::core {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> preset_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(DAIS_SOURCE_DIR) / "seeds" / "presets")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  return files;
}

void expect_both_languages(const nlohmann::json& text, const std::string& what) {
  for (const char* locale : {"zh-CN", "en"}) {
    ASSERT_TRUE(text.contains(locale) && text[locale].is_string()) << what << " lacks " << locale;
    EXPECT_FALSE(text[locale].get<std::string>().empty()) << what << " " << locale;
  }
}

TEST(Presets, EveryScoringPracticeHasOne) {
  std::set<std::string> names;
  for (const fs::path& file : preset_files()) names.insert(file.stem().string());
  for (const char* practice : {"integrity", "majority", "points", "satisfaction", "weighted"}) {
    EXPECT_TRUE(names.contains(practice)) << practice;
  }
}

TEST(Presets, EachIsNamedDescribedAndPassesTheChecker) {
  for (const fs::path& file : preset_files()) {
    SCOPED_TRACE(file.filename().string());
    const auto preset = nlohmann::json::parse(test::read_text(file.string()));
    expect_both_languages(preset.at("name"), "name");
    expect_both_languages(preset.at("description"), "description");
    auto def = parse_definition(preset.at("definition"));
    ASSERT_TRUE(def) << def.error().field << ": " << def.error().message;
    // A placeholder roster the organizer replaces: someone to chair, a hall screen, presenters with slots,
    // voters.
    const auto holding = [&](Role role) {
      return std::count_if(def->participants.begin(), def->participants.end(),
                           [&](const Participant& p) { return p.roles.has(role); });
    };
    EXPECT_GE(holding(Role::chair), 1);
    EXPECT_GE(holding(Role::display), 1);
    EXPECT_GE(holding(Role::presenter), 2);
    EXPECT_GE(holding(Role::voter), 3);
    EXPECT_GE(def->agenda.size(), 2U);
  }
}

TEST(Presets, WeightedPresetWeightsItsGroups) {
  const auto preset =
      nlohmann::json::parse(test::read_text(std::string(DAIS_SOURCE_DIR) + "/seeds/presets/weighted.json"));
  auto def = parse_definition(preset.at("definition"));
  ASSERT_TRUE(def);
  EXPECT_GE(def->voter_groups.size(), 2U);
  ASSERT_EQ(def->rules.size(), 1U);
  EXPECT_TRUE(def->rules[0].weight_groups);
}

}  // namespace
}  // namespace dais::core
