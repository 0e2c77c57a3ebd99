#pragma once
// The hearing definition: everything decided before the hearing starts (who, in what order, how to grade,
// how to score). It is data, loaded from a JSON file whose schema is protocol/hearing-definition.schema.json.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/result.hpp"
#include "core/roles.hpp"

namespace dais::core {

using ParticipantId = std::string;
using SlotId = std::string;
using GroupId = std::string;
using GradeId = std::string;
using DimensionId = std::string;
using TemplateId = std::string;
using RuleId = std::string;

// A voter group (纪委委员, 党代表, 群众代表 …). Weight is used by weighted scoring rules.
struct VoterGroup {
  GroupId id;
  std::string name;
  double weight = 1.0;
  bool operator==(const VoterGroup&) const = default;
};

struct Participant {
  ParticipantId id;
  std::string name;
  std::string post;             // 职务, e.g. "某镇党委书记"
  std::vector<GroupId> groups;  // the first one that is a voter group is the tally group
  RoleSet roles;
  // A code card (随机测评码): a voting credential handed out at random at the desk, not tied to a person. The
  // definition knows its group, never its holder (settings.code_cards).
  bool card = false;
  bool operator==(const Participant&) const = default;
};

enum class ReportMode : std::uint8_t { oral, written };

// What an agenda item is. Only a presenter reports, is questioned and graded; an opening remark (开幕讲话,
// 讲话) or a break (休息) only runs its timer: waiting → reporting → done.
enum class SlotKind : std::uint8_t { presenter, remark, recess };  // recess travels as "break"

// One commitment under review (回头看): what a unit promised at an earlier hearing and how it stands in the
// rectification ledger (整改台账) when the organizer took it into the slot. A snapshot, fixed before the day.
struct ReviewItem {
  std::string from;      // the hearing it was made at: "<title> · <date>"
  std::string text;      // the commitment as recorded in the hall
  std::string due;       // YYYY-MM-DD
  std::string status;    // open, in_progress, done or overdue
  std::string progress;  // the latest progress note, may be empty
  bool operator==(const ReviewItem&) const = default;
};

// The bounds of a slot's review: it travels with the agenda section to the screens while the slot is current.
inline constexpr std::size_t kMaxReviewItems = 20;
inline constexpr std::size_t kMaxReviewFromChars = 200;
inline constexpr std::size_t kMaxReviewTextChars = 1000;  // a commitment recorded in the hall is at most this
inline constexpr std::size_t kMaxReviewProgressChars = 500;

// One place in the agenda: a presenter's, or a remark or break with its title and time limit.
struct SlotDef {
  SlotId id;
  ParticipantId presenter;  // empty unless the kind is presenter
  std::string title;        // e.g. the unit: "区水务局"; for a remark or break what the hall is told
  ReportMode mode = ReportMode::oral;
  std::int64_t report_limit_s = 480;  // commonly 8–10 minutes; a remark's or break's own time limit
  std::int64_t qa_budget_s = 600;
  SlotKind kind = SlotKind::presenter;
  // A presenter's commitments under review (回头看); none for a remark or break.
  std::vector<ReviewItem> review{};
  bool has_presenter() const { return kind == SlotKind::presenter; }
  bool operator==(const SlotDef&) const = default;
};

struct Grade {
  GradeId id;
  std::string label;  // 好 / 较好 / 一般 / 差 …
  double points = 0;  // used by point-based rules
  bool valid = true;  // false for 不了解: such a mark is counted but excluded from the valid votes
  bool operator==(const Grade&) const = default;
};

struct Dimension {
  DimensionId id;
  std::string label;          // e.g. 履行全面从严治党主体责任
  std::vector<Grade> grades;  // 2–6
  bool operator==(const Dimension&) const = default;
};

enum class BallotScope : std::uint8_t { per_presenter, combined };
enum class ChangePolicy : std::uint8_t { first_press, until_close };  // GB 50799 §6.2

struct BallotTemplate {
  TemplateId id;
  std::string title;
  BallotScope scope = BallotScope::per_presenter;
  std::vector<Dimension> dimensions;  // 1–5
  bool anonymous = true;              // 无记名
  ChangePolicy change = ChangePolicy::first_press;
  std::vector<GroupId> eligible_groups;  // empty: every voter
  RuleId rule;                           // scoring rule applied to each presenter's results
  bool operator==(const BallotTemplate&) const = default;
};

// A rational threshold, compared exactly in integers (2/3 is not 0.6667).
struct Fraction {
  std::int64_t num = 0;
  std::int64_t den = 1;
  bool operator==(const Fraction&) const = default;
};

enum class Comparison : std::uint8_t { at_least, more_than, less_than, at_most };

// What a share is taken of.
enum class ShareBase : std::uint8_t {
  valid,    // valid marks (不了解 and invalid sections excluded)
  cast,     // all sheets cast for this section, invalid included
  members,  // all eligible voters, whether they voted or not (majority-of-members rules)
};

// "verdict V when the marks for GRADES compare OP to FRACTION of BASE".
struct ShareCondition {
  std::vector<GradeId> grades;
  Comparison op = Comparison::at_least;
  Fraction share;
  ShareBase of = ShareBase::valid;
  std::string verdict;
  bool operator==(const ShareCondition&) const = default;
};

// "verdict V when the (weighted) points average is at least MIN".
struct ScoreBand {
  double min = 0;
  std::string verdict;
  bool operator==(const ScoreBand&) const = default;
};

enum class Metric : std::uint8_t { satisfaction, points };

// A flag raised on a presenter, e.g. satisfaction below 60% → 约谈.
struct FlagRule {
  Metric metric = Metric::satisfaction;
  Comparison op = Comparison::less_than;
  double threshold = 0;
  std::string label;
  bool operator==(const FlagRule&) const = default;
};

// One locality's scoring rule family. Verdict rules are tried in order; the first that holds wins.
struct ScoringRule {
  RuleId id;
  std::string name;
  std::optional<DimensionId> dimension;   // the dimension the verdict reads; empty: all dimensions pooled
  std::vector<GradeId> satisfied_grades;  // satisfaction = marks in these / valid marks
  bool weight_groups = false;             // points and satisfaction averaged per group, then by group weight
  std::vector<ShareCondition> shares;     // share / majority verdicts
  std::vector<ScoreBand> bands;           // score-band verdicts (highest min first)
  std::string otherwise;                  // verdict when no condition holds
  std::vector<FlagRule> flags;
  Metric rank_by = Metric::points;
  bool operator==(const ScoringRule&) const = default;
};

enum class LiveResults : std::uint8_t { everyone, chair_and_display, chair, nobody };
enum class ResultsRelease : std::uint8_t { on_site, later };

struct Settings {
  LiveResults live_results = LiveResults::chair;
  ResultsRelease results = ResultsRelease::on_site;
  std::int64_t k_anonymity = 5;  // an anonymous live tally only moves by at least k new sheets
  bool voting_requires_check_in = true;
  Fraction quorum{2, 3};  // of expected voters
  bool voters_may_check_receipts = false;
  // Inquiries one questioner may put to the hearing, whatever became of them (withdrawn and rejected ones
  // count): the state, and every update to the desk, holds them all until the end.
  std::int64_t inquiries_per_author = 30;
  // The chair is warned before closing a ballot while fewer than this share of the sheets handed out (发出)
  // have come back (收回): a ballot closed at 5 % turnout is almost always a slip.
  double close_warning_turnout = 0.8;
  std::string locale = "zh-CN";
  // A rehearsal (演练) with the real devices: every screen and export says so, and the organizer may reset it
  // to a clean draft (its log kept apart). A hearing that is not one can never be reset.
  bool rehearsal = false;
  // Code cards: the voters are the cards; persons check in at the desk and hold every role but voter.
  bool code_cards = false;
  bool operator==(const Settings&) const = default;
};

struct HearingDefinition {
  std::string id;
  std::string title;
  std::string date;  // ISO 8601 date
  std::string venue;
  std::vector<VoterGroup> voter_groups;
  std::vector<Participant> participants;
  std::vector<SlotDef> agenda;
  std::vector<BallotTemplate> ballot_templates;
  std::vector<ScoringRule> rules;
  Settings settings;

