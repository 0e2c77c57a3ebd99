#include "core/tally.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace dais::core {

namespace {

// Adds `delta` to a count and drops it when it reaches zero, so that adding and then removing a sheet gives
// back exactly the tally before (tallies are compared and serialised byte for byte).
template <class Map, class Key>
void bump(Map& counts, const Key& key, std::int64_t delta) {
  auto& value = counts[key];
  value += delta;
  if (value == 0) counts.erase(key);
}

bool is_grade_of(const Dimension& d, const GradeId& g) {
  return std::any_of(d.grades.begin(), d.grades.end(), [&](const Grade& x) { return x.id == g; });
}

// The grades a sheet marks in one section, or nothing when it leaves the section out.
const std::vector<GradeId>* marked_in(const Marks& marks, const SlotId& slot, const DimensionId& dim) {
  const auto s = marks.find(slot);
  if (s == marks.end()) return nullptr;
  const auto d = s->second.find(dim);
  return d == s->second.end() ? nullptr : &d->second;
}

// A section counts when exactly one grade of its dimension is marked; anything else is invalid on its own.
bool valid_section(const Dimension& dim, const std::vector<GradeId>* marked) {
  return marked != nullptr && marked->size() == 1 && is_grade_of(dim, marked->front());
}

}  // namespace

void add_sheet(Tally& tally, const BallotTemplate& tpl, const std::vector<SlotId>& slots,
               const BoxEntry& entry, int sign) {
  const std::int64_t delta = sign;
  for (const SlotId& slot : slots) {
    for (const Dimension& dim : tpl.dimensions) {
      const std::vector<GradeId>* marked = marked_in(entry.marks, slot, dim.id);
      auto& section = tally.sections[slot][dim.id];
      if (valid_section(dim, marked)) {
        auto& by_group = section.marks[marked->front()];
        bump(by_group, entry.group, delta);
        if (by_group.empty()) section.marks.erase(marked->front());
      } else {
        bump(section.invalid, entry.group, delta);
      }
      if (section.marks.empty() && section.invalid.empty()) tally.sections[slot].erase(dim.id);
    }
    if (tally.sections[slot].empty()) tally.sections.erase(slot);
  }
  tally.sheets += delta;
}

Tally summed_over_groups(const Tally& tally) {
  Tally out;
  out.sheets = tally.sheets;
  for (const auto& [slot, dims] : tally.sections) {
    for (const auto& [dim, section] : dims) {
      SectionTally& folded = out.sections[slot][dim];
      for (const auto& [grade, by_group] : section.marks) {
        for (const auto& [group, n] : by_group) folded.marks[grade][GroupId{}] += n;
      }
      for (const auto& [group, n] : section.invalid) folded.invalid[GroupId{}] += n;
    }
  }
  return out;
}

GroupId sheet_group(const HearingState& state, const BallotTemplate& tpl, const Participant& voter) {
  const ScoringRule* rule = state.def.rule(tpl.rule);
  return rule != nullptr && rule->weight_groups ? state.def.tally_group(voter) : GroupId{};
}

bool takes_paper(const HearingState&, const BallotTemplate& tpl) {
  return tpl.anonymous;
}

std::vector<GroupId> paper_groups(const HearingState& state, const BallotTemplate& tpl) {
  const ScoringRule* rule = state.def.rule(tpl.rule);
  if (rule == nullptr || !rule->weight_groups) return {};
  if (!tpl.eligible_groups.empty()) return tpl.eligible_groups;
  std::vector<GroupId> all;
  for (const VoterGroup& g : state.def.voter_groups) all.push_back(g.id);
  return all;
}

namespace {

bool eligible_participant(const Participant& p, const BallotTemplate& tpl) {
  if (!p.roles.has(Role::voter)) return false;
  if (tpl.eligible_groups.empty()) return true;
  return std::any_of(p.groups.begin(), p.groups.end(), [&](const GroupId& g) {
    return std::find(tpl.eligible_groups.begin(), tpl.eligible_groups.end(), g) != tpl.eligible_groups.end();
  });
}

}  // namespace

std::int64_t eligible_voters(const HearingState& state, const BallotTemplate& tpl) {
  const auto& people = state.def.participants;
  return std::count_if(people.begin(), people.end(),
                       [&](const Participant& p) { return eligible_participant(p, tpl); });
}

bool eligible(const Participant& voter, const BallotTemplate& tpl) {
  return eligible_participant(voter, tpl);
}

bool eligible(const HearingState& state, const BallotTemplate& tpl, const ParticipantId& voter) {
  const Participant* p = state.participant(voter);
  return p != nullptr && eligible_participant(*p, tpl);
}

