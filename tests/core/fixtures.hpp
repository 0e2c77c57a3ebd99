#pragma once
// Hearings for engine tests, built in C++: a small definition with every kind of participant and ballot, and
// a TestHearing that runs commands with a fake clock and keeps every event for replay.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/engine.hpp"

namespace dais::core::testing {

// The two dimensions of make_definition()'s grade sheet.
inline const std::vector<DimensionId> kDims = {"duty", "integrity"};

struct FixtureOptions {
  int presenters = 3;
  int questioners = 3;  // questioners also vote, in the "members" group
  int voters = 6;       // plain voters, alternately "deputies" and "citizens"
  std::int64_t k = 3;
  bool voting_requires_check_in = true;
  LiveResults live_results = LiveResults::chair;
  ResultsRelease results = ResultsRelease::on_site;
  Fraction quorum{2, 3};
};

inline Dimension grade_dimension(const std::string& id, const std::string& label, bool with_unknown) {
  Dimension d{id,
              label,
              {{"good", "好", 100, true},
               {"fair", "较好", 80, true},
               {"average", "一般", 60, true},
               {"poor", "差", 0, true}}};
  if (with_unknown) d.grades.push_back({"unknown", "不了解", 0, false});
  return d;
}

inline Participant person(const std::string& id, const std::string& name, RoleSet roles,
                          std::vector<GroupId> groups = {}) {
  return Participant{id, name, "", std::move(groups), roles, false};
}

// Participants: chair, secretary, display, scrutineer, P1..Pn (presenters), Q1..Qq (questioner + voter,
// group members), V1..Vm (voters). Slots S1..Sn, every third one written. Templates: "each" (per presenter,
// anonymous, first press), "each_named" (per presenter, named, until close), "combined" (all presenters,
// anonymous, until close, 满意/基本满意/不满意) and "members_only" (per presenter, members group only).
inline HearingDefinition make_definition(const FixtureOptions& o = {}) {
  HearingDefinition d;
  d.id = "test-hearing";
  d.title = "测试区纪委全会述责述廉";
  d.date = "2021-02-05";
  d.venue = "区会议中心";
  d.voter_groups = {{"members", "纪委委员", 0.4}, {"deputies", "党代表", 0.3}, {"citizens", "群众代表", 0.3}};
  d.participants = {
      person("chair", "主持人", {Role::chair}), person("secretary", "记录员", {Role::secretary}),
      person("display", "大屏", {Role::display}), person("scrutineer", "监票人", {Role::scrutineer})};
  for (int i = 1; i <= o.presenters; ++i) {
    const std::string n = std::to_string(i);
    d.participants.push_back(person("P" + n, "述职人" + n, {Role::presenter}));
    const ReportMode mode = i % 3 == 0 ? ReportMode::written : ReportMode::oral;
    d.agenda.push_back(SlotDef{"S" + n, "P" + n, "单位" + n, mode, 480, 600});
  }
  for (int i = 1; i <= o.questioners; ++i) {
    const std::string n = std::to_string(i);
    d.participants.push_back(person("Q" + n, "质询人" + n, {Role::questioner, Role::voter}, {"members"}));
  }
  for (int i = 1; i <= o.voters; ++i) {
    const std::string n = std::to_string(i);
    d.participants.push_back(
        person("V" + n, "测评人" + n, {Role::voter}, {i % 2 == 0 ? "citizens" : "deputies"}));
  }
  const std::vector<Dimension> graded = {grade_dimension("duty", "履行全面从严治党主体责任", false),
                                         grade_dimension("integrity", "廉洁自律", true)};
  const Dimension satisfaction{"overall",
                               "总体评价",
                               {{"satisfied", "满意", 100, true},
                                {"basic", "基本满意", 60, true},
                                {"unsatisfied", "不满意", 0, true}}};
  d.ballot_templates = {
      {"each",
       "民主测评表",
       BallotScope::per_presenter,
       graded,
       true,
       ChangePolicy::first_press,
       {},
       "points"},
      {"each_named",
       "记名测评表",
       BallotScope::per_presenter,
       graded,
       false,
       ChangePolicy::until_close,
       {},
       "points"},
      {"combined",
       "满意度测评",
       BallotScope::combined,
       {satisfaction},
       true,
       ChangePolicy::until_close,
       {},
       "majority"},
      {"members_only",
       "委员测评",
       BallotScope::per_presenter,
       graded,
       true,
       ChangePolicy::first_press,
       {"members"},
       "points"},
  };
  ScoringRule points;
  points.id = "points";
  points.name = "分档计分";
  points.satisfied_grades = {"good", "fair"};
  points.bands = {{90, "好"}, {75, "较好"}, {60, "一般"}};
  points.otherwise = "差";
  points.flags = {{Metric::satisfaction, Comparison::less_than, 0.6, "约谈"}};
  points.rank_by = Metric::points;
  ScoringRule majority;
  majority.id = "majority";
  majority.name = "过半数";
  majority.satisfied_grades = {"satisfied", "basic"};
  majority.shares = {{{"satisfied"}, Comparison::more_than, {1, 2}, ShareBase::members, "满意"},
                     {{"satisfied", "basic"}, Comparison::more_than, {1, 2}, ShareBase::members, "基本满意"}};
  majority.otherwise = "不满意";
  majority.rank_by = Metric::satisfaction;
  d.rules = {points, majority};
  d.settings.k_anonymity = o.k;
  d.settings.voting_requires_check_in = o.voting_requires_check_in;
  d.settings.live_results = o.live_results;
  d.settings.results = o.results;
  d.settings.quorum = o.quorum;
  return d;
}

// A 64-hex-character receipt hash, distinct for each n.
inline std::string receipt(int n) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016x", static_cast<unsigned>(n));
  return std::string(48, 'a') + buf;
}

