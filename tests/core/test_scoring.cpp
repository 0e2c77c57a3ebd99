// The scoring rule families of DOMAIN.md, each against a table computed by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/tally.hpp"

namespace dais::core {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Dimension dimension(const DimensionId& id, std::vector<Grade> grades) {
  return Dimension{id, id, std::move(grades)};
}

// 满意 / 基本满意 / 不满意, plus 不了解, which is counted but is not a valid vote.
std::vector<Grade> satisfaction_scale() {
  return {{"manyi", "满意", 100, true},
          {"jiben", "基本满意", 60, true},
          {"bumanyi", "不满意", 0, true},
          {"buliaojie", "不了解", 0, false}};
}
std::vector<Grade> four_grades(double hao, double jiaohao, double yiban, double cha) {
  return {{"hao", "好", hao, true},
          {"jiaohao", "较好", jiaohao, true},
          {"yiban", "一般", yiban, true},
          {"cha", "差", cha, true}};
}
std::vector<Grade> integrity_scale() {
  return {{"lianjie", "廉洁", 100, true}, {"jiben", "基本廉洁", 60, true}, {"bulianjie", "不廉洁", 0, true}};
}

// A hall with `presenters` presenters (slots s1…), voters in groups, and one combined ballot over all slots.
class Hall {
 public:
  Hall(std::vector<Dimension> dims, ScoringRule rule, int presenters,
       std::vector<std::pair<VoterGroup, int>> groups = {{{"all", "全体", 1}, 100}}) {
    HearingDefinition& d = state.def;
    rule.id = "r";
    d.rules.push_back(rule);
    BallotTemplate t;
    t.id = "t";
    t.scope = BallotScope::combined;
    t.dimensions = std::move(dims);
    t.rule = "r";
    d.ballot_templates.push_back(t);
    for (int i = 1; i <= presenters; ++i) {
      const std::string n = std::to_string(i);
      d.participants.push_back(Participant{"p" + n, "述职人" + n, "", {}, {Role::presenter}, false});
      d.agenda.push_back(SlotDef{.id = "s" + n, .presenter = "p" + n, .title = "单位" + n});
      ballot.slots.push_back("s" + n);
    }
    for (const auto& [group, voters] : groups) {
      d.voter_groups.push_back(group);
      for (int i = 0; i < voters; ++i) {
        d.participants.push_back(
            Participant{group.id + "-" + std::to_string(i), "测评人", "", {group.id}, {Role::voter}, false});
      }
    }
    for (const SlotDef& s : d.agenda) {
      Slot slot;
      slot.def = s;
      state.agenda.push_back(slot);
    }
    state.index_participants();
    ballot.id = "B1";
    ballot.template_id = "t";
    ballot.eligible = eligible_voters(state, tpl());
  }

  const BallotTemplate& tpl() const { return state.def.ballot_templates.at(0); }

  // `n` sheets from `group` marking presenter `p` with one grade per dimension (in dimension order).
  void mark_each(int p, const std::vector<GradeId>& grades, int n, const GroupId& group = "") {
    BoxEntry entry;
    entry.group = group.empty() ? state.def.voter_groups.at(0).id : group;
    const SlotId slot = "s" + std::to_string(p);
    for (std::size_t i = 0; i < grades.size(); ++i)
      entry.marks[slot][tpl().dimensions.at(i).id] = {grades[i]};
    for (int i = 0; i < n; ++i) add_sheet(ballot.tally, tpl(), {slot}, entry, +1);
  }
  void mark(int p, const GradeId& grade, int n, const GroupId& group = "") {
    mark_each(p, {grade}, n, group);
  }
  // `n` sheets for presenter `p` whose (first) section is invalid: `marks` holds none or several grades.
  void mark_invalid(int p, const std::vector<GradeId>& marks, int n) {
    BoxEntry entry{state.def.voter_groups.at(0).id, {}};
    entry.marks["s" + std::to_string(p)][tpl().dimensions.at(0).id] = marks;
    for (int i = 0; i < n; ++i) add_sheet(ballot.tally, tpl(), {"s" + std::to_string(p)}, entry, +1);
  }