// ---------------------------------------------------------------------------------------------------------
// Counts

Roll roll_now(const HearingState& state, const BallotTemplate& tpl) {
  const auto& people = state.def.participants;
  const std::int64_t issued = std::count_if(people.begin(), people.end(), [&](const Participant& p) {
    return state.checked_in.contains(p.id) && eligible_participant(p, tpl);
  });
  return Roll{state.expected_voters(), state.present_voters(), issued};
}

bool valid_sheet(const BallotTemplate& tpl, const std::vector<SlotId>& slots, const Marks& marks) {
  return std::any_of(slots.begin(), slots.end(), [&](const SlotId& slot) {
    return std::any_of(tpl.dimensions.begin(), tpl.dimensions.end(), [&](const Dimension& dim) {
      return valid_section(dim, marked_in(marks, slot, dim.id));
    });
  });
}

Turnout turnout_of(const HearingState& state, const Ballot& ballot, const Roll& now) {
  const Roll roll = ballot.roll_at_close.value_or(now);
  Turnout t;
  t.expected = roll.expected;
  t.present = roll.present;
  t.issued = roll.issued;
  t.voted = static_cast<std::int64_t>(ballot.voted.size());
  const BallotTemplate* tpl = state.def.ballot_template(ballot.template_id);
  // Until it opens, a ballot's electorate is who would be eligible now.
  t.eligible = ballot.status == BallotStatus::pending && tpl != nullptr ? eligible_voters(state, *tpl)
                                                                        : ballot.eligible;
  // Valid and invalid are counted from the close on, and never for a voided ballot: its box stays unread, as
  // its count does, since a void right after one more sheet would otherwise say whether that sheet was blank.
  const bool counted = ballot.status == BallotStatus::closed || ballot.status == BallotStatus::published;
  if (tpl == nullptr || !counted) return t;
  // Paper sheets are told apart in the count from the close on (while open only the desk sees them), and a
  // paper sheet never entered never came back.
  t.paper = static_cast<std::int64_t>(ballot.paper_counted.size());
  t.voted -= static_cast<std::int64_t>(ballot.paper_takers.size()) - t.paper;
  std::int64_t valid = 0;
  for (const auto& [key, entry] : ballot.box) valid += valid_sheet(*tpl, ballot.slots, entry.marks) ? 1 : 0;
  for (const auto& [key, entry] : ballot.named) valid += valid_sheet(*tpl, ballot.slots, entry.marks) ? 1 : 0;
  t.valid = valid;
  t.invalid = t.voted - valid;
  return t;
}

