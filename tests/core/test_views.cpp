// Role-filtered views: who sees what, that nobody can tell how anyone voted on an anonymous ballot, and that
// an event changes no section or personal view it does not claim to touch.
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/view.hpp"
#include "fixtures.hpp"

namespace dais::core {
namespace {

using testing::kDims;

using nlohmann::json;
using testing::FixtureOptions;
using testing::marks_for;
using testing::receipt;
using testing::TestHearing;

json view_of(const TestHearing& h, Section s, Role r) {
  return section_view(h.state, s, RoleSet{r});
}

std::vector<RoleSet> role_sets() {
  std::vector<RoleSet> out;
  for (Role r : kAllRoles) out.push_back(RoleSet{r});
  out.push_back(RoleSet{Role::questioner, Role::voter});
  out.push_back(RoleSet{});
  return out;
}

// The quorum has one shape wherever it is sent: [num, den], as the definition writes it.
TEST(Views, TheQuorumHasTheDefinitionsShape) {
  FixtureOptions o;
  o.quorum = {3, 5};
  TestHearing h(o);
  const json attendance = view_of(h, Section::attendance, Role::voter);
  EXPECT_EQ(attendance.at("quorum"), json::array({3, 5}));
  const json hearing = view_of(h, Section::hearing, Role::chair);
  EXPECT_EQ(hearing.at("settings").at("quorum"), attendance.at("quorum"));
}

TEST(Views, EverySectionHasItsName) {
  TestHearing h;
  const json full = full_view(h.state, "V1");
  for (const char* name :
       {"hearing", "attendance", "agenda", "inquiries", "ballots", "tally", "results", "me"}) {
    EXPECT_TRUE(full.contains(name)) << name;
  }
  EXPECT_EQ(full.at("hearing").at("phase"), "draft");
  EXPECT_EQ(full.at("me").at("id"), "V1");
  EXPECT_TRUE(personal_view(h.state, "nobody").is_null());
}

TEST(Views, AttendanceNamesOnlyAtTheDesk) {
  TestHearing h;
  h.ok("chair", OpenCheckIn{});
  h.ok("V1", CheckIn{});
  for (Role r : kAllRoles) {
    const json a = view_of(h, Section::attendance, r);
    EXPECT_EQ(a.at("present"), 1);
    EXPECT_EQ(a.at("expected"), 9);
    const bool desk = r == Role::chair || r == Role::secretary;
    EXPECT_EQ(a.contains("participants"), desk) << to_string(r);
  }
  const json chair = view_of(h, Section::attendance, Role::chair);
  EXPECT_EQ(chair.dump().find("测评人1") != std::string::npos, true);
  EXPECT_EQ(view_of(h, Section::attendance, Role::display).dump().find("测评人1"), std::string::npos);
}

TEST(Views, AgendaTimersAreLimitUsedAndRunningSince) {
  TestHearing h;
  h.start();
  h.ok("chair", CallSlot{"S1"});
  h.ok("chair", BeginStage{"S1", Stage::reporting});
  const json slot = view_of(h, Section::agenda, Role::display).at("slots").at(0);
  EXPECT_EQ(slot.at("report"), (json{{"limit_ms", 480'000}, {"used_ms", 0}, {"running_since", h.now}}));
  EXPECT_EQ(slot.at("qa").at("running_since"), nullptr);
  EXPECT_EQ(slot.at("stage"), "reporting");
  EXPECT_EQ(slot.at("presenter").at("name"), "述职人1");
  EXPECT_EQ(view_of(h, Section::agenda, Role::voter).at("current_slot"), "S1");
}

TEST(Views, InquiriesByRole) {
  TestHearing h;
  h.ok("Q1", SubmitInquiry{"S1", "待审", std::nullopt});          // I1 stays submitted
  h.ok("Q1", SubmitInquiry{"S1", "不予采纳", std::nullopt});      // I2 rejected
  h.ok("Q2", SubmitInquiry{"S1", "已通过的问题", std::nullopt});  // I3 approved
  h.ok("chair", RejectInquiry{"I2", "重复提问"});
  h.ok("chair", ApproveInquiry{"I3"});
  h.ok("Q3", UpvoteInquiry{"I3"});
  auto ids_of = [](const json& section) {
    std::vector<std::string> ids;
    for (const json& q : section.at("items")) ids.push_back(q.at("id"));
    return ids;
  };
  for (Role r : {Role::chair, Role::secretary}) {
    const json v = view_of(h, Section::inquiries, r);
    EXPECT_EQ(ids_of(v), (std::vector<std::string>{"I1", "I2", "I3"})) << to_string(r);
    EXPECT_EQ(v.at("items").at(1).at("reject_reason"), "重复提问");
  }
  for (Role r : {Role::presenter, Role::questioner, Role::voter, Role::display, Role::scrutineer}) {
    const json v = view_of(h, Section::inquiries, r);
    EXPECT_EQ(ids_of(v), (std::vector<std::string>{"I3"})) << to_string(r);
    EXPECT_EQ(v.at("items").at(0).at("upvotes"), 1);
    EXPECT_FALSE(v.at("items").at(0).contains("upvoters")) << to_string(r);
    EXPECT_FALSE(v.at("items").at(0).contains("reject_reason")) << to_string(r);
    EXPECT_EQ(v.at("queues").at("S1"), (json{"I3"}));
  }
  EXPECT_EQ(view_of(h, Section::inquiries, Role::chair).at("items").at(2).at("upvoters"), (json{"Q3"}));

  // The author sees their own with status and reason; the presenter sees what was let through to them.
  const json q1 = personal_view(h.state, "Q1");
  ASSERT_EQ(q1.at("inquiries").size(), 2u);
  EXPECT_EQ(q1.at("inquiries").at(1).at("status"), "rejected");
  EXPECT_EQ(q1.at("inquiries").at(1).at("reject_reason"), "重复提问");
  EXPECT_EQ(personal_view(h.state, "Q3").at("upvoted"), (json{"I3"}));
  const json p1 = personal_view(h.state, "P1");
  ASSERT_EQ(p1.at("presenting").size(), 1u);
  EXPECT_EQ(ids_of(json{{"items", p1.at("presenting").at(0).at("inquiries")}}),
            (std::vector<std::string>{"I3"}));
  EXPECT_TRUE(personal_view(h.state, "P2").at("presenting").at(0).at("inquiries").empty());
}

TEST(Views, LiveTalliesFollowTheSetting) {
  struct Expect {
    LiveResults setting;
    std::set<Role> see;
  };
  const Expect cases[] = {
      {LiveResults::everyone, {kAllRoles, kAllRoles + 7}},
      {LiveResults::chair_and_display, {Role::chair, Role::display, Role::scrutineer}},
      {LiveResults::chair, {Role::chair, Role::scrutineer}},
      {LiveResults::nobody, {}},
  };
  for (const Expect& c : cases) {
    FixtureOptions o;
    o.live_results = c.setting;
    TestHearing h(o);
    h.start();
    h.ok("chair", CreateBallot{"each", "S1"});
    h.ok("chair", OpenBallot{"B1"});
    for (int i = 1; i <= 6; ++i) {  // two steps of k = 3: the first step's count shows
      h.ok("V" + std::to_string(i), CastSheet{"B1", marks_for({"S1"}, kDims, "good"), receipt(i)});
    }
    for (Role r : kAllRoles) {
      const json t = view_of(h, Section::tally, r);
      const bool sees = c.see.contains(r);
      EXPECT_EQ(t.at("visible"), sees) << to_string(r);
      ASSERT_EQ(t.at("ballots").size(), sees ? 1u : 0u) << to_string(r);
      if (sees) {
        EXPECT_EQ(t.at("ballots").at(0).at("sheets"), 3);
        EXPECT_EQ(t.at("ballots").at(0).at("sections").at("S1").at("duty").at("marks").at("good"), 3);
      }
    }
  }
}

TEST(Views, TurnoutIsPublicAndWhoVotedIsTheChairs) {
  TestHearing h;
  h.start();
  h.ok("chair", CreateBallot{"each", "S1"});
  EXPECT_EQ(view_of(h, Section::ballots, Role::display).at("items").at(0).at("turnout"),
            (json{{"expected", 9},
                  {"present", 9},
                  {"eligible", 9},
                  {"issued", 9},
                  {"voted", 0},
                  {"valid", nullptr},
                  {"invalid", nullptr}}));
  h.ok("chair", OpenBallot{"B1"});
  h.ok("V1", CastSheet{"B1", marks_for({"S1"}, kDims, "good"), receipt(1)});
  for (Role r : kAllRoles) {
    const json b = view_of(h, Section::ballots, r).at("items").at(0);
    EXPECT_EQ(b.at("turnout").at("voted"), 1);
    EXPECT_EQ(b.at("status"), "open");
    EXPECT_EQ(b.contains("voted"), r == Role::chair) << to_string(r);
    EXPECT_FALSE(b.contains("sheets"));  // anonymous: no sheets for anyone
  }
  const json me = personal_view(h.state, "V1");
  EXPECT_EQ(me.at("ballots"), (json{{{"ballot", "B1"}, {"voted", true}}}));
  EXPECT_EQ(personal_view(h.state, "V2").at("ballots").at(0).at("voted"), false);
  EXPECT_TRUE(personal_view(h.state, "chair").at("ballots").empty());  // not a voter
}

TEST(Views, NamedMarksForTheChairTheScrutineerAndTheVoterOnly) {
  TestHearing h;
  h.start();
  h.ok("chair", CreateBallot{"each_named", "S1"});
  h.ok("chair", OpenBallot{"B1"});
  h.ok("V1", CastSheet{"B1", marks_for({"S1"}, kDims, "poor"), receipt(1)});
  for (Role r : kAllRoles) {
    const json b = view_of(h, Section::ballots, r).at("items").at(0);
    const bool sees = r == Role::chair || r == Role::scrutineer;
    ASSERT_EQ(b.contains("sheets"), sees) << to_string(r);
    if (sees) {
      EXPECT_EQ(b.at("sheets").at(0).at("voter").at("id"), "V1");
      EXPECT_EQ(b.at("sheets").at(0).at("marks").at("S1").at("duty"), (json{"poor"}));
    }
  }
  EXPECT_EQ(personal_view(h.state, "V1").at("ballots").at(0).at("marks").at("S1").at("integrity"),
            (json{"poor"}));
  EXPECT_FALSE(personal_view(h.state, "V2").at("ballots").at(0).contains("marks"));
}

TEST(Views, ResultsByStatusAndRelease) {
  for (ResultsRelease release : {ResultsRelease::on_site, ResultsRelease::later}) {
    FixtureOptions o;
    o.results = release;
    TestHearing h(o);
    h.start();
    h.ok("chair", CreateBallot{"each", "S1"});
    h.ok("chair", OpenBallot{"B1"});
    for (int i = 1; i <= 3; ++i)  // k sheets
      h.ok("V" + std::to_string(i), CastSheet{"B1", marks_for({"S1"}, kDims, "good"), receipt(i)});
    for (Role r : kAllRoles)
      EXPECT_TRUE(view_of(h, Section::results, r).at("ballots").empty()) << to_string(r);
    h.ok("chair", CloseBallot{"B1"});
    auto seen_by = [&](Role r) { return !view_of(h, Section::results, r).at("ballots").empty(); };
    for (Role r : kAllRoles) {
      EXPECT_EQ(seen_by(r), r == Role::chair || r == Role::scrutineer) << to_string(r);
    }
    h.ok("chair", PublishBallot{"B1"});
    for (Role r : kAllRoles) {
      const bool official = r == Role::chair || r == Role::scrutineer;
      EXPECT_EQ(seen_by(r), release == ResultsRelease::on_site || official) << to_string(r);
    }
    const json result = view_of(h, Section::results, Role::chair).at("ballots").at(0);
    EXPECT_EQ(result.at("status"), "published");
    EXPECT_EQ(result.at("presenters").at(0).at("verdict"), "好");
    EXPECT_EQ(result.at("presenters").at(0).at("rank"), 1);
    EXPECT_EQ(result.at("presenters").at(0).at("presenter").at("name"), "述职人1");
  }
}

// Two hearings that differ only in which of two voters marked what on an anonymous ballot. The engine must
// make them indistinguishable to everyone: every view of every participant, the public snapshot and the log.
TEST(Secrecy, SwappingTwoAnonymousSheetsChangesNothingAnyoneCanSee) {
  FixtureOptions o;
  o.live_results = LiveResults::everyone;
  auto world = [&](const GradeId& v1, const GradeId& v2) {
    TestHearing h(o);
    h.start();
    h.ok("chair", CreateBallot{"each", "S1"});
    h.ok("chair", OpenBallot{"B1"});
    h.ok("V1", CastSheet{"B1", marks_for({"S1"}, kDims, v1), receipt(1)});
    h.ok("V3", CastSheet{"B1", marks_for({"S1"}, kDims, v2), receipt(3)});
    // k = 3: the count after V5 is held, and shows once three more sheets are in.
    h.ok("V5", CastSheet{"B1", marks_for({"S1"}, kDims, "average"), receipt(5)});
    for (const char* v : {"V2", "V4", "V6"})
      h.ok(v, CastSheet{"B1", marks_for({"S1"}, kDims, "fair"), receipt(v[1])});
    return h;
  };
  auto logged = [](const TestHearing& h) {
    json out = json::array();
    for (const Event& e : h.log) {
      if (!is_secret(e)) out.push_back(to_json(e));
    }
    return out.dump();
  };
  TestHearing a = world("good", "poor");
  TestHearing b = world("poor", "good");
  ASSERT_NE(a.state.ballots.at("B1").box, b.state.ballots.at("B1").box);  // the worlds do differ
  auto same_everywhere = [&](const char* when) {
    for (const Participant& p : a.state.def.participants) {
      EXPECT_EQ(full_view(a.state, p.id).dump(), full_view(b.state, p.id).dump()) << p.id << " " << when;
    }
    EXPECT_EQ(state_to_json(a.state, false).dump(), state_to_json(b.state, false).dump()) << when;
    EXPECT_EQ(logged(a), logged(b)) << when;
  };
  same_everywhere("while open");
  a.ok("chair", CloseBallot{"B1"});
  b.ok("chair", CloseBallot{"B1"});
  a.ok("chair", PublishBallot{"B1"});
  b.ok("chair", PublishBallot{"B1"});
  same_everywhere("after publishing");
}

TEST(Secrecy, ASingleSheetIsNotVisibleBeforeKSheets) {
  FixtureOptions o;
  o.live_results = LiveResults::everyone;
  TestHearing h(o);
  h.start();
  h.ok("chair", CreateBallot{"each", "S1"});
  h.ok("chair", OpenBallot{"B1"});
  std::map<ParticipantId, std::string> before;
  for (const Participant& p : h.state.def.participants)
    before[p.id] = full_view(h.state, p.id).at("tally").dump();
  h.ok("V1", CastSheet{"B1", marks_for({"S1"}, kDims, "poor"), receipt(1)});
  h.ok("V2", CastSheet{"B1", marks_for({"S1"}, kDims, "poor"), receipt(2)});
  for (const Participant& p : h.state.def.participants) {
    EXPECT_EQ(full_view(h.state, p.id).at("tally").dump(), before[p.id]) << p.id;
  }
}

// k changes by one voter must not move the live count: the log says whose changes they were.
TEST(Secrecy, OneVoterChangingKTimesDoesNotMoveTheLiveCount) {
  FixtureOptions o;
  o.live_results = LiveResults::everyone;
  TestHearing h(o);
  h.start();
  h.ok("chair", CreateBallot{"combined", std::nullopt});
  h.ok("chair", OpenBallot{"B1"});
  const std::vector<SlotId> all = {"S1", "S2", "S3"};
  for (int i = 1; i <= 6; ++i) {
    h.ok("V" + std::to_string(i), CastSheet{"B1", marks_for(all, {"overall"}, "basic"), receipt(i)});
  }
  const json after_six = section_view(h.state, Section::tally, RoleSet{Role::display});
  EXPECT_EQ(after_six.at("ballots").at(0).at("sheets"), 3);
  for (const char* grade : {"satisfied", "unsatisfied", "satisfied"}) {
    h.ok("V1", CastSheet{"B1", marks_for(all, {"overall"}, grade), receipt(1)});
  }
  EXPECT_EQ(section_view(h.state, Section::tally, RoleSet{Role::display}), after_six);
  EXPECT_EQ(h.state.ballots.at("B1").held->sheets, 6);  // and the changes made no step
}

// For every event of random hearings: the sections an event does not name, and the personal views of people
// it does not name, are the same before and after it, for every set of roles.
TEST(Touched, EventsChangeOnlyWhatTheyDeclare) {
  for (std::uint32_t seed : {7u}) {
    TestHearing h;
    std::mt19937 rng(seed);
    // A scripted hearing with a random walk of votes and inquiries on top.
    h.ok("Q1", SubmitInquiry{"S1", "会前提交", std::nullopt});
    h.ok("chair", OpenCheckIn{});
    std::vector<std::pair<ParticipantId, Command>> script;
    for (const Participant& p : h.state.def.participants) {
      if (p.id != "V6") script.push_back({p.id, CheckIn{}});  // V6 comes late, after a ballot closed
    }
    script.push_back({"chair", StartSession{}});
    script.push_back({"chair", ApproveInquiry{"I1"}});
    script.push_back({"chair", CreateBallot{"each", "S1"}});
    script.push_back({"chair", CreateBallot{"each_named", "S2"}});
    script.push_back({"chair", CallSlot{"S1"}});
    script.push_back({"chair", BeginStage{"S1", Stage::reporting}});
    script.push_back({"chair", BeginStage{"S1", Stage::questioning}});
    script.push_back({"chair", AskInquiry{"I1"}});
    script.push_back({"Q2", SubmitInquiry{"S1", "追问", "I1"}});
    script.push_back({"Q3", UpvoteInquiry{"I1"}});
    script.push_back({"chair", ApproveInquiry{"I2"}});
    script.push_back({"secretary", RecordCommitment{"I1", "整改", "2021-04-30"}});
    script.push_back({"secretary", AnswerInquiry{"I1", "答复"}});
    script.push_back({"chair", OpenBallot{"B1"}});
    script.push_back({"chair", OpenBallot{"B2"}});
    const char* grades[] = {"good", "fair", "average", "poor"};
    int sheet = 0;
    for (const Participant& p : h.state.def.participants) {
      if (!p.roles.has(Role::voter) || p.id == "V6") continue;
      script.push_back(
          {p.id, CastSheet{"B1", marks_for({"S1"}, kDims, grades[rng() % 4]), receipt(++sheet)}});
      script.push_back(
          {p.id, CastSheet{"B2", marks_for({"S2"}, kDims, grades[rng() % 4]), receipt(++sheet)}});
    }
    script.push_back({"chair", CloseBallot{"B1"}});
    script.push_back({"chair", PublishBallot{"B1"}});
    script.push_back({"V6", CheckIn{}});
    script.push_back({"chair", ReorderAgenda{{"S2", "S1", "S3"}}});
    script.push_back({"chair", VoidBallot{"B2", "重新表决"}});
    script.push_back({"chair", RevokeToken{"V2"}});
    script.push_back({"chair", PauseSession{}});
    script.push_back({"chair", ResumeSession{}});
    script.push_back({"chair", CallSlot{"S2"}});
    script.push_back({"chair", Adjourn{}});

    for (const auto& [actor, cmd] : script) {
      h.now += 1000;
      auto events = decide(h.state, actor, cmd, h.now);
      ASSERT_TRUE(events) << command_name(cmd) << ": " << events.error().message;
      for (const Event& e : *events) {
        const HearingState before = h.state;
        apply(h.state, e);
        const SectionMask mask = sections_touched(e.body);
        for (const RoleSet& roles : role_sets()) {
          for (Section s : kAllSections) {
            if ((mask & mask_of(s)) != 0) continue;
            EXPECT_EQ(section_view(before, s, roles), section_view(h.state, s, roles))
                << event_name(e.body) << " changed " << to_string(s) << " without saying so";
          }
        }
        const auto people = personal_touched(h.state, e.body);
        for (const Participant& p : h.state.def.participants) {
          if (std::find(people.begin(), people.end(), p.id) != people.end()) continue;
          EXPECT_EQ(personal_view(before, p.id), personal_view(h.state, p.id))
              << event_name(e.body) << " changed the personal view of " << p.id << " without saying so";
        }
      }
    }
  }
}

}  // namespace
}  // namespace dais::core
