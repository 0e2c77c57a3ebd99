#include "core/definition.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "core/schema.hpp"
#include "test_definition_fixture.hpp"

namespace dais::core {
namespace {

using nlohmann::json;
using test::small_definition;
using ::testing::HasSubstr;

// Parses `doc` and expects it rejected at `field` with a message containing `why`.
void expect_rejected(const json& doc, const std::string& field, const std::string& why) {
  auto r = parse_definition(doc);
  ASSERT_FALSE(r.ok()) << "accepted, expected an error at " << field;
  EXPECT_EQ(r.error().code, ErrorCode::invalid);
  EXPECT_EQ(r.error().field, field) << r.error().message;
  EXPECT_THAT(r.error().message, HasSubstr(why));
}

TEST(Definition, SmallDefinitionParsesWithDefaults) {
  auto r = parse_definition(small_definition());
  ASSERT_TRUE(r.ok()) << r.error().field << ": " << r.error().message;
  const HearingDefinition& d = *r;
  EXPECT_EQ(d.title, "测试述责述廉会");
  ASSERT_EQ(d.participants.size(), 5u);
  EXPECT_TRUE(d.participants[3].roles.has(Role::voter));
  EXPECT_TRUE(d.participants[3].roles.has(Role::questioner));
  EXPECT_FALSE(d.participants[3].roles.has(Role::chair));
  ASSERT_EQ(d.agenda.size(), 2u);
  EXPECT_EQ(d.agenda[1].mode, ReportMode::written);
  EXPECT_EQ(d.agenda[1].report_limit_s, 480);  // default
  const BallotTemplate& t = d.ballot_templates.at(0);
  EXPECT_TRUE(t.anonymous);
  EXPECT_EQ(t.change, ChangePolicy::first_press);
  EXPECT_FALSE(t.dimensions.at(0).grades.at(2).valid);
  EXPECT_TRUE(t.dimensions.at(0).grades.at(0).valid);
  EXPECT_EQ(d.rules.at(0).flags.at(0).threshold, 0.6);
  EXPECT_FALSE(d.rules.at(0).dimension.has_value());
  EXPECT_EQ(d.settings.k_anonymity, 5);
  EXPECT_EQ(d.settings.quorum, (Fraction{2, 3}));
  EXPECT_EQ(d.settings.live_results, LiveResults::chair);
}

TEST(Definition, LookupsFindByIdOrReturnNull) {
  auto d = parse_definition(small_definition()).value();
  ASSERT_NE(d.participant("v2"), nullptr);
  EXPECT_EQ(d.participant("v2")->name, "赵六");
  EXPECT_EQ(d.participant("nobody"), nullptr);
  ASSERT_NE(d.slot("s2"), nullptr);
  EXPECT_EQ(d.slot("s2")->presenter, "p2");
  EXPECT_EQ(d.slot("s9"), nullptr);
  ASSERT_NE(d.ballot_template("t1"), nullptr);
  EXPECT_EQ(d.ballot_template("t2"), nullptr);
  ASSERT_NE(d.rule("r1"), nullptr);
  EXPECT_EQ(d.rule("r2"), nullptr);
  ASSERT_NE(d.voter_group("g2"), nullptr);
  EXPECT_EQ(d.voter_group("g2")->weight, 0.5);
  EXPECT_EQ(d.voter_group("g3"), nullptr);
}

TEST(Definition, TallyGroupIsTheFirstVoterGroup) {
  HearingDefinition d;
  d.voter_groups = {{"a", "甲", 1}, {"b", "乙", 1}};
  Participant p;
  p.groups = {"b", "a"};
  EXPECT_EQ(d.tally_group(p), "b");
  p.groups = {"not-a-group", "a"};
  EXPECT_EQ(d.tally_group(p), "a");
  p.groups = {};
  EXPECT_EQ(d.tally_group(p), "");
}

TEST(Definition, ToJsonRoundTrips) {
  auto first = parse_definition(small_definition());
  ASSERT_TRUE(first.ok());
  const json once = to_json(*first);
  auto second = parse_definition(once);
  ASSERT_TRUE(second.ok()) << second.error().field << ": " << second.error().message;
  EXPECT_EQ(to_json(*second), once);
  // Every field is written out, defaults included.
  EXPECT_EQ(once["agenda"][1]["report_limit_s"], 480);
  EXPECT_EQ(once["settings"]["quorum"], json::array({2, 3}));
  EXPECT_EQ(once["participants"][3]["roles"], json::array({"questioner", "voter"}));
}

TEST(Definition, SeedsParseAndRoundTrip) {
  for (const char* name : {"demo-hearing.json", "npc-satisfaction.json"}) {
    SCOPED_TRACE(name);
    auto r = parse_definition(test::seed(name));
    ASSERT_TRUE(r.ok()) << r.error().field << ": " << r.error().message;
    auto again = parse_definition(to_json(*r));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(to_json(*again), to_json(*r));
  }
}

TEST(Definition, DemoSeedHasTheHearingOfTheBrief) {
  auto d = parse_definition(test::seed("demo-hearing.json")).value();
  EXPECT_EQ(d.agenda.size(), 15u);
  int voters = 0, questioners = 0;
  for (const Participant& p : d.participants) {
    voters += p.roles.has(Role::voter) ? 1 : 0;
    questioners += p.roles.has(Role::questioner) ? 1 : 0;
  }
  EXPECT_EQ(voters, 150);
  EXPECT_EQ(questioners, 40);
  EXPECT_EQ(d.voter_groups.size(), 4u);
  EXPECT_EQ(d.settings.k_anonymity, 5);
  ASSERT_EQ(d.ballot_templates.size(), 2u);
  EXPECT_EQ(d.ballot_templates[0].dimensions.size(), 3u);
  EXPECT_EQ(d.ballot_templates[1].scope, BallotScope::combined);
  EXPECT_EQ(d.ballot_templates[1].change, ChangePolicy::until_close);
}

// --- Schema errors name the field ------------------------------------------------------------------------

TEST(DefinitionSchema, MissingRequiredField) {
  json d = small_definition();
  d.erase("title");
  expect_rejected(d, "/title", "is required");
}

TEST(DefinitionSchema, UnknownField) {
  json d = small_definition();
  d["agenda"][0]["speaker"] = "p1";
  expect_rejected(d, "/agenda/0/speaker", "is not an allowed field");
}

TEST(DefinitionSchema, UnknownEnumName) {
  json d = small_definition();
  d["agenda"][0]["mode"] = "spoken";
  expect_rejected(d, "/agenda/0/mode", R"(must be one of "oral", "written")");
  d = small_definition();
  d["participants"][0]["roles"] = {"chairman"};
  expect_rejected(d, "/participants/0/roles/0", "must be one of");
}

TEST(DefinitionSchema, DimensionsAndGradesAreBounded) {
  json d = small_definition();
  json& dims = d["ballot_templates"][0]["dimensions"];
  for (int i = 2; i <= 6; ++i) {
    json extra = dims[0];
    extra["id"] = "d" + std::to_string(i);
    dims.push_back(extra);
  }
  expect_rejected(d, "/ballot_templates/0/dimensions", "must have at most 5 items");
  d = small_definition();
  d["ballot_templates"][0]["dimensions"][0]["grades"] = json::parse(R"([{"id": "only", "label": "好"}])");
  expect_rejected(d, "/ballot_templates/0/dimensions/0/grades", "must have at least 2 items");
}

TEST(DefinitionSchema, IdPatternAndNameLengthInCharacters) {
  json d = small_definition();
  d["agenda"][0]["id"] = "s 1";
  expect_rejected(d, "/agenda/0/id", "must match the pattern");
  // 64 Chinese characters are 192 bytes but within the 64-character limit; 65 are not.
  std::string name;
  for (int i = 0; i < 64; ++i) name += "名";
  d = small_definition();
  d["participants"][1]["name"] = name;
  EXPECT_TRUE(parse_definition(d).ok());
  d["participants"][1]["name"] = name + "名";
  expect_rejected(d, "/participants/1/name", "at most 64 characters");
}

TEST(DefinitionSchema, DateAndTypes) {
  json d = small_definition();
  d["date"] = "2021-2-20";
  expect_rejected(d, "/date", "must match the pattern");
  d = small_definition();
  d["agenda"][0]["report_limit_s"] = "480";
  expect_rejected(d, "/agenda/0/report_limit_s", "must be an integer");
  d = small_definition();
  d["settings"]["k_anonymity"] = 0;
  expect_rejected(d, "/settings/k_anonymity", "must be at least 1");
  expect_rejected(json::array(), "", "must be an object");
}

// Every value of the file, nulled in turn, is reported at exactly its own path (nothing in the format is
// null).
TEST(DefinitionSchema, EveryFieldReportsItsOwnPath) {
  const json base = small_definition();
  const json flat = base.flatten();
  std::set<std::string> paths;
  for (const auto& [leaf, _] : flat.items()) {
    for (std::size_t cut = leaf.size(); cut != std::string::npos && cut > 0; cut = leaf.rfind('/', cut - 1)) {
      paths.insert(leaf.substr(0, cut));
    }
  }
  ASSERT_GT(paths.size(), 60u);
  for (const std::string& path : paths) {
    SCOPED_TRACE(path);
    json d = base;
    d[json::json_pointer(path)] = nullptr;
    auto r = parse_definition(d);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, path) << r.error().message;
  }
}

// --- Cross-references name the field and the id ----------------------------------------------------------

TEST(DefinitionReferences, DuplicateIds) {
  json d = small_definition();
  d["participants"][4]["id"] = "v1";
  expect_rejected(d, "/participants/4/id", "'v1' is used twice");
  d = small_definition();
  d["agenda"][1]["id"] = "s1";
  expect_rejected(d, "/agenda/1/id", "'s1' is used twice");
  d = small_definition();
  d["voter_groups"][1]["id"] = "g1";
  expect_rejected(d, "/voter_groups/1/id", "'g1' is used twice");
  d = small_definition();
  d["ballot_templates"].push_back(d["ballot_templates"][0]);
  expect_rejected(d, "/ballot_templates/1/id", "'t1' is used twice");
  d = small_definition();
  d["rules"].push_back(d["rules"][0]);
  expect_rejected(d, "/rules/1/id", "'r1' is used twice");
  d = small_definition();
  d["ballot_templates"][0]["dimensions"].push_back(d["ballot_templates"][0]["dimensions"][0]);
  expect_rejected(d, "/ballot_templates/0/dimensions/1/id", "'d1' is used twice");
  d = small_definition();
  d["ballot_templates"][0]["dimensions"][0]["grades"][2]["id"] = "good";
  expect_rejected(d, "/ballot_templates/0/dimensions/0/grades/2/id", "'good' is used twice");
}

TEST(DefinitionReferences, SlotPresenterMustExistAndPresent) {
  json d = small_definition();
  d["agenda"][1]["presenter"] = "p99";
  expect_rejected(d, "/agenda/1/presenter", "'p99' is not a participant");
  d = small_definition();
  d["agenda"][0]["presenter"] = "v1";
  expect_rejected(d, "/agenda/0/presenter", "'v1' does not hold the presenter role");
}

TEST(DefinitionReferences, ParticipantGroupsAreVoterGroups) {
  json d = small_definition();
  d["participants"][3]["groups"] = {"g1", "g9"};
  expect_rejected(d, "/participants/3/groups/1", "'g9' is not a voter group");
}

TEST(DefinitionReferences, TemplateRuleAndEligibleGroups) {
  json d = small_definition();
  d["ballot_templates"][0]["rule"] = "r9";
  expect_rejected(d, "/ballot_templates/0/rule", "'r9' is not a scoring rule");
  d = small_definition();
  d["ballot_templates"][0]["eligible_groups"] = {"g2", "g7"};
  expect_rejected(d, "/ballot_templates/0/eligible_groups/1", "'g7' is not a voter group");
}

TEST(DefinitionReferences, RuleDimensionAndGradesExistInTemplatesUsingIt) {
  json d = small_definition();
  d["rules"][0]["dimension"] = "d9";
  expect_rejected(d, "/rules/0/dimension", "'d9' is not a dimension of ballot template 't1'");
  d = small_definition();
  d["rules"][0]["satisfied_grades"] = {"good", "excellent"};
  expect_rejected(d, "/rules/0/satisfied_grades/1", "'excellent' is not a grade of ballot template 't1'");
  d = small_definition();
  d["rules"][0]["satisfied_grades"] = {"dk"};
  expect_rejected(d, "/rules/0/satisfied_grades/0", "'dk' does not count as a valid vote");
  d = small_definition();
  d["rules"][0]["shares"] =
      json::parse(R"([{"grades": ["good", "bad"], "op": "at_least", "share": [2, 3], "verdict": "廉洁"}])");
  expect_rejected(d, "/rules/0/shares/0/grades/1", "'bad' is not a grade of ballot template 't1'");
}

TEST(DefinitionReferences, FractionsAndWeights) {
  json d = small_definition();
  d["rules"][0]["shares"] =
      json::parse(R"([{"grades": ["good"], "op": "at_least", "share": [3, 2], "verdict": "x"}])");
  expect_rejected(d, "/rules/0/shares/0/share", "0 <= num <= den");
  d["rules"][0]["shares"][0]["share"] = {1, 0};
  expect_rejected(d, "/rules/0/shares/0/share", "0 <= num <= den");
  d = small_definition();
  d["settings"]["quorum"] = {0, 3};
  expect_rejected(d, "/settings/quorum", "0 < num <= den");
  d["settings"]["quorum"] = {4, 3};
  expect_rejected(d, "/settings/quorum", "0 < num <= den");
  d = small_definition();
  d["voter_groups"][1]["weight"] = 0;
  expect_rejected(d, "/voter_groups/1/weight", "must be greater than 0");
}

TEST(DefinitionReferences, SatisfactionNeedsSatisfiedGrades) {
  json d = small_definition();
  d["rules"][0]["satisfied_grades"] = json::array();
  expect_rejected(d, "/rules/0/satisfied_grades", "is required when the rule ranks or flags by satisfaction");
  d = small_definition();
  d["rules"][0]["flags"][0]["threshold"] = 60;
  expect_rejected(d, "/rules/0/flags/0/threshold", "between 0 and 1");
}

TEST(DefinitionReferences, WeightedRulesNeedEveryVoterInAGroup) {
  json d = small_definition();
  d["rules"][0]["weight_groups"] = true;
  d["participants"][4].erase("groups");
  expect_rejected(d, "/participants/4/groups", "voter 'v2' needs a voter group");
  d["ballot_templates"][0]["eligible_groups"] = {"g1"};  // v2 does not vote on this ballot at all
  EXPECT_TRUE(parse_definition(d).ok());
}

// --- What one questioner may submit ------------------------------------------------------------------------

TEST(DefinitionSettings, InquiriesPerAuthorDefaultsTo30AndIsBounded) {
  auto d = parse_definition(small_definition());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->settings.inquiries_per_author, 30);
  EXPECT_EQ(to_json(*d)["settings"]["inquiries_per_author"], 30);
  json doc = small_definition();
  for (int n : {1, 1000}) {
    doc["settings"]["inquiries_per_author"] = n;
    auto r = parse_definition(doc);
    ASSERT_TRUE(r.ok()) << n;
    EXPECT_EQ(r->settings.inquiries_per_author, n);
    EXPECT_EQ(parse_definition(to_json(*r))->settings.inquiries_per_author, n);
  }
  doc["settings"]["inquiries_per_author"] = 0;
  expect_rejected(doc, "/settings/inquiries_per_author", "must be at least 1");
  doc["settings"]["inquiries_per_author"] = 1001;
  expect_rejected(doc, "/settings/inquiries_per_author", "must be at most 1000");
  doc["settings"]["inquiries_per_author"] = 2.5;
  expect_rejected(doc, "/settings/inquiries_per_author", "must be an integer");
}