std::vector<ParticipantId> not_submitted(const HearingState& state, const Ballot& ballot) {
  std::vector<ParticipantId> out;
  const BallotTemplate* tpl = state.def.ballot_template(ballot.template_id);
  if (tpl == nullptr || ballot.status != BallotStatus::open) return out;
  for (const Participant& p : state.def.participants) {
    if (state.checked_in.contains(p.id) && !ballot.voted.contains(p.id) && eligible_participant(p, *tpl)) {
      out.push_back(p.id);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Scoring

namespace {

// Floating results (averages, weighted combinations) are compared with a tolerance far below any threshold's
// precision, so that 0.6 computed through weights still counts as 60%. Share rules compare exact integers.
constexpr double kEpsilon = 1e-9;

bool holds(double value, Comparison op, double threshold) {
  switch (op) {
    case Comparison::at_least:
      return value >= threshold - kEpsilon;
    case Comparison::more_than:
      return value > threshold + kEpsilon;
    case Comparison::less_than:
      return value < threshold - kEpsilon;
    case Comparison::at_most:
      return value <= threshold + kEpsilon;
  }
  return false;
}

// count/base OP num/den, compared as count*den OP num*base.
bool holds(std::int64_t count, std::int64_t base, Comparison op, const Fraction& f) {
  const std::int64_t lhs = count * f.den;
  const std::int64_t rhs = f.num * base;
  switch (op) {
    case Comparison::at_least:
      return lhs >= rhs;
    case Comparison::more_than:
      return lhs > rhs;
    case Comparison::less_than:
      return lhs < rhs;
    case Comparison::at_most:
      return lhs <= rhs;
  }
  return false;
}

bool contains(const std::vector<GradeId>& grades, const GradeId& g) {
  return std::find(grades.begin(), grades.end(), g) != grades.end();
}

// Sums over the sections a rule reads, for one group or (group == nullptr) all of them.
struct Sums {
  std::int64_t cast = 0;
  std::int64_t valid = 0;
  std::int64_t invalid = 0;
  std::int64_t satisfied = 0;
  double points = 0;  // sum of points over valid marks
  std::map<GradeId, std::int64_t> counts;
};

void add_section(Sums& sums, const Dimension& dim, const SectionTally* section, const ScoringRule& rule,
                 const GroupId* group) {
  if (section == nullptr) return;
  for (const auto& [grade_id, by_group] : section->marks) {
    std::int64_t n = 0;
    if (group == nullptr) {
      for (const auto& [g, c] : by_group) n += c;
    } else if (auto it = by_group.find(*group); it != by_group.end()) {
      n = it->second;
    }
    if (n == 0) continue;
    sums.cast += n;
    sums.counts[grade_id] += n;
    const GradeId& id = grade_id;  // clang 14 (the fuzz build) cannot capture a structured binding
    auto grade =
        std::find_if(dim.grades.begin(), dim.grades.end(), [&id](const Grade& x) { return x.id == id; });
    if (grade == dim.grades.end() || !grade->valid) continue;
    sums.valid += n;
    sums.points += grade->points * static_cast<double>(n);
    if (contains(rule.satisfied_grades, grade_id)) sums.satisfied += n;
  }
  for (const auto& [g, c] : section->invalid) {
    if (group == nullptr || g == *group) {
      sums.invalid += c;
      sums.cast += c;
    }
  }
}

struct Metrics {
  std::optional<double> satisfaction;
  std::optional<double> points;
};

Metrics metrics_of(const Sums& s, const ScoringRule& rule) {
  Metrics m;
  if (s.valid == 0) return m;
  const auto valid = static_cast<double>(s.valid);
  if (!rule.satisfied_grades.empty()) m.satisfaction = static_cast<double>(s.satisfied) / valid;
  m.points = s.points / valid;
  return m;
}

const SectionTally* section_of(const Tally& tally, const SlotId& slot, const DimensionId& dim) {
  auto s = tally.sections.find(slot);
  if (s == tally.sections.end()) return nullptr;
  auto d = s->second.find(dim);
  return d == s->second.end() ? nullptr : &d->second;
}

class Scorer {
 public:
  Scorer(const HearingState& state, const Ballot& ballot, const Tally& tally, const BallotTemplate& tpl,
         const ScoringRule& rule)
      : state_(state), ballot_(ballot), tally_(tally), tpl_(tpl), rule_(rule) {}

  PresenterResult presenter(const SlotId& slot) const {
    PresenterResult r;
    r.slot = slot;
    if (const Slot* s = state_.slot(slot)) {
      r.presenter = s->def.presenter;
    } else if (const SlotDef* d = state_.def.slot(slot)) {
      r.presenter = d->presenter;
    }
    std::vector<const Dimension*> scope;
    for (const Dimension& dim : tpl_.dimensions) {
      r.dimensions.push_back(section(slot, dim));
      if (!rule_.dimension || *rule_.dimension == dim.id) scope.push_back(&dim);
    }
    const Sums all = sums(slot, scope, nullptr);
    const Metrics m = metrics(slot, scope);
    r.satisfaction = m.satisfaction;
    r.points = m.points;
    r.verdict = verdict(all, scope.size(), m);
    for (const FlagRule& f : rule_.flags) {
      const auto& value = f.metric == Metric::satisfaction ? m.satisfaction : m.points;
      if (value && holds(*value, f.op, f.threshold)) r.flags.push_back(f.label);
    }
    return r;
  }

 private:
  SectionResult section(const SlotId& slot, const Dimension& dim) const {
    const Sums s = sums(slot, {&dim}, nullptr);
    const Metrics m = metrics(slot, {&dim});
    SectionResult out;
    out.dimension = dim.id;
    out.cast = s.cast;
    out.valid = s.valid;
    out.invalid = s.invalid;
    out.counts = s.counts;
    out.satisfaction = m.satisfaction;
    out.points = m.points;
    return out;
  }

  Sums sums(const SlotId& slot, const std::vector<const Dimension*>& scope, const GroupId* group) const {
    Sums s;
    for (const Dimension* dim : scope) add_section(s, *dim, section_of(tally_, slot, dim->id), rule_, group);
    return s;
  }

  // Plain, or per group combined by the group weights (normalised over the groups that have valid marks).
  Metrics metrics(const SlotId& slot, const std::vector<const Dimension*>& scope) const {
    if (!rule_.weight_groups) return metrics_of(sums(slot, scope, nullptr), rule_);
    double weights = 0, satisfaction = 0, points = 0;
    for (const GroupId& g : groups(slot)) {
      const Metrics m = metrics_of(sums(slot, scope, &g), rule_);
      if (!m.points) continue;
      const VoterGroup* vg = state_.def.voter_group(g);
      const double w = vg != nullptr ? vg->weight : 1.0;
      weights += w;
      points += w * *m.points;
      satisfaction += w * m.satisfaction.value_or(0);
    }
    Metrics out;
    if (weights <= 0) return out;
    out.points = points / weights;
    if (!rule_.satisfied_grades.empty()) out.satisfaction = satisfaction / weights;
    return out;
  }

  std::set<GroupId> groups(const SlotId& slot) const {
    std::set<GroupId> out;
    auto s = tally_.sections.find(slot);
    if (s == tally_.sections.end()) return out;
    for (const auto& [dim, section] : s->second) {
      for (const auto& [grade, by_group] : section.marks) {
        for (const auto& [g, c] : by_group) out.insert(g);
      }
    }
    return out;
  }

  std::int64_t base_of(const ShareCondition& c, const Sums& s, std::size_t dimensions) const {
    switch (c.of) {
      case ShareBase::valid:
        return s.valid;
      case ShareBase::cast:
        return s.cast;
      // Every member owes one mark per dimension read, voted or not.
      case ShareBase::members:
        return ballot_.eligible * static_cast<std::int64_t>(dimensions);
    }
    return 0;
  }

  std::string verdict(const Sums& s, std::size_t dimensions, const Metrics& m) const {
    if (s.cast == 0) return {};  // no sheets: no verdict yet
    for (const ShareCondition& c : rule_.shares) {
      const std::int64_t base = base_of(c, s, dimensions);
      if (base == 0) continue;
      std::int64_t count = 0;
      for (const GradeId& g : c.grades) {
        if (auto it = s.counts.find(g); it != s.counts.end()) count += it->second;
      }
      if (holds(count, base, c.op, c.share)) return c.verdict;
    }
    if (m.points) {
      const ScoreBand* best = nullptr;
      for (const ScoreBand& b : rule_.bands) {
        if (holds(*m.points, Comparison::at_least, b.min) && (best == nullptr || b.min > best->min))
          best = &b;
      }
      if (best != nullptr) return best->verdict;
    }
    return rule_.otherwise;
  }

  const HearingState& state_;
  const Ballot& ballot_;
  const Tally& tally_;
  const BallotTemplate& tpl_;
  const ScoringRule& rule_;
};

std::size_t agenda_position(const HearingState& state, const SlotId& slot) {
  for (std::size_t i = 0; i < state.agenda.size(); ++i) {
    if (state.agenda[i].def.id == slot) return i;
  }
  return std::numeric_limits<std::size_t>::max();
}

// Highest score first; equal scores share a rank (1, 2, 2, 4) and keep agenda order; no valid votes: last.
void rank(std::vector<PresenterResult>& results, const HearingState& state, Metric by) {
  auto score_of = [by](const PresenterResult& r) { return by == Metric::points ? r.points : r.satisfaction; };
  std::stable_sort(results.begin(), results.end(), [&](const PresenterResult& a, const PresenterResult& b) {
    const auto sa = score_of(a), sb = score_of(b);
    if (sa.has_value() != sb.has_value()) return sa.has_value();
    if (sa && std::fabs(*sa - *sb) > kEpsilon) return *sa > *sb;
    return agenda_position(state, a.slot) < agenda_position(state, b.slot);
  });
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto s = score_of(results[i]);
    const auto prev = i == 0 ? std::optional<double>() : score_of(results[i - 1]);
    const bool tie = i > 0 && s.has_value() == prev.has_value() && (!s || std::fabs(*s - *prev) <= kEpsilon);
    results[i].rank = tie ? results[i - 1].rank : static_cast<std::int64_t>(i + 1);
  }
}

}  // namespace

BallotResult score(const HearingState& state, const Ballot& ballot, const Tally& tally) {
  BallotResult out;
  out.ballot = ballot.id;
  const BallotTemplate* tpl = state.def.ballot_template(ballot.template_id);
  if (tpl == nullptr) return out;
  out.turnout =
      turnout_of(state, ballot, ballot.roll_at_close ? *ballot.roll_at_close : roll_now(state, *tpl));
  const ScoringRule* rule = state.def.rule(tpl->rule);
  if (rule == nullptr) return out;
  const Scorer scorer(state, ballot, tally, *tpl, *rule);
  for (const SlotId& slot : ballot.slots) out.presenters.push_back(scorer.presenter(slot));
  rank(out.presenters, state, rule->rank_by);
  return out;
}

}  // namespace dais::core
