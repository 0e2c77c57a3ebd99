#pragma once
// Tallies and scoring: counting sheets and turning counts into satisfaction rates, points, verdicts, flags
// and a ranking, with every rule family of the definition (definition.hpp: ScoringRule) as data.
#include <optional>
#include <string>
#include <vector>

#include "core/state.hpp"

namespace dais::core {

// Adds (sign = +1) or removes (sign = -1) one sheet's marks to a tally.
void add_sheet(Tally& tally, const BallotTemplate& tpl, const std::vector<SlotId>& slots,
               const BoxEntry& entry, int sign);

// What a live count may show of an open anonymous ballot: the same counts with every group folded into one,
// so no refresh singles out the members of a small group.
Tally summed_over_groups(const Tally& tally);

// The group a sheet is counted under: its voter's voter group where the ballot's rule weights groups, else
// none, so a box row says nothing about its voter that the count does not need.
GroupId sheet_group(const HearingState& state, const BallotTemplate& tpl, const Participant& voter);
// Whether a ballot of this template takes paper sheets (纸质票): a paper sheet carries no voter, so only an
// anonymous ballot does.
bool takes_paper(const HearingState& state, const BallotTemplate& tpl);
// The voter groups a paper sheet of this template is entered under: none where the rule does not weight
// groups, else the ballot's eligible groups (all voter groups when it names none). Where groups are weighted,
// each group's sheets are printed in its own colour, so staff read the group off the sheet.
std::vector<GroupId> paper_groups(const HearingState& state, const BallotTemplate& tpl);

// A ballot's counts as reports state them (docs/protocol.md, "Counts"), from this one place: 应到, 实到, 发出
// follow the hall while the ballot is pending or open and stand still from its close; 收回 follows the
// sheets; 有效 / 无效 are known once the ballot is closed (a live split could single out one voter's blank
// sheet).
struct Turnout {
  std::int64_t expected = 0;  // 应到: voters of the hearing
  std::int64_t present = 0;   // 实到: voters checked in
  std::int64_t eligible = 0;  // the ballot's electorate: voters of its eligible groups, present or not
  std::int64_t issued = 0;    // 发出: eligible voters checked in
  std::int64_t voted = 0;     // 收回: sheets returned, one per voter (a changed sheet counts once)
  // Of 收回, sheets that came on paper, from the close on. A paper sheet handed out counts in 收回 while the
  // ballot is open; from the close on only if it was entered (a voter may keep a blank sheet).
  std::int64_t paper = 0;
  std::optional<std::int64_t> valid;    // 有效: returned sheets with at least one valid section
  std::optional<std::int64_t> invalid;  // 无效: returned sheets with no valid section (blank or all spoiled)
  bool operator==(const Turnout&) const = default;
};

struct SectionResult {
  DimensionId dimension;
  std::int64_t cast = 0;                   // sheets with this section
  std::int64_t valid = 0;                  // exactly one mark, of a grade that counts as valid
  std::int64_t invalid = 0;                // no mark or too many
  std::map<GradeId, std::int64_t> counts;  // all groups
  std::optional<double> satisfaction;      // [0, 1]
  std::optional<double> points;            // average points
  bool operator==(const SectionResult&) const = default;
};

struct PresenterResult {
  SlotId slot;
  ParticipantId presenter;
  std::vector<SectionResult> dimensions;
  std::optional<double> satisfaction;  // as the rule defines (pooled or the rule's dimension)
  std::optional<double> points;
  std::string verdict;
  std::vector<std::string> flags;
  std::int64_t rank = 0;  // 1-based; equal scores share a rank (1, 2, 2, 4)
  bool operator==(const PresenterResult&) const = default;
};

struct BallotResult {
  BallotId ballot;
  Turnout turnout;
  std::vector<PresenterResult> presenters;  // in rank order, ties in agenda order
  bool operator==(const BallotResult&) const = default;
};

std::int64_t eligible_voters(const HearingState& state, const BallotTemplate& tpl);
bool eligible(const HearingState& state, const BallotTemplate& tpl, const ParticipantId& voter);
// The same rule for a participant already at hand (views count many without looking each one up).
bool eligible(const Participant& voter, const BallotTemplate& tpl);

// 应到, 实到 and 发出 for a ballot of this template as the hall stands now.
Roll roll_now(const HearingState& state, const BallotTemplate& tpl);
// A sheet is valid (有效) when at least one of its sections is: one mark of a grade of its dimension.
bool valid_sheet(const BallotTemplate& tpl, const std::vector<SlotId>& slots, const Marks& marks);
// The ballot's counts; `now` is roll_now() for its template (views compute it once per template).
Turnout turnout_of(const HearingState& state, const Ballot& ballot, const Roll& now);
// Present, eligible voters who have not submitted the sheet of an open ballot (the 未提交名单), in definition
// order: the chair sees it and reminds them, nobody else.
std::vector<ParticipantId> not_submitted(const HearingState& state, const Ballot& ballot);

// Scores a tally of a ballot with its template's rule.
BallotResult score(const HearingState& state, const Ballot& ballot, const Tally& tally);

}  // namespace dais::core
