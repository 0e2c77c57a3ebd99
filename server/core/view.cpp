// Role-filtered views. Every rule about who may see what is a method of Audience, so it lives in one place;
// the section builders only ask it.
#include "core/view.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/tally.hpp"
#include "core/wire.hpp"

namespace dais::core {

using nlohmann::json;

// Section names, found by wire::name_of through argument-dependent lookup (names.hpp).
inline constexpr std::pair<Section, std::string_view> kSectionNames[] = {
    {Section::hearing, "hearing"},     {Section::attendance, "attendance"}, {Section::agenda, "agenda"},
    {Section::inquiries, "inquiries"}, {Section::ballots, "ballots"},       {Section::tally, "tally"},
    {Section::results, "results"}};
constexpr wire::EnumNames<Section> names_of(Section) {
  return kSectionNames;
}

std::string_view to_string(Section s) {
  return wire::name_of(s);
}

namespace {

// What one set of roles may see. Roles add up: a questioner who also votes sees what either sees.
struct Audience {
  const HearingState& s;
  RoleSet roles;

  bool has(Role r) const { return roles.has(r); }
  // The chair and the secretary work the check-in desk and the inquiry queue, so they see names and every
  // inquiry whatever its status.
  bool desk() const { return has(Role::chair) || has(Role::secretary); }
  bool sees_upvoters() const { return has(Role::chair); }
  bool sees_who_voted() const { return has(Role::chair); }
  // A named ballot's marks are on record for the people who run and check the count.
  bool sees_named_marks() const { return has(Role::chair) || has(Role::scrutineer); }
  // The k-anonymous live tally, as the hearing allows; the scrutineer watches the count with the chair.
  bool sees_live() const {
    switch (s.def.settings.live_results) {
      case LiveResults::everyone:
        return true;
      case LiveResults::chair_and_display:
        return has(Role::chair) || has(Role::display) || has(Role::scrutineer);
      case LiveResults::chair:
        return has(Role::chair) || has(Role::scrutineer);
      case LiveResults::nobody:
        return false;
    }
    return false;
  }
  // Results not released to the hall stay with the two who must see them: the chair, who announces, and the
  // scrutineer, who checks the count (the exports go to the same two). The secretary's desk faces the hall.
  bool sees_results(const Ballot& b) const {
    const bool counters = has(Role::chair) || has(Role::scrutineer);
    if (b.status == BallotStatus::closed) return counters;
    if (b.status == BallotStatus::published)
      return s.def.settings.results == ResultsRelease::on_site || counters;
    return false;
  }
  bool sees_inquiry(const Inquiry& q) const {
    return desk() || q.status == InquiryStatus::approved || q.status == InquiryStatus::asking ||
           q.status == InquiryStatus::answered;
  }
};

template <class T>
json nullable(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json person(const HearingState& s, const ParticipantId& id) {
  const Participant* p = s.participant(id);
  if (p == nullptr) return {{"id", id}, {"name", ""}, {"post", ""}};
  return {{"id", p->id}, {"name", p->name}, {"post", p->post}};
}

json roles_json(RoleSet roles) {
  json out = json::array();
  for (Role r : roles.list()) out.push_back(std::string(to_string(r)));
  return out;
}

json timer_json(const Timer& t) {
  return {{"limit_ms", t.limit_ms}, {"used_ms", t.used_ms}, {"running_since", nullable(t.running_since)}};
}

const BallotTemplate* template_of(const HearingState& s, const Ballot& b) {
  return s.def.ballot_template(b.template_id);
}

// ---- hearing ----

json hearing_view(const HearingState& s) {
  // The public part of the definition, in the definition's own JSON (no participants: attendance holds
  // people).
  HearingDefinition pub;
  pub.voter_groups = s.def.voter_groups;
  pub.ballot_templates = s.def.ballot_templates;
  pub.rules = s.def.rules;
  pub.settings = s.def.settings;
  const json d = to_json(pub);
  return {{"id", s.def.id},
          {"title", s.def.title},
          {"date", s.def.date},
          {"venue", s.def.venue},
          {"phase", wire::name_of(s.phase)},
          {"display", wire::encode(s.display)},
          {"settings", d.at("settings")},
          {"voter_groups", d.at("voter_groups")},
          {"ballot_templates", d.at("ballot_templates")},
          {"rules", d.at("rules")}};
}

// ---- attendance ----

json attendance_view(const Audience& a) {
  const HearingState& s = a.s;
  std::map<GroupId, std::pair<std::int64_t, std::int64_t>> by_group;  // expected, present voters
  for (const VoterGroup& g : s.def.voter_groups) by_group[g.id];
  for (const Participant& p : s.def.participants) {
    if (!p.roles.has(Role::voter)) continue;
    auto& [expected, present] = by_group[s.def.tally_group(p)];
    ++expected;
    if (s.checked_in.contains(p.id)) ++present;
  }
  json groups = json::array();
  for (const VoterGroup& g : s.def.voter_groups) {
    groups.push_back({{"id", g.id},
                      {"name", g.name},
                      {"expected", by_group[g.id].first},
                      {"present", by_group[g.id].second}});
  }
  json out = {{"expected", s.expected_voters()},
              {"present", s.present_voters()},
              {"quorum",
               json::array({s.def.settings.quorum.num, s.def.settings.quorum.den})},  // as in the definition
              {"quorum_met", s.quorum_met()},
              {"checked_in", static_cast<std::int64_t>(s.checked_in.size())},
              {"groups", groups}};
  if (a.desk()) {
    json people = json::array();
    for (const Participant& p : s.def.participants) {
      people.push_back({{"id", p.id},
                        {"name", p.name},
                        {"post", p.post},
                        {"groups", p.groups},
                        {"roles", roles_json(p.roles)},
                        {"checked_in", s.checked_in.contains(p.id)},
                        {"revoked", s.revoked.contains(p.id)}});
      if (p.card) people.back()["card"] = true;  // the desk checks in persons; a card checks itself in
    }
    out["participants"] = std::move(people);
  }
  return out;
}

// ---- agenda ----

json agenda_view(const HearingState& s) {
  json slots = json::array();
  for (const Slot& slot : s.agenda) {
    // A remark or a break shows its title and its one timer (report); nobody presents it.
    slots.push_back({{"id", slot.def.id},
                     {"kind", wire::name_of(slot.def.kind)},
                     {"title", slot.def.title},
                     {"mode", wire::name_of(slot.def.mode)},
                     {"presenter", slot.def.has_presenter() ? person(s, slot.def.presenter) : json(nullptr)},
                     {"stage", wire::name_of(slot.stage)},
                     {"report", timer_json(slot.report)},
                     {"qa", timer_json(slot.qa)}});
  }
  json out = {{"current_slot", nullable(s.current_slot)}, {"slots", slots}};
  // The current slot's commitments under review (回头看), and only its own: every slot's would travel with
  // each timer's start and pause. They are the definition's (a slot inserted on the day has none).
  if (const SlotDef* current = s.current_slot ? s.def.slot(*s.current_slot) : nullptr;
      current != nullptr && !current->review.empty()) {
    out["review"] = review_json(current->review);
  }
  return out;
}

// ---- inquiries ----

json inquiry_json(const HearingState& s, const Inquiry& q, bool with_reject_reason, bool with_upvoters) {
  json commitments = json::array();
  for (const Commitment& c : q.commitments) commitments.push_back({{"text", c.text}, {"due", c.due}});
  json out = {{"id", q.id},
              {"slot", q.slot},
              {"author", person(s, q.author)},
              {"text", q.text},
              {"parent", nullable(q.parent)},
              {"status", wire::name_of(q.status)},
              {"answer_summary", q.answer_summary},
              {"commitments", commitments},
              {"upvotes", static_cast<std::int64_t>(q.upvoters.size())},
              {"submitted_at", q.submitted_at}};
  if (with_reject_reason) out["reject_reason"] = q.reject_reason;
  if (with_upvoters) out["upvoters"] = q.upvoters;
  return out;
}

// Inquiries in the order they were submitted (I2 before I10).
std::vector<const Inquiry*> inquiries_in_order(const HearingState& s) {
  std::vector<const Inquiry*> out;
  out.reserve(s.inquiries.size());
  for (const auto& [id, q] : s.inquiries) out.push_back(&q);
  std::sort(out.begin(), out.end(), [](const Inquiry* a, const Inquiry* b) {
    return std::pair(a->id.size(), a->id) < std::pair(b->id.size(), b->id);
  });
  return out;
}

json inquiries_view(const Audience& a) {
  json items = json::array();
  for (const Inquiry* q : inquiries_in_order(a.s)) {
    if (a.sees_inquiry(*q)) items.push_back(inquiry_json(a.s, *q, a.desk(), a.sees_upvoters()));
  }
  return {{"items", items}, {"queues", a.s.queue}, {"asking", nullable(a.s.asking)}};
}

// ---- ballots ----

// The roll as it stands, per template: ballots of one template share it, and a hall holds thousands.
class RollNow {
 public:
  explicit RollNow(const HearingState& s) : s_(s) {}
  const Roll& operator()(const BallotTemplate& tpl) {
    auto [it, fresh] = by_template_.try_emplace(tpl.id);
    if (fresh) it->second = roll_now(s_, tpl);
    return it->second;
  }

 private:
  const HearingState& s_;
  std::map<TemplateId, Roll> by_template_;
};

// The desk's paper sheets of an anonymous ballot: who took one (the desk handed it to them), how many are
// counted, and which sheet numbers wait for a second entry or disagree. Never an entry's marks, nor who
// entered which: an entry is the sheet's contents.
json paper_json(const HearingState& s, const Ballot& b) {
  std::map<std::int64_t, std::int64_t> entries;  // sheet → entries not yet matched
  for (const PaperEntry& e : b.paper_entries) ++entries[e.sheet];
  json awaiting = json::array();
  json disputed = json::array();
  for (const auto& [sheet, n] : entries) (n == 1 ? awaiting : disputed).push_back(sheet);
  json out = {{"handed_out", static_cast<std::int64_t>(b.paper_takers.size())},
              {"takers", b.paper_takers},
              {"counted", static_cast<std::int64_t>(b.paper_counted.size())},
              {"awaiting", std::move(awaiting)},
              {"disputed", std::move(disputed)}};
  // Where the rule weights groups, the voter groups an entry names (each group's sheets in its own colour).
  std::vector<GroupId> groups = paper_groups(s, *s.def.ballot_template(b.template_id));
  if (!groups.empty()) out["groups"] = std::move(groups);
  return out;
}

json ballots_view(const Audience& a) {
  const HearingState& s = a.s;
  RollNow roll(s);
  json items = json::array();
  for (const BallotId& id : s.ballot_order) {
    const Ballot& b = s.ballots.at(id);
    const BallotTemplate* tpl = template_of(s, b);
    if (tpl == nullptr) continue;
    json item = {{"id", b.id},
                 {"template_id", b.template_id},
                 {"title", tpl->title},
                 {"anonymous", tpl->anonymous},
                 {"slots", b.slots},
                 {"status", wire::name_of(b.status)},
                 {"rerun_of", nullable(b.rerun_of)},
                 {"void_reason", b.void_reason},
                 {"turnout", turnout_json(turnout_of(s, b, roll(*tpl)))}};
    if (a.sees_who_voted()) {
      item["voted"] = b.voted;
      if (b.status == BallotStatus::open) item["not_submitted"] = not_submitted(s, b);
    }
    if (a.desk() && takes_paper(s, *tpl)) item["paper"] = paper_json(s, b);
    if (!tpl->anonymous && a.sees_named_marks()) {
      json sheets = json::array();
      for (const auto& [voter, entry] : b.named) {
        sheets.push_back({{"voter", person(s, voter)}, {"marks", wire::encode(entry.marks)}});
      }
      item["sheets"] = std::move(sheets);
    }
    items.push_back(std::move(item));
  }
  return {{"items", items}};
}

// ---- tally ----

// Counts summed over groups: a live count split by group could single out the one member of a small group
// among the k sheets behind a refresh.
json counts_json(const Tally& t) {
  json sections = json::object();
  for (const auto& [slot, dims] : t.sections) {
    for (const auto& [dim, section] : dims) {
      json marks = json::object();
      for (const auto& [grade, by_group] : section.marks) {
        std::int64_t n = 0;
        for (const auto& [g, c] : by_group) n += c;
        marks[grade] = n;
      }
      std::int64_t invalid = 0;
      for (const auto& [g, c] : section.invalid) invalid += c;
      sections[slot][dim] = {{"marks", marks}, {"invalid", invalid}};
    }
  }
  return {{"sheets", t.sheets}, {"sections", sections}};
}

json tally_view(const Audience& a) {
  json ballots = json::array();
  const bool visible = a.sees_live();
  if (visible) {
    for (const BallotId& id : a.s.ballot_order) {
      const Ballot& b = a.s.ballots.at(id);
      if (b.status != BallotStatus::open) continue;
      json item = counts_json(b.live);
      item["ballot"] = b.id;
      ballots.push_back(std::move(item));
    }
  }
  return {{"visible", visible}, {"ballots", ballots}};
}

// ---- results ----

json presenter_result_json(const HearingState& s, const PresenterResult& r) {
  json dims = json::array();
  for (const SectionResult& d : r.dimensions) {
    dims.push_back({{"dimension", d.dimension},
                    {"cast", d.cast},
                    {"valid", d.valid},
                    {"invalid", d.invalid},
                    {"counts", d.counts},
                    {"satisfaction", nullable(d.satisfaction)},
                    {"points", nullable(d.points)}});
  }
  const Slot* slot = s.slot(r.slot);
  return {{"slot", r.slot},
          {"title", slot != nullptr ? slot->def.title : ""},
          {"presenter", person(s, r.presenter)},
          {"rank", r.rank},
          {"verdict", r.verdict},
          {"flags", r.flags},
          {"satisfaction", nullable(r.satisfaction)},
          {"points", nullable(r.points)},
          {"dimensions", dims}};
}

json results_view(const Audience& a) {
  json ballots = json::array();
  for (const BallotId& id : a.s.ballot_order) {
    const Ballot& b = a.s.ballots.at(id);
    if (!a.sees_results(b)) continue;
    const BallotResult r = score(a.s, b, b.tally);
    json presenters = json::array();
    for (const PresenterResult& p : r.presenters) presenters.push_back(presenter_result_json(a.s, p));
    ballots.push_back({{"ballot", b.id},
                       {"status", wire::name_of(b.status)},
                       {"turnout", turnout_json(r.turnout)},
                       {"presenters", presenters}});
  }
  return {{"ballots", ballots}};
}

// ---- who an event concerns ----

struct Touched {
  SectionMask operator()(const CheckInOpened&) const { return mask_of(Section::hearing); }
  // The roll of pending and open ballots counts who is present; a closed ballot's (results) stands still.
  SectionMask operator()(const ParticipantCheckedIn&) const {
    return mask_of(Section::attendance) | mask_of(Section::ballots);
  }
  SectionMask operator()(const SessionStarted&) const { return mask_of(Section::hearing); }
  SectionMask operator()(const SessionPaused&) const {
    return mask_of(Section::hearing) | mask_of(Section::agenda);
  }
  SectionMask operator()(const SessionResumed&) const { return mask_of(Section::hearing); }
  SectionMask operator()(const HearingAdjourned&) const {
    return mask_of(Section::hearing) | mask_of(Section::agenda);
  }
  SectionMask operator()(const SlotCalled&) const { return mask_of(Section::agenda); }
  SectionMask operator()(const StageChanged&) const { return mask_of(Section::agenda); }
  SectionMask operator()(const SlotSkipped&) const { return mask_of(Section::agenda); }
  // Ties in a ranking keep agenda order.
  SectionMask operator()(const AgendaReordered&) const {
    return mask_of(Section::agenda) | mask_of(Section::results);
  }
  SectionMask operator()(const SlotInserted&) const { return mask_of(Section::agenda); }
  SectionMask operator()(const TimerPaused&) const { return mask_of(Section::agenda); }
  SectionMask operator()(const TimerResumed&) const { return mask_of(Section::agenda); }
  SectionMask operator()(const TimerExtended&) const { return mask_of(Section::agenda); }
  SectionMask operator()(const InquirySubmitted&) const { return mask_of(Section::inquiries); }
  SectionMask operator()(const InquiryWithdrawn&) const { return mask_of(Section::inquiries); }
  SectionMask operator()(const InquiryApproved&) const { return mask_of(Section::inquiries); }
  SectionMask operator()(const InquiryRejected&) const { return mask_of(Section::inquiries); }
  SectionMask operator()(const QueueReordered&) const { return mask_of(Section::inquiries); }
  SectionMask operator()(const InquiryAsked&) const { return mask_of(Section::inquiries); }
  SectionMask operator()(const InquiryAnswered&) const { return mask_of(Section::inquiries); }
  SectionMask operator()(const CommitmentRecorded&) const { return mask_of(Section::inquiries); }
  SectionMask operator()(const InquiryUpvoted&) const { return mask_of(Section::inquiries); }
  SectionMask operator()(const BallotCreated&) const { return mask_of(Section::ballots); }
  SectionMask operator()(const BallotOpened&) const {
    return mask_of(Section::ballots) | mask_of(Section::tally);
  }
  SectionMask operator()(const SheetRecorded&) const { return mask_of(Section::ballots); }
  // An anonymous sheet's contents change nothing anyone sees until the live tally is refreshed.
  SectionMask operator()(const SheetStored& e) const {
    return e.voter ? mask_of(Section::ballots) | mask_of(Section::tally) : SectionMask{0};
  }
  SectionMask operator()(const LiveTallyRefreshed&) const { return mask_of(Section::tally); }
  SectionMask operator()(const LiveTallyHeld&) const { return SectionMask{0}; }  // shown a step later
  SectionMask operator()(const BallotClosed&) const {
    return mask_of(Section::ballots) | mask_of(Section::tally) | mask_of(Section::results);
  }
  SectionMask operator()(const BallotPublished&) const {
    return mask_of(Section::ballots) | mask_of(Section::results);
  }
  SectionMask operator()(const BallotVoided&) const {
    return mask_of(Section::ballots) | mask_of(Section::tally) | mask_of(Section::results);
  }
  SectionMask operator()(const PaperSheetHandedOut&) const { return mask_of(Section::ballots); }
  SectionMask operator()(const PaperSheetEntered&) const { return mask_of(Section::ballots); }
  // The desk's status lists move (sheet numbers only); the marks stay beside the box.
  SectionMask operator()(const PaperEntryStored&) const { return mask_of(Section::ballots); }
  SectionMask operator()(const PaperSheetCounted&) const { return mask_of(Section::ballots); }
  SectionMask operator()(const TokenRevoked&) const { return mask_of(Section::attendance); }
  // A reminder reaches the reminded tablets only (their "me"); no section changes for anyone else.
  SectionMask operator()(const VotersReminded&) const { return SectionMask{0}; }
  SectionMask operator()(const DisplaySet&) const { return mask_of(Section::hearing); }
};

// The author of an inquiry and the presenter it is addressed to.
std::vector<ParticipantId> concerned_by(const HearingState& s, const InquiryId& id) {
  const auto it = s.inquiries.find(id);
  if (it == s.inquiries.end()) return {};
  std::vector<ParticipantId> out{it->second.author};
  if (const Slot* slot = s.slot(it->second.slot);
      slot != nullptr && slot->def.presenter != it->second.author) {
    out.push_back(slot->def.presenter);
  }
  return out;
}

struct PersonallyTouched {
  const HearingState& s;
  using Out = std::vector<ParticipantId>;

  Out operator()(const ParticipantCheckedIn& e) const { return {e.participant}; }
  Out operator()(const TokenRevoked& e) const { return {e.participant}; }
  Out operator()(const InquirySubmitted& e) const { return {e.inquiry.author}; }
  Out operator()(const InquiryWithdrawn& e) const { return concerned_by(s, e.inquiry); }
  Out operator()(const InquiryApproved& e) const { return concerned_by(s, e.inquiry); }
  Out operator()(const InquiryRejected& e) const { return concerned_by(s, e.inquiry); }
  Out operator()(const InquiryAsked& e) const { return concerned_by(s, e.inquiry); }
  Out operator()(const InquiryAnswered& e) const { return concerned_by(s, e.inquiry); }
  Out operator()(const CommitmentRecorded& e) const { return concerned_by(s, e.inquiry); }
  Out operator()(const InquiryUpvoted& e) const {
    Out out = concerned_by(s, e.inquiry);
    out.push_back(e.by);
    return out;
  }
  // A new ballot appears in the "me" of everyone who may vote on it.
  Out operator()(const BallotCreated& e) const {
    Out out;
    const BallotTemplate* tpl = s.def.ballot_template(e.template_id);
    if (tpl == nullptr) return out;
    for (const Participant& p : s.def.participants) {
      if (eligible(p, *tpl)) out.push_back(p.id);
    }
    return out;
  }
  Out operator()(const SheetRecorded& e) const { return {e.voter}; }
  Out operator()(const SheetStored& e) const { return e.voter ? Out{*e.voter} : Out{}; }
  Out operator()(const VotersReminded& e) const { return e.voters; }
  Out operator()(const PaperSheetHandedOut& e) const { return {e.voter}; }
  template <class Other>
  Out operator()(const Other&) const {
    return {};
  }
};

}  // namespace

SectionMask sections_touched(const EventBody& body) {
  return std::visit(Touched{}, body);
}

std::vector<ParticipantId> personal_touched(const HearingState& state, const EventBody& body) {
  return std::visit(PersonallyTouched{state}, body);
}

json section_view(const HearingState& state, Section section, const RoleSet& roles) {
  const Audience a{state, roles};
  switch (section) {
    case Section::hearing:
      return hearing_view(state);
    case Section::attendance:
      return attendance_view(a);
    case Section::agenda:
      return agenda_view(state);
    case Section::inquiries:
      return inquiries_view(a);
    case Section::ballots:
      return ballots_view(a);
    case Section::tally:
      return tally_view(a);
    case Section::results:
      return results_view(a);
  }
  return nullptr;
}

json personal_view(const HearingState& state, const ParticipantId& participant) {
  const Participant* p = state.participant(participant);
  if (p == nullptr) return nullptr;
  json own = json::array();
  json upvoted = json::array();
  for (const Inquiry* q : inquiries_in_order(state)) {
    if (q->author == p->id) own.push_back(inquiry_json(state, *q, true, false));
    if (q->upvoters.contains(p->id)) upvoted.push_back(q->id);
  }
  // A presenter sees the questions put to them once the chair let them through.
  json presenting = json::array();
  for (const Slot& slot : state.agenda) {
    if (slot.def.presenter != p->id) continue;
    json addressed = json::array();
    for (const Inquiry* q : inquiries_in_order(state)) {
      if (q->slot == slot.def.id && Audience{state, {}}.sees_inquiry(*q)) {
        addressed.push_back(inquiry_json(state, *q, false, false));
      }
    }
    presenting.push_back({{"slot", slot.def.id}, {"inquiries", addressed}});
  }
  // Whether they voted; what they marked only on a named ballot (an anonymous sheet is not theirs to look
  // up).
  json ballots = json::array();
  for (const BallotId& id : state.ballot_order) {
    const Ballot& b = state.ballots.at(id);
    const BallotTemplate* tpl = template_of(state, b);
    if (tpl == nullptr || !eligible(*p, *tpl)) continue;
    json item = {{"ballot", b.id}, {"voted", b.voted.contains(p->id)}};
    if (b.paper_takers.contains(p->id)) item["paper"] = true;  // their sheet is on paper, not this tablet
    // A reminder stands while the ballot is open and the sheet not in.
    if (const auto r = b.reminded.find(p->id);
        r != b.reminded.end() && b.status == BallotStatus::open && !b.voted.contains(p->id)) {
      item["reminded_at"] = r->second;
    }
    if (const auto sheet = b.named.find(p->id); sheet != b.named.end()) {
      item["marks"] = wire::encode(sheet->second.marks);
    }
    ballots.push_back(std::move(item));
  }
  return {{"id", p->id},
          {"name", p->name},
          {"post", p->post},
          {"roles", roles_json(p->roles)},
          {"groups", p->groups},
          {"checked_in", state.checked_in.contains(p->id)},
          {"revoked", state.revoked.contains(p->id)},
          {"inquiries", own},
          {"upvoted", upvoted},
          {"presenting", presenting},
          {"ballots", ballots}};
}

json full_view(const HearingState& state, const ParticipantId& participant) {
  const Participant* p = state.participant(participant);
  const RoleSet roles = p != nullptr ? p->roles : RoleSet{};
  json out = json::object();
  for (Section s : kAllSections) out[std::string(to_string(s))] = section_view(state, s, roles);
  out["me"] = personal_view(state, participant);
  return out;
}

json turnout_json(const Turnout& t) {
  const auto nullable_count = [](const std::optional<std::int64_t>& n) {
    return n ? json(*n) : json(nullptr);
  };
  json out = {{"expected", t.expected},
              {"present", t.present},
              {"eligible", t.eligible},
              {"issued", t.issued},
              {"voted", t.voted},
              {"valid", nullable_count(t.valid)},
              {"invalid", nullable_count(t.invalid)}};
  if (t.paper > 0) out["paper"] = t.paper;  // of 收回, sheets entered from paper
  return out;
}

}  // namespace dais::core