  const Participant* participant(const ParticipantId& id) const;
  const SlotDef* slot(const SlotId& id) const;
  const BallotTemplate* ballot_template(const TemplateId& id) const;
  const ScoringRule* rule(const RuleId& id) const;
  const VoterGroup* voter_group(const GroupId& id) const;
  // The group a voter's sheets are tallied under: their first group that is a voter group, or "" if none.
  GroupId tally_group(const Participant& p) const;
  bool operator==(const HearingDefinition&) const = default;
};

// YYYY-MM-DD with a real month and day: the hearing's date, a commitment's due date.
bool is_iso_date(const std::string& s);

// The rule for every id the definition names (participants, slots, groups, templates, …), as
// protocol/hearing-definition.schema.json states it in $defs/id; ids made later, such as a slot inserted
// during the hearing, follow it too. The error names `field`.
std::optional<Error> check_id(const std::string& id, const std::string& field);

// Parses and validates a definition. On failure the error's `field` is the JSON path (e.g.
// "/agenda/3/presenter") and the message says why. Checks the schema and every cross-reference.
Result<HearingDefinition> parse_definition(const nlohmann::json& doc);
nlohmann::json to_json(const HearingDefinition& def);
// A slot's review (回头看) as the definition writes it; the agenda section shows the current slot's.
nlohmann::json review_json(const std::vector<ReviewItem>& review);

}  // namespace dais::core
