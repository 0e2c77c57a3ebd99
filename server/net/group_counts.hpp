#pragma once
// Counts per voter group (常委会组成人员, 列席代表 …) of a reported ballot, as the 民主测评 layout reports
// them, and whether they may be shown (docs/security.md, "Counts per voter group").
//
// A sheet carries its voter's group only where the ballot's rule weights groups (core::sheet_group), so only
// those ballots can be broken out. Each group's counts are an aggregate of that group's sheets, and anyone
// who knows who voted (the chair watched it; the log records it) can set them against every other count of
// the ballot: the other groups', and the live counts, which sum the first k, 2k, … sheets in casting order.
// The breakdown is shown only when no combination of all those counts isolates fewer than k sheets:
//   1. every group that cast sheets cast at least k (a group's own counts are an aggregate of its sheets);
//   2. for an anonymous ballot, no live count cuts a group so that fewer than k of its sheets are left on
//      one side. Exactly: in the graph joining each group to each stretch of k sheets between two live
//      counts (and to the sheets after the last one) by as many edges as the group has sheets there, every
//      cut that separates any sheets separates at least k of them (fewest_isolated).
// When either fails, none of the ballot's groups are broken out: showing only the large ones would let anyone
// subtract them from the total.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"
#include "core/state.hpp"

namespace dais::net {

// Who cast a first sheet on each ballot, in casting order: the log's sheet_recorded events.
using CastingOrder = std::map<core::BallotId, std::vector<core::ParticipantId>>;
CastingOrder casting_order(const std::vector<core::Event>& log);

enum class GroupRelease : std::uint8_t {
  shown,
  not_by_group,   // the ballot's rule does not weight groups: its sheets carry no group
  small_group,    // a group cast 1 to k-1 sheets
  live_counts,    // set against the live counts, a group's counts would isolate fewer than k sheets
  order_unknown,  // the casting order at hand does not match the ballot (it is withheld rather than guessed)
};
std::string_view release_code(GroupRelease release);  // "shown", "not_by_group", …

// One group's counts in one section (presenter × dimension), as core::SectionResult counts all groups.
struct GroupSection {
  std::int64_t cast = 0;     // the group's sheets
  std::int64_t valid = 0;    // one mark of a grade that counts as valid
  std::int64_t invalid = 0;  // no mark or too many
  std::map<core::GradeId, std::int64_t> counts;
};

struct GroupCounts {
  GroupRelease release = GroupRelease::not_by_group;
  // Only when shown: the groups that cast sheets (definition order) with their sheets, and their counts
  // by slot and dimension.
  std::vector<std::pair<core::GroupId, std::int64_t>> groups;
  std::map<core::SlotId, std::map<core::DimensionId, std::map<core::GroupId, GroupSection>>> sections;
};

GroupCounts group_counts(const core::HearingState& state, const core::Ballot& ballot,
                         const CastingOrder& order);
// What the reports print about the breakdown, in the hearing's language: the reason it is withheld (k named),
// or nothing when it is shown.
std::string release_note(const core::HearingState& state, GroupRelease release);

// The smallest number of sheets any combination of a group's counts and the live counts could isolate (the
// rule's second test), for an anonymous ballot cast in `order` (each voter's group) with steps of k; 0 for
// more than 12 groups, which are not tried.
std::int64_t fewest_isolated(const std::vector<core::GroupId>& order, std::int64_t k);

}  // namespace dais::net
