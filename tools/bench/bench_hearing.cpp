#include "bench/bench_hearing.hpp"

#include <cstdio>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace dais::bench {
namespace {

std::string numbered(const char* prefix, std::int64_t i, int width) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%0*lld", prefix, width, static_cast<long long>(i));
  return buf;
}

core::Participant person(std::string id, std::string name, core::RoleSet roles,
                         std::vector<std::string> groups = {}) {
  core::Participant p;
  p.id = std::move(id);
  p.name = std::move(name);
  p.roles = roles;
  p.groups = std::move(groups);
  return p;
}

core::BallotTemplate evaluation_template() {
  core::BallotTemplate t;
  t.id = kTemplate;
  t.title = "民主测评";
  t.scope = core::BallotScope::per_presenter;
  t.anonymous = true;
  t.change = core::ChangePolicy::first_press;
  t.rule = "points";
  const char* labels[] = {"好", "较好", "一般", "差"};
  const double points[] = {100, 80, 60, 0};
  for (const auto& [dim, label] :
       {std::pair{kDimensions[0], "履行全面从严治党主体责任"}, std::pair{kDimensions[1], "廉洁自律"}}) {
    core::Dimension d{dim, label, {}};
    for (std::size_t g = 0; g < kGrades.size(); ++g)
      d.grades.push_back({kGrades[g], labels[g], points[g], true});
    t.dimensions.push_back(d);
  }
  return t;
}

}  // namespace

std::string display_id(std::int64_t i) {
  return numbered("display-", i, 1);
}
std::string voter_id(std::int64_t i) {
  return numbered("v", i, 5);
}
std::string slot_id(std::int64_t i) {
  return numbered("S", i, 1);
}

core::HearingDefinition make_bench_hearing(const HearingSize& size) {
  using core::Role;
  core::HearingDefinition def;
  def.id = "bench";
  def.title = "负载测试全会";
  def.date = "2026-03-01";
  def.venue = "127.0.0.1";
  def.voter_groups = {{"members", "纪委委员", 0.3},
                      {"delegates", "党代表", 0.3},
                      {"deputies", "人大代表", 0.2},
                      {"citizens", "群众代表", 0.2}};
  def.participants.push_back(person(kChair, "主持人", {Role::chair}));
  def.participants.push_back(person(kSecretary, "工作人员", {Role::secretary}));
  def.participants.push_back(person(kQuestioner, "质询人", {Role::questioner}));
  def.participants.push_back(person(kScrutineer, "监票人", {Role::scrutineer}));
  for (std::int64_t i = 1; i <= size.displays; ++i)
    def.participants.push_back(person(display_id(i), "大屏", {Role::display}));
  for (std::int64_t i = 1; i <= size.presenters; ++i) {
    const auto id = numbered("p", i, 1);
    def.participants.push_back(person(id, "述职人" + std::to_string(i), {Role::presenter}));
    core::SlotDef slot;
    slot.id = slot_id(i);
    slot.presenter = id;
    slot.title = "单位" + std::to_string(i);
    def.agenda.push_back(slot);
  }
  for (std::int64_t i = 1; i <= size.voters; ++i) {
    const auto& group = def.voter_groups[static_cast<std::size_t>(i) % def.voter_groups.size()].id;
    def.participants.push_back(person(voter_id(i), "测评人" + std::to_string(i), {Role::voter}, {group}));
  }
  def.ballot_templates.push_back(evaluation_template());
  core::ScoringRule rule;
  rule.id = "points";
  rule.name = "分档计分";
  rule.satisfied_grades = {"good", "fair"};
  rule.bands = {{90, "好"}, {75, "较好"}, {60, "一般"}};
  rule.otherwise = "差";
  rule.rank_by = core::Metric::points;
  def.rules.push_back(rule);
  def.settings.live_results = core::LiveResults::chair_and_display;
  def.settings.k_anonymity = kBenchK;
  def.settings.voting_requires_check_in = false;
  def.settings.quorum = {
      1, 1000000};  // one voter present is enough: the scenarios are about voting, not check-in
  return def;
}

std::string bench_hearing_json(const HearingSize& size) {
  const auto doc = core::to_json(make_bench_hearing(size));
  auto parsed = core::parse_definition(doc);
  if (!parsed)
    throw std::runtime_error("bench hearing rejected at " + parsed.error().field + ": " +
                             parsed.error().message);
  return doc.dump(1) + "\n";
}

}  // namespace dais::bench