// The change tag a test voter's device makes (the server hashes the voter's id with the device's change key):
// 64 hex characters, distinct for each voter id of up to 31 characters.
inline std::string device_tag(const ParticipantId& voter) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (const char ch : voter) {
    const auto c = static_cast<unsigned char>(ch);
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  return std::string(64 - std::min<std::size_t>(hex.size(), 62), 'c') + hex.substr(0, 62);
}

// A cast as the voter's own device sends it: with that device's change tag unless the test chose one.
inline Command from_device(const ParticipantId& actor, Command cmd) {
  if (auto* sheet = std::get_if<CastSheet>(&cmd); sheet != nullptr && !sheet->change_tag)
    sheet->change_tag = device_tag(actor);
  return cmd;
}

// Marks the same grade in every dimension of the given slots.
inline Marks marks_for(const std::vector<SlotId>& slots, const std::vector<DimensionId>& dims,
                       const GradeId& grade) {
  Marks m;
  for (const SlotId& s : slots) {
    for (const DimensionId& d : dims) m[s][d] = {grade};
  }
  return m;
}

inline std::vector<std::string> ids_with_role(const HearingDefinition& def, Role role) {
  std::vector<std::string> out;
  for (const Participant& p : def.participants) {
    if (p.roles.has(role)) out.push_back(p.id);
  }
  return out;
}

// A hearing under test: commands run at a clock that moves 1 s per command unless told otherwise.
class TestHearing {
 public:
  explicit TestHearing(HearingDefinition def) : state(make_hearing(std::move(def))), initial(state) {}
  explicit TestHearing(const FixtureOptions& o = {}) : TestHearing(make_definition(o)) {}

  // Runs a command that must succeed; a failure is reported with its code and message.
  std::vector<Event> ok(const ParticipantId& actor, const Command& cmd) {
    now += 1000;
    auto r = execute(state, actor, from_device(actor, cmd), now);
    if (!r) {
      ADD_FAILURE() << actor << " " << command_name(cmd) << ": " << to_string(r.error().code) << " "
                    << r.error().message << " " << r.error().field;
      return {};
    }
    log.insert(log.end(), r->begin(), r->end());
    return *r;
  }

  // Runs a command that must fail, checks that nothing changed, and returns the error.
  Error fail(const ParticipantId& actor, const Command& cmd) {
    now += 1000;
    const HearingState before = state;
    auto r = execute(state, actor, from_device(actor, cmd), now);
    EXPECT_EQ(state, before) << "a refused command changed the state";
    if (r) {
      ADD_FAILURE() << actor << " " << command_name(cmd) << " succeeded but should have failed";
      return Error{};
    }
    return r.error();
  }

  void check_in_everyone() {
    for (const Participant& p : state.def.participants) {
      if (!state.checked_in.contains(p.id)) ok(p.id, CheckIn{});
    }
  }

  // Open check-in, everyone present, session started.
  void start() {
    ok("chair", OpenCheckIn{});
    check_in_everyone();
    ok("chair", StartSession{});
  }

  // Calls a slot and takes it to questioning.
  void to_questioning(const SlotId& slot) {
    ok("chair", CallSlot{slot});
    if (state.slot(slot)->def.mode == ReportMode::oral) ok("chair", BeginStage{slot, Stage::reporting});
    ok("chair", BeginStage{slot, Stage::questioning});
  }

  // Replays every event so far into a fresh hearing.
  HearingState replay() const {
    HearingState s = initial;
    for (const Event& e : log) apply(s, e);
    return s;
  }

  HearingState state;
  HearingState initial;
  std::vector<Event> log;  // every event, secret ones included, in order
  TimeMs now = 1'612'500'000'000;
};

}  // namespace dais::core::testing