// --- Bounds on the document itself
// --------------------------------------------------------------------------

TEST(DefinitionSchema, NestingTooDeepIsRefusedWhereItStarts) {
  json d = small_definition();
  // Two equal groups 100,000 levels deep, which the uniqueItems check used to compare, recursing as deep.
  // Parsed from text: building them value by value would copy them, and copying recurses too.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  d["participants"][3]["groups"] = json::parse("[" + deep + ", " + deep + "]");
  std::string field = "/participants/3/groups/0";
  while (std::count(field.begin(), field.end(), '/') < static_cast<long>(kMaxJsonDepth)) field += "/0";
  expect_rejected(d, field, "is nested more than 64 levels deep");
}

// --- The id rule
// ---------------------------------------------------------------------------------------------

TEST(DefinitionIds, OneRuleAtItsBoundary) {
  const std::string longest(32, 'z');
  EXPECT_FALSE(check_id(longest, "/slot/id").has_value());
  EXPECT_FALSE(check_id("A-z_09", "/slot/id").has_value());
  for (const std::string& bad : {longest + "z", std::string(), std::string("s\0", 2), std::string("a/b"),
                                 std::string("a\tb"), std::string("=1+2"), std::string("s 1"),
                                 std::string("s1\n"), std::string("段1"), std::string("a.b")}) {
    SCOPED_TRACE(json(bad).dump());
    auto e = check_id(bad, "/slot/id");
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code, ErrorCode::invalid);
    EXPECT_EQ(e->field, "/slot/id");
    EXPECT_EQ(e->message, "must match the pattern ^[A-Za-z0-9_-]{1,32}$");
    // The definition refuses the same id.
    json d = small_definition();
    d["agenda"][1]["id"] = bad;
    expect_rejected(d, "/agenda/1/id", "must match the pattern");
  }
}

}  // namespace
}  // namespace dais::core
