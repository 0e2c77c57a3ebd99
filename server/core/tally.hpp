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

struct Turnout {
  std::int64_t voted = 0;
  std::int64_t eligible = 0;
  std::int64_t present = 0;
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

// Scores a tally of a ballot with its template's rule.
BallotResult score(const HearingState& state, const Ballot& ballot, const Tally& tally);

}  // namespace dais::core