  BallotResult result() const { return score(state, ballot, ballot.tally); }
  PresenterResult of(int p) const {
    for (const PresenterResult& r : result().presenters) {
      if (r.slot == "s" + std::to_string(p)) return r;
    }
    ADD_FAILURE() << "no result for s" << p;
    return {};
  }

  HearingState state;
  Ballot ballot;
};

// --- Satisfaction rate -----------------------------------------------------------------------------------
//
//        满意  基本满意  不满意  不了解  invalid | valid  satisfied  rate   flags (<70% 提醒谈话, <60%
//        诫勉谈话)
//  P1     10      4        6       5       0    |  20      14      70%    —
//  P2      6      6        8      10       0    |  20      12      60%    提醒谈话
//  P3      5      5       10       0       2    |  20      10      50%    提醒谈话, 诫勉谈话
// 不了解 and invalid sections are outside the valid votes; exactly 70% / 60% are not "below".
ScoringRule satisfaction_rule() {
  ScoringRule r;
  r.satisfied_grades = {"manyi", "jiben"};
  r.flags = {{Metric::satisfaction, Comparison::less_than, 0.7, "提醒谈话"},
             {Metric::satisfaction, Comparison::less_than, 0.6, "诫勉谈话"}};
  r.rank_by = Metric::satisfaction;
  return r;
}

TEST(Scoring, SatisfactionRateExcludesDontKnowAndFlagsBelowThresholds) {
  Hall hall({dimension("d", satisfaction_scale())}, satisfaction_rule(), 3);
  hall.mark(1, "manyi", 10), hall.mark(1, "jiben", 4), hall.mark(1, "bumanyi", 6),
      hall.mark(1, "buliaojie", 5);
  hall.mark(2, "manyi", 6), hall.mark(2, "jiben", 6), hall.mark(2, "bumanyi", 8),
      hall.mark(2, "buliaojie", 10);
  hall.mark(3, "manyi", 5), hall.mark(3, "jiben", 5), hall.mark(3, "bumanyi", 10);
  hall.mark_invalid(3, {}, 1);
  hall.mark_invalid(3, {"manyi", "bumanyi"}, 1);

  const PresenterResult p1 = hall.of(1), p2 = hall.of(2), p3 = hall.of(3);
  EXPECT_EQ(p1.satisfaction, 0.7);
  EXPECT_EQ(p2.satisfaction, 0.6);
  EXPECT_EQ(p3.satisfaction, 0.5);
  EXPECT_THAT(p1.flags, IsEmpty());
  EXPECT_THAT(p2.flags, ElementsAre("提醒谈话"));
  EXPECT_THAT(p3.flags, ElementsAre("提醒谈话", "诫勉谈话"));

  const SectionResult& s1 = p1.dimensions.at(0);
  EXPECT_EQ(s1.cast, 25);
  EXPECT_EQ(s1.valid, 20);
  EXPECT_EQ(s1.invalid, 0);
  EXPECT_EQ(s1.counts.at("buliaojie"), 5);  // counted under its grade, not valid
  const SectionResult& s3 = p3.dimensions.at(0);
  EXPECT_EQ(s3.cast, 22);
  EXPECT_EQ(s3.valid, 20);
  EXPECT_EQ(s3.invalid, 2);

  // Ranked by satisfaction: 70% > 60% > 50%.
  EXPECT_EQ(p1.rank, 1);
  EXPECT_EQ(p2.rank, 2);
  EXPECT_EQ(p3.rank, 3);
}

// --- Grade points, averaged and banded ---------------------------------------------------------------------
//
//  好=100 较好=80 一般=60 差=0; bands ≥90 好, 75–89 较好, 60–74 一般, <60 差
//        好  较好  一般  差 | sum   n   average  band
//  P1     9    1     0    0 |  980  10    98      好
//  P2     5    3     2    0 |  860  10    86      较好
//  P3     0    5     5    0 |  700  10    70      一般
//  P4     2    2     2    4 |  480  10    48      差
//  P5     5    5     0    0 |  900  10    90      好     (boundary)
//  P6     9    0    10    1 | 1500  20    75      较好   (boundary)
ScoringRule band_rule(double top, double mid, double low) {
  ScoringRule r;
  r.bands = {{top, "好"}, {mid, "较好"}, {low, "一般"}};
  r.otherwise = "差";
  return r;
}

TEST(Scoring, GradePointsAveragedAndBanded) {
  Hall hall({dimension("d", four_grades(100, 80, 60, 0))}, band_rule(90, 75, 60), 6);
  hall.mark(1, "hao", 9), hall.mark(1, "jiaohao", 1);
  hall.mark(2, "hao", 5), hall.mark(2, "jiaohao", 3), hall.mark(2, "yiban", 2);
  hall.mark(3, "jiaohao", 5), hall.mark(3, "yiban", 5);
  hall.mark(4, "hao", 2), hall.mark(4, "jiaohao", 2), hall.mark(4, "yiban", 2), hall.mark(4, "cha", 4);
  hall.mark(5, "hao", 5), hall.mark(5, "jiaohao", 5);
  hall.mark(6, "hao", 9), hall.mark(6, "yiban", 10), hall.mark(6, "cha", 1);

  const std::vector<std::pair<double, std::string>> expected = {{98, "好"}, {86, "较好"}, {70, "一般"},
                                                                {48, "差"}, {90, "好"},   {75, "较好"}};
  for (int p = 1; p <= 6; ++p) {
    SCOPED_TRACE(p);
    EXPECT_DOUBLE_EQ(hall.of(p).points.value(), expected[static_cast<std::size_t>(p - 1)].first);
    EXPECT_EQ(hall.of(p).verdict, expected[static_cast<std::size_t>(p - 1)].second);
  }
  // Ranked by points: 98, 90, 86, 75, 70, 48.
  std::vector<SlotId> order;
  for (const auto& r : hall.result().presenters) order.push_back(r.slot);
  EXPECT_THAT(order, ElementsAre("s1", "s5", "s2", "s6", "s3", "s4"));
}

TEST(Scoring, BandsNeedNotBeListedHighestFirst) {
  ScoringRule r = band_rule(90, 75, 60);
  std::reverse(r.bands.begin(), r.bands.end());
  Hall hall({dimension("d", four_grades(100, 80, 60, 0))}, r, 2);
  hall.mark(1, "hao", 9), hall.mark(1, "jiaohao", 1);  // 98
  hall.mark(2, "yiban", 1);                            // 60
  EXPECT_EQ(hall.of(1).verdict, "好");
  EXPECT_EQ(hall.of(2).verdict, "一般");
}

// --- Weights 1.0 … 0.4 -------------------------------------------------------------------------------------
//
//  好=1.0 较好=0.8 一般=0.6 差=0.4; bands ≥0.9 好, ≥0.75 较好, ≥0.6 一般, else 差
//        好  较好  一般  差 | sum   n   average  band
//  P1     6    2     1    1 |  8.6  10   0.86     较好
//  P2     8    0     1    1 |  9.0  10   0.90     好     (boundary, in floating point)
//  P3     0    0     5    5 |  5.0  10   0.50     差
TEST(Scoring, FractionalWeightsAveragedAndBanded) {
  Hall hall({dimension("d", four_grades(1.0, 0.8, 0.6, 0.4))}, band_rule(0.9, 0.75, 0.6), 3);
  hall.mark(1, "hao", 6), hall.mark(1, "jiaohao", 2), hall.mark(1, "yiban", 1), hall.mark(1, "cha", 1);
  hall.mark(2, "hao", 8), hall.mark(2, "yiban", 1), hall.mark(2, "cha", 1);
  hall.mark(3, "yiban", 5), hall.mark(3, "cha", 5);
  EXPECT_NEAR(hall.of(1).points.value(), 0.86, 1e-12);
  EXPECT_NEAR(hall.of(2).points.value(), 0.90, 1e-12);
  EXPECT_NEAR(hall.of(3).points.value(), 0.50, 1e-12);
  EXPECT_EQ(hall.of(1).verdict, "较好");
  EXPECT_EQ(hall.of(2).verdict, "好");
  EXPECT_EQ(hall.of(3).verdict, "差");
}

// --- Share rule: 廉洁 ≥ 2/3, 不廉洁 > 1/3, otherwise 基本廉洁 ----------------------------------------------
//
//        廉洁  基本  不廉洁 invalid | valid  廉洁 share    不廉洁 share   verdict
//  P1     20     7     3      0    |  30    20/30 = 2/3    3/30          廉洁 (exactly 2/3)
//  P2     19     8     3      0    |  30    19/30 < 2/3    3/30          基本廉洁
//  P3     10    10    10      0    |  30    10/30          10/30 = 1/3   基本廉洁 (exactly 1/3 is not "more")
//  P4     10     9    11      0    |  30    10/30          11/30 > 1/3   不廉洁
//  P5     20     7     3      3    |  30    20/30 = 2/3    3/30          廉洁 (invalid sections are not valid
//  votes)
// Of the cast sections instead (P5: 20/33 < 2/3) the same marks give 基本廉洁.
ScoringRule integrity_rule(ShareBase base) {
  ScoringRule r;
  r.shares = {{{"lianjie"}, Comparison::at_least, {2, 3}, base, "廉洁"},
              {{"bulianjie"}, Comparison::more_than, {1, 3}, base, "不廉洁"}};
  r.otherwise = "基本廉洁";
  return r;
}

void integrity_table(Hall& hall) {
  const int table[5][4] = {{20, 7, 3, 0}, {19, 8, 3, 0}, {10, 10, 10, 0}, {10, 9, 11, 0}, {20, 7, 3, 3}};
  for (int p = 1; p <= 5; ++p) {
    const int* row = table[p - 1];
    hall.mark(p, "lianjie", row[0]), hall.mark(p, "jiben", row[1]), hall.mark(p, "bulianjie", row[2]);
    hall.mark_invalid(p, {}, row[3]);
  }
}

TEST(Scoring, ShareRuleWithExactBoundaries) {
  Hall hall({dimension("d", integrity_scale())}, integrity_rule(ShareBase::valid), 5);
  integrity_table(hall);
  EXPECT_EQ(hall.of(1).verdict, "廉洁");
  EXPECT_EQ(hall.of(2).verdict, "基本廉洁");
  EXPECT_EQ(hall.of(3).verdict, "基本廉洁");
  EXPECT_EQ(hall.of(4).verdict, "不廉洁");
  EXPECT_EQ(hall.of(5).verdict, "廉洁");
}

TEST(Scoring, ShareOfCastCountsInvalidSections) {
  Hall hall({dimension("d", integrity_scale())}, integrity_rule(ShareBase::cast), 5);
  integrity_table(hall);
  EXPECT_EQ(hall.of(1).verdict, "廉洁");
  EXPECT_EQ(hall.of(5).verdict, "基本廉洁");
}

// --- Majority of all members ---------------------------------------------------------------------------
//
// 40 members, 30 voted; half of the members is 20.
//        满意  基本满意  不满意 | 满意 > 20?   满意+基本 > 20?   verdict
//  P1     21      5        4   |    yes                          满意
//  P2     20      1        9   |    no          21: yes          基本满意
//  P3     15      5       10   |    no          20: no           不满意
// P3 has 20 of 30 valid votes satisfied (67%), but the 10 members who did not vote count against it.
// Of the valid votes instead, P3 (20/30 > 1/2) would be 基本满意.
ScoringRule majority_rule(ShareBase base) {
  ScoringRule r;
  r.shares = {{{"manyi"}, Comparison::more_than, {1, 2}, base, "满意"},
              {{"manyi", "jiben"}, Comparison::more_than, {1, 2}, base, "基本满意"}};
  r.otherwise = "不满意";
  return r;
}

TEST(Scoring, MajorityOfMembersCountsNonVoters) {
  for (ShareBase base : {ShareBase::members, ShareBase::valid}) {
    Hall hall({dimension("d", satisfaction_scale())}, majority_rule(base), 3,
              {{{"cwh", "常委会组成人员", 1}, 40}});
    ASSERT_EQ(hall.ballot.eligible, 40);
    for (int i = 0; i < 30; ++i) hall.ballot.voted.insert("cwh-" + std::to_string(i));
    hall.mark(1, "manyi", 21), hall.mark(1, "jiben", 5), hall.mark(1, "bumanyi", 4);
    hall.mark(2, "manyi", 20), hall.mark(2, "jiben", 1), hall.mark(2, "bumanyi", 9);
    hall.mark(3, "manyi", 15), hall.mark(3, "jiben", 5), hall.mark(3, "bumanyi", 10);
    EXPECT_EQ(hall.of(1).verdict, "满意");
    EXPECT_EQ(hall.of(2).verdict, base == ShareBase::members ? "基本满意" : "满意");
    EXPECT_EQ(hall.of(3).verdict, base == ShareBase::members ? "不满意" : "基本满意");
    const Turnout t = hall.result().turnout;
    EXPECT_EQ(t.voted, 30);
    EXPECT_EQ(t.eligible, 40);
    EXPECT_EQ(t.issued, 0);
  }
}

// --- Group weights 30 / 40 / 30 ------------------------------------------------------------------------
//
// P1      group      好  较好  一般  差 |  n   points   satisfied (好+较好)
//         领导班子     4    1     0    0 |  5   480/5  = 96    5/5   = 1.0
//         中层干部     5    3     2    0 | 10   860/10 = 86    8/10  = 0.8
//         职工群众     5    5     5    5 | 20  1200/20 = 60   10/20  = 0.5
// weighted points       = (30·96 + 40·86 + 30·60) / 100 = 81.2     (unweighted: 2540/35 = 72.571…)
// weighted satisfaction = (30·1.0 + 40·0.8 + 30·0.5) / 100 = 0.77  (unweighted: 23/35)
// P2: 领导班子 好 5 (100), 中层干部 一般 10 (60), no 职工群众 sheets: weights renormalised over 30 + 40:
// (30·100 + 40·60) / 70 = 77.142857…
std::vector<std::pair<VoterGroup, int>> three_groups() {
  return {
      {{"leaders", "领导班子", 30}, 5}, {{"middle", "中层干部", 40}, 10}, {{"staff", "职工群众", 30}, 20}};
}

void weighted_table(Hall& hall) {
  hall.mark(1, "hao", 4, "leaders"), hall.mark(1, "jiaohao", 1, "leaders");
  hall.mark(1, "hao", 5, "middle"), hall.mark(1, "jiaohao", 3, "middle"), hall.mark(1, "yiban", 2, "middle");
  for (const char* g : {"hao", "jiaohao", "yiban", "cha"}) hall.mark(1, g, 5, "staff");
  hall.mark(2, "hao", 5, "leaders"), hall.mark(2, "yiban", 10, "middle");
}

TEST(Scoring, GroupWeightsCombinePerGroupResults) {
  ScoringRule r = band_rule(90, 75, 60);
  r.satisfied_grades = {"hao", "jiaohao"};
  r.weight_groups = true;
  Hall hall({dimension("d", four_grades(100, 80, 60, 0))}, r, 2, three_groups());
  weighted_table(hall);
  EXPECT_NEAR(hall.of(1).points.value(), 81.2, 1e-9);
  EXPECT_NEAR(hall.of(1).satisfaction.value(), 0.77, 1e-9);
  EXPECT_EQ(hall.of(1).verdict, "较好");
  EXPECT_NEAR(hall.of(2).points.value(), 5400.0 / 70.0, 1e-9);
  EXPECT_EQ(hall.of(2).verdict, "较好");
  EXPECT_EQ(hall.of(1).dimensions.at(0).counts.at("hao"), 14);  // counts stay plain sums over groups

  r.weight_groups = false;
  Hall plain({dimension("d", four_grades(100, 80, 60, 0))}, r, 2, three_groups());
  weighted_table(plain);
  EXPECT_NEAR(plain.of(1).points.value(), 2540.0 / 35.0, 1e-9);
  EXPECT_NEAR(plain.of(1).satisfaction.value(), 23.0 / 35.0, 1e-9);
  EXPECT_EQ(plain.of(1).verdict, "一般");
}

// --- Several dimensions: pooled, or the rule's own dimension
// -------------------------------------------------
//
//        dimension  满意  不满意 | satisfaction
//  P1    zhuti        8      2   |  8/10
//        lianjie      4      6   |  4/10
//        pooled      12      8   | 12/20 = 0.6
TEST(Scoring, DimensionsPooledOrTheRulesOwn) {
  ScoringRule r = satisfaction_rule();
  std::vector<Dimension> dims = {dimension("zhuti", satisfaction_scale()),
                                 dimension("lianjie", satisfaction_scale())};
  Hall pooled(dims, r, 1);
  pooled.mark_each(1, {"manyi", "manyi"}, 4);
  pooled.mark_each(1, {"manyi", "bumanyi"}, 4);
  pooled.mark_each(1, {"bumanyi", "bumanyi"}, 2);
  EXPECT_EQ(pooled.of(1).satisfaction, 0.6);
  EXPECT_EQ(pooled.of(1).dimensions.at(0).satisfaction, 0.8);
  EXPECT_EQ(pooled.of(1).dimensions.at(1).satisfaction, 0.4);

  r.dimension = "lianjie";
  Hall own(dims, r, 1);
  own.mark_each(1, {"manyi", "manyi"}, 4);
  own.mark_each(1, {"manyi", "bumanyi"}, 4);
  own.mark_each(1, {"bumanyi", "bumanyi"}, 2);
  EXPECT_EQ(own.of(1).satisfaction, 0.4);
  EXPECT_THAT(own.of(1).flags, ElementsAre("提醒谈话", "诫勉谈话"));
}

// --- Invalid sections
// ----------------------------------------------------------------------------------------

TEST(Tally, AnInvalidSectionDoesNotSinkTheRestOfTheSheet) {
  Hall hall({dimension("a", four_grades(100, 80, 60, 0)), dimension("b", four_grades(100, 80, 60, 0))},
            band_rule(90, 75, 60), 2);
  hall.ballot.slots = {"s1", "s2"};
  auto cast = [&](Marks marks) {
    add_sheet(hall.ballot.tally, hall.tpl(), {"s1", "s2"}, BoxEntry{"all", marks}, +1);
  };
  cast({{"s1", {{"a", {"hao"}}, {"b", {}}}}, {"s2", {{"a", {"cha"}}, {"b", {"hao"}}}}});  // s1/b: none
  cast({{"s1", {{"a", {"hao"}}, {"b", {"hao", "cha"}}}},
        {"s2", {{"a", {"hao"}}, {"b", {"hao"}}}}});         // s1/b: two
  cast({{"s1", {{"a", {"nonsense"}}, {"b", {"yiban"}}}}});  // s1/a: no such grade; s2 missing entirely
  const Tally& t = hall.ballot.tally;
  EXPECT_EQ(t.sheets, 3);
  EXPECT_EQ(t.sections.at("s1").at("a").marks.at("hao").at("all"), 2);
  EXPECT_EQ(t.sections.at("s1").at("a").invalid.at("all"), 1);
  EXPECT_EQ(t.sections.at("s1").at("b").marks.at("yiban").at("all"), 1);
  EXPECT_EQ(t.sections.at("s1").at("b").invalid.at("all"), 2);
  EXPECT_EQ(t.sections.at("s2").at("a").invalid.at("all"), 1);
  EXPECT_EQ(t.sections.at("s2").at("b").invalid.at("all"), 1);
  EXPECT_EQ(t.sections.at("s2").at("b").marks.at("hao").at("all"), 2);

  const PresenterResult s1 = hall.of(1);
  EXPECT_EQ(s1.dimensions.at(0).valid, 2);
  EXPECT_EQ(s1.dimensions.at(0).invalid, 1);
  EXPECT_EQ(s1.dimensions.at(0).cast, 3);
  EXPECT_EQ(s1.dimensions.at(1).valid, 1);
  EXPECT_EQ(s1.dimensions.at(1).invalid, 2);
  EXPECT_DOUBLE_EQ(s1.points.value(), (100 + 100 + 60) / 3.0);  // pooled over the 3 valid marks
}

TEST(Tally, RemovingASheetRestoresTheTallyExactly) {
  Hall hall({dimension("d", satisfaction_scale())}, satisfaction_rule(), 2);
  hall.mark(1, "manyi", 3);
  const Tally before = hall.ballot.tally;
  const BoxEntry entry{"all", {{"s1", {{"d", {"buliaojie"}}}}, {"s2", {{"d", {}}}}}};
  add_sheet(hall.ballot.tally, hall.tpl(), {"s1", "s2"}, entry, +1);
  EXPECT_NE(hall.ballot.tally, before);
  add_sheet(hall.ballot.tally, hall.tpl(), {"s1", "s2"}, entry, -1);
  EXPECT_EQ(hall.ballot.tally, before);
  add_sheet(hall.ballot.tally, hall.tpl(), {"s1"}, BoxEntry{"all", {{"s1", {{"d", {"manyi"}}}}}}, -1);
  EXPECT_EQ(hall.ballot.tally.sections.at("s1").at("d").marks.at("manyi").at("all"), 2);
}

// --- Ranking
// -------------------------------------------------------------------------------------------------
//
//  agenda  points  rank
//  s1        80     2
//  s2        90     1
//  s3        80     2     (tie with s1; listed after it, in agenda order)
//  s4        —      5     (no valid votes: last)
//  s5        70     4
TEST(Scoring, RankingSharesRanksOnTiesInAgendaOrder) {
  Hall hall({dimension("d", four_grades(100, 80, 60, 0))}, band_rule(90, 75, 60), 5);
  hall.mark(1, "jiaohao", 2);
  hall.mark(2, "hao", 1), hall.mark(2, "jiaohao", 1);
  hall.mark(3, "hao", 1), hall.mark(3, "yiban", 1);
  hall.mark(5, "yiban", 1), hall.mark(5, "jiaohao", 1);
  std::vector<std::pair<SlotId, std::int64_t>> ranks;
  for (const auto& r : hall.result().presenters) ranks.emplace_back(r.slot, r.rank);
  using P = std::pair<SlotId, std::int64_t>;
  EXPECT_THAT(ranks, ElementsAre(P{"s2", 1}, P{"s1", 2}, P{"s3", 2}, P{"s5", 4}, P{"s4", 5}));
  EXPECT_EQ(hall.of(4).verdict, "");  // no sheets: no verdict yet
  EXPECT_FALSE(hall.of(4).points.has_value());

  // The chair moved s3 before s1: the tie is now listed the other way round.
  std::swap(hall.state.agenda[0], hall.state.agenda[2]);
  ranks.clear();
  for (const auto& r : hall.result().presenters) ranks.emplace_back(r.slot, r.rank);
  EXPECT_THAT(ranks, ElementsAre(P{"s2", 1}, P{"s3", 2}, P{"s1", 2}, P{"s5", 4}, P{"s4", 5}));
}

// --- Eligibility and turnout
// -----------------------------------------------------------------------------------

TEST(Tally, EligibilityFollowsRoleAndGroups) {
  Hall hall({dimension("d", satisfaction_scale())}, satisfaction_rule(), 1,
            {{{"a", "甲", 1}, 3}, {{"b", "乙", 1}, 2}});
  EXPECT_EQ(eligible_voters(hall.state, hall.tpl()), 5);
  EXPECT_TRUE(eligible(hall.state, hall.tpl(), "a-0"));
  EXPECT_FALSE(eligible(hall.state, hall.tpl(), "p1"));  // a presenter without the voter role
  EXPECT_FALSE(eligible(hall.state, hall.tpl(), "stranger"));
  hall.state.def.ballot_templates[0].eligible_groups = {"b"};
  EXPECT_EQ(eligible_voters(hall.state, hall.tpl()), 2);
  EXPECT_FALSE(eligible(hall.state, hall.tpl(), "a-0"));
  EXPECT_TRUE(eligible(hall.state, hall.tpl(), "b-1"));
}

TEST(Tally, TurnoutCountsVotedEligibleAndPresent) {
  Hall hall({dimension("d", satisfaction_scale())}, satisfaction_rule(), 1, {{{"a", "甲", 1}, 4}});
  hall.state.checked_in = {"a-0", "a-1", "a-2", "p1"};  // the presenter is present but no voter
  hall.ballot.voted = {"a-0", "a-1"};
  const Turnout t = hall.result().turnout;
  EXPECT_EQ(t.voted, 2);
  EXPECT_EQ(t.eligible, 4);
  EXPECT_EQ(t.present, 3);            // 实到: voters checked in
  EXPECT_EQ(t.issued, 3);             // 发出: of them, those eligible (all here)
  EXPECT_FALSE(t.valid.has_value());  // an open ballot's sheets are split into valid and invalid at close
}

}  // namespace
}  // namespace dais::core
