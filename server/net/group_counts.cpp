#include "net/group_counts.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <set>

#include "net/exports.hpp"

namespace dais::net {
namespace {

constexpr std::size_t kMostGroupsToSplit = 12;

GroupSection& add_to(GroupCounts& out, const core::SlotId& slot, const core::DimensionId& dim,
                     const core::GroupId& group) {
  return out.sections[slot][dim][group];
}

// As core's tally reads a grade: one it does not know counts as valid.
bool counts_as_valid(const core::BallotTemplate* tpl, const core::DimensionId& dim,
                     const core::GradeId& grade) {
  if (tpl == nullptr) return true;
  for (const core::Dimension& d : tpl->dimensions) {
    if (d.id != dim) continue;
    for (const core::Grade& g : d.grades) {
      if (g.id == grade) return g.valid;
    }
  }
  return true;
}

std::string replace_k(std::string text, std::int64_t k) {
  const auto at = text.find("{k}");
  if (at != std::string::npos) text.replace(at, 3, std::to_string(k));
  return text;
}

}  // namespace

std::string release_note(const core::HearingState& state, GroupRelease release) {
  // A note too long for one line is one literal split in parentheses (so no check takes it for a lost comma).
  constexpr const char* chinese[] = {
      "",
      "本测评的计分规则不分测评人类别计票，无分类统计。",
      "有测评人类别收回测评表不足 {k} 份；为保护无记名测评，各类别均不单列统计。",
      ("分类统计与测评中公布的实时计票相互比对，可推算出不足 {k} "
       "份测评表的结果；为保护无记名测评，各类别均不单列统计。"),
      "无法核对本测评的投票顺序，各类别均不单列统计。",
  };
  constexpr const char* english[] = {
      "",
      "This ballot's scoring rule does not count by voter group: there are no counts per group.",
      ("A voter group returned fewer than {k} sheets: to keep the ballot secret, no group is counted "
       "separately."),
      ("Set against the live counts shown during the vote, counts per group would single out fewer than {k} "
       "sheets: to keep the ballot secret, no group is counted separately."),
      "The casting order of this ballot could not be checked: no group is counted separately.",
  };
  const auto i = static_cast<std::size_t>(release);
  return replace_k(reports_in_english(state) ? english[i] : chinese[i], state.def.settings.k_anonymity);
}

CastingOrder casting_order(const std::vector<core::Event>& log) {
  CastingOrder order;
  for (const core::Event& e : log) {
    const auto* s = std::get_if<core::SheetRecorded>(&e.body);
    if (s != nullptr && !s->changed) order[s->ballot].push_back(s->voter);
  }
  return order;
}

std::string_view release_code(GroupRelease release) {
  constexpr std::string_view codes[] = {"shown", "not_by_group", "small_group", "live_counts",
                                        "order_unknown"};
  return codes[static_cast<std::size_t>(release)];
}

// Nodes: the groups, then the stretches of k sheets between the live counts shown (sheets k·m for m ≥ 1 with
// a step at k·(m+1) that released them: core's step_live_count), then the sheets after the last one; a group
// and a stretch are joined by as many edges as the group has sheets in the stretch. A whole-number
// combination of the counts gives a number to each node; it isolates the sheets on edges whose two ends
// differ, so the fewest it can isolate without isolating none is the smallest nonzero cut. A cut either
// splits the groups, and then each stretch goes to the side it has more sheets on, or keeps them together and
// parts stretches from them, at a cost of at least one stretch's sheets. Groups are few (2^groups splits),
// stretches many: this stays linear in the sheets, which a hall of 2,000 needs from an export on the
// hearing's strand.
std::int64_t fewest_isolated(const std::vector<core::GroupId>& order, std::int64_t k) {
  k = std::max<std::int64_t>(1, k);
  const auto n = static_cast<std::int64_t>(order.size());
  if (n == 0) return std::numeric_limits<std::int64_t>::max();
  const std::int64_t shown_steps = std::max<std::int64_t>(0, n / k - 1);
  std::vector<core::GroupId> groups(order.begin(), order.end());
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  // Beyond this many groups the splits are too many to try on the strand: nothing is broken out.
  if (groups.size() > kMostGroupsToSplit) return 0;
  // Sheets per stretch and group.
  std::vector<std::vector<std::int64_t>> stretches(static_cast<std::size_t>(shown_steps) + 1,
                                                   std::vector<std::int64_t>(groups.size(), 0));
  for (std::int64_t i = 0; i < n; ++i) {
    const auto g = static_cast<std::size_t>(
        std::lower_bound(groups.begin(), groups.end(), order[static_cast<std::size_t>(i)]) - groups.begin());
    ++stretches[static_cast<std::size_t>(std::min(i / k, shown_steps))][g];
  }
  std::int64_t fewest = std::numeric_limits<std::int64_t>::max();
  for (const auto& s : stretches)
    fewest = std::min(fewest, std::accumulate(s.begin(), s.end(), std::int64_t{0}));
  const std::size_t splits = std::size_t{1} << groups.size();
  for (std::size_t side = 1; side + 1 < splits; ++side) {
    std::int64_t cut = 0;
    for (const auto& s : stretches) {
      std::int64_t in = 0, out = 0;
      for (std::size_t g = 0; g < groups.size(); ++g) ((side >> g) & 1U ? in : out) += s[g];
      cut += std::min(in, out);
    }
    if (cut > 0) fewest = std::min(fewest, cut);
  }
  return fewest;
}

GroupCounts group_counts(const core::HearingState& state, const core::Ballot& ballot,
                         const CastingOrder& order) {
  GroupCounts out;
  const core::BallotTemplate* tpl = state.def.ballot_template(ballot.template_id);
  const core::ScoringRule* rule = tpl != nullptr ? state.def.rule(tpl->rule) : nullptr;
  if (rule == nullptr || !rule->weight_groups) return out;
  // Each group's sheets: every sheet counts once in every section, so one section says how many.
  std::map<core::GroupId, std::int64_t> sheets;
  for (const auto& [slot, dims] : ballot.tally.sections) {
    for (const auto& [dim, section] : dims) {
      for (const auto& [grade, by_group] : section.marks) {
        const bool valid = counts_as_valid(tpl, dim, grade);
        for (const auto& [group, n] : by_group) {
          GroupSection& g = add_to(out, slot, dim, group);
          g.counts[grade] += n;
          g.cast += n;
          if (valid) g.valid += n;
        }
      }
      for (const auto& [group, n] : section.invalid) {
        add_to(out, slot, dim, group).invalid += n;
        add_to(out, slot, dim, group).cast += n;
      }
    }
  }
  if (!out.sections.empty()) {
    for (const auto& [group, s] : out.sections.begin()->second.begin()->second) sheets[group] = s.cast;
  }
  const std::int64_t k = state.def.settings.k_anonymity;
  const auto withheld = [&out](GroupRelease why) {
    out.sections.clear();
    out.release = why;
    return out;
  };
  if (sheets.empty()) {  // nobody voted: nothing to break out
    out.release = GroupRelease::shown;
    return out;
  }
  if (sheets.count(core::GroupId{}) != 0) return withheld(GroupRelease::not_by_group);
  for (const auto& [group, n] : sheets) {
    if (n < k) return withheld(GroupRelease::small_group);
  }
  if (tpl->anonymous) {
    const auto it = order.find(ballot.id);
    if (it == order.end() || it->second.size() != ballot.voted.size())
      return withheld(GroupRelease::order_unknown);
    std::vector<core::GroupId> groups;
    for (const core::ParticipantId& voter : it->second) {
      const core::Participant* p = state.participant(voter);
      groups.push_back(p != nullptr ? state.def.tally_group(*p) : core::GroupId{});
    }
    if (fewest_isolated(groups, k) < k) return withheld(GroupRelease::live_counts);
  }
  out.release = GroupRelease::shown;
  for (const core::VoterGroup& g : state.def.voter_groups) {
    if (auto s = sheets.find(g.id); s != sheets.end()) out.groups.emplace_back(g.id, s->second);
  }
  return out;
}

}  // namespace dais::net
