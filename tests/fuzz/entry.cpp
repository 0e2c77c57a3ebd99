#include "fuzz/entry.hpp"

#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/command.hpp"
#include "core/engine.hpp"
#include "core/schema.hpp"
#include "core/tally.hpp"
#include "core/view.hpp"
#include "net/decode_request.hpp"

namespace dais::fuzz {

using nlohmann::json;

namespace {

// ---- the protocol decoder ----

// The server's own schema check (net::MessageSchemas), loaded once as the server does at start.
const net::MessageSchemas& schemas() {
  static const auto loaded = [] {
    auto r = net::MessageSchemas::load();
    if (!r) throw std::runtime_error("message schemas do not load: " + r.error().message);
    return *r;
  }();
  return *loaded;
}

// A connection's sender: a cast_sheet's change tag is bound to the hearing and the voter.
constexpr net::Sender kSender{"fuzz", "V1"};

// The device secrets of a frame that passed its schema: its hashes cannot be read back from the command.
json secrets_of(std::string_view frame) {
  const json sent = json::parse(frame);
  json out = json::object();
  for (const char* key : {"receipt", "change_key", "idempotency_key"}) {
    if (auto s = sent.find(key); s != sent.end()) out[key] = *s;
  }
  return out;
}

// A paper sheet's entry gets a fresh random receipt each time it is decoded: compared without it.
json comparable(json command) {
  if (command.value("type", "") == "enter_paper_sheet") command.erase("receipt_hash");
  return command;
}

// The server's own decoder (net::decode_request), then the way back (encode_request) and again.
std::optional<std::string> decode(std::string_view frame) {
  const auto first = net::decode_request(schemas(), frame, kSender);
  if (first.bad) {
    if (!first.bad->field.empty() && first.bad->field[0] != '/')
      return "error field is not a JSON pointer: " + first.bad->field;
    return std::nullopt;  // bad_message or unknown_type, answered and otherwise ignored
  }
  if (first.refused) {
    return "schema-valid " + first.message.type +
           " rejected by command_from_json: " + first.refused->message + " at " + first.refused->field;
  }
  if (!first.command) return std::nullopt;  // hello or a server request: no engine command
  const json encoded = core::to_json(*first.command);
  const std::string again_frame = net::encode_request(*first.command, first.message.id, secrets_of(frame));
  const auto again = net::decode_request(schemas(), again_frame, kSender);
  if (again.bad) {
    return "re-encoded " + first.message.type + " fails its schema at " + again.bad->field + ": " +
           again.bad->message + " in " + again_frame;
  }
  if (!again.command) return "re-encoded " + first.message.type + " does not decode: " + again_frame;
  if (comparable(core::to_json(*again.command)) != comparable(encoded))
    return "command round trip differs: " + encoded.dump();
  return std::nullopt;
}

// ---- the engine ----

core::Participant person(const std::string& id, core::RoleSet roles, std::vector<std::string> groups = {}) {
  return core::Participant{id, id, "", std::move(groups), roles, false};
}

}  // namespace

// A small hearing with every role, two slots and three kinds of ballot, so short scripts reach every stage.
const core::HearingDefinition& fuzz_hearing() {
  static const core::HearingDefinition def = [] {
    using core::Role;
    core::HearingDefinition d;
    d.id = "fuzz";
    d.title = "fuzz";
    d.date = "2026-01-01";
    d.voter_groups = {{"members", "纪委委员", 0.6}, {"citizens", "群众代表", 0.4}};
    d.participants = {person("chair", {Role::chair}),
                      person("secretary", {Role::secretary}),
                      person("display", {Role::display}),
                      person("scrutineer", {Role::scrutineer}),
                      person("P1", {Role::presenter}),
                      person("P2", {Role::presenter, Role::voter}, {"members"}),
                      person("Q1", {Role::questioner, Role::voter}, {"members"}),
                      person("Q2", {Role::questioner}),
                      person("V1", {Role::voter}, {"citizens"}),
                      person("V2", {Role::voter}, {"citizens"}),
                      person("V3", {Role::voter})};
    d.agenda = {core::SlotDef{"S1", "P1", "一", core::ReportMode::oral, 60, 60},
                core::SlotDef{"S2", "P2", "二", core::ReportMode::written, 60, 60}};
    const std::vector<core::Grade> grades = {{"good", "好", 100, true},
                                             {"fair", "较好", 80, true},
                                             {"poor", "差", 0, true},
                                             {"unknown", "不了解", 0, false}};
    const std::vector<core::Dimension> dims = {{"duty", "责任", grades}, {"integrity", "廉洁", grades}};
    d.ballot_templates = {{"anon",
                           "无记名",
                           core::BallotScope::per_presenter,
                           dims,
                           true,
                           core::ChangePolicy::first_press,
                           {},
                           "points"},
                          {"named",
                           "记名",
                           core::BallotScope::per_presenter,
                           dims,
                           false,
                           core::ChangePolicy::until_close,
                           {},
                           "points"},
                          {"all",
                           "合并",
                           core::BallotScope::combined,
                           {dims[0]},
                           true,
                           core::ChangePolicy::until_close,
                           {"members"},
                           "points"}};
    core::ScoringRule points;
    points.id = "points";
    points.name = "计分";
    points.satisfied_grades = {"good", "fair"};
    points.bands = {{90, "好"}, {60, "一般"}};
    points.otherwise = "差";
    points.flags = {{core::Metric::satisfaction, core::Comparison::less_than, 0.6, "约谈"}};
    d.rules = {points};
    d.settings.k_anonymity = 2;
    d.settings.live_results = core::LiveResults::chair_and_display;
    d.settings.quorum = {1, 2};
    return d;
  }();
  return def;
}

namespace {

// Reads the script: every choice takes one byte; past the end every byte reads as 0.
class Bytes {
 public:
  explicit Bytes(std::span<const std::uint8_t> b) : b_(b) {}
  bool done() const { return pos_ >= b_.size(); }
  std::uint8_t byte() { return pos_ < b_.size() ? b_[pos_++] : 0; }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : byte() % n; }
  template <class T>
  const T& pick(const std::vector<T>& from) {
    return from[below(from.size())];
  }
  std::string text() {
    static const std::vector<std::string> words = {"",  " ",    "问",         "请说明整改情况",
                                                   "x", "\t\n", "2026-02-30", "2026-03-01"};
    std::string s = pick(words);
    if (byte() % 4 == 0) s += std::string(below(3) * 700, 'a');  // near and over the length limits
    return s;
  }

 private:
  std::span<const std::uint8_t> b_;
  std::size_t pos_ = 0;
};

struct Picker {
  Bytes& in;
  const core::HearingDefinition& def;

  std::string slot() { return in.pick(std::vector<std::string>{"S1", "S2", "S3", "X1", ""}); }
  std::string inquiry() { return "I" + std::to_string(in.below(6)); }
  std::string ballot() { return "B" + std::to_string(in.below(5)); }
  std::string participant() {
    const std::size_t i = in.below(def.participants.size() + 1);
    return i < def.participants.size() ? def.participants[i].id : "ghost";
  }
  std::string grade() {
    return in.pick(std::vector<std::string>{"good", "fair", "poor", "unknown", "bogus"});
  }
  core::Stage stage() { return static_cast<core::Stage>(in.below(6)); }
  core::TimerKind timer() { return static_cast<core::TimerKind>(in.below(2)); }
  std::vector<std::string> some(std::vector<std::string> items) {
    std::vector<std::string> out;
    while (!items.empty() && in.byte() % 5 != 0) {
      const std::size_t k = in.below(items.size());
      out.push_back(items[k]);
      if (in.byte() % 3 != 0)
        items.erase(items.begin() + static_cast<std::ptrdiff_t>(k));  // sometimes repeats
    }
    return out;
  }
  core::Marks marks() {
    core::Marks m;
    for (const auto& s : some({"S1", "S2", "S9"})) {
      for (const auto& d : some({"duty", "integrity", "other"})) {
        auto& marked = m[s][d];
        for (std::size_t n = in.below(3); n > 0; --n) marked.push_back(grade());
      }
    }
    return m;
  }
  // A device's change tag: 64 hex characters, one per participant.
  static std::string device_tag(const std::string& participant) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016zx", std::hash<std::string>{}(participant));
    return std::string(48, 'c') + buf;
  }
  // A device makes a fresh random receipt for every sheet; here one of four per ballot, so that changes of a
  // sheet find their box entry again.
  std::string receipt_hash(const std::string& ballot) {
    return std::string(62, 'a') + ballot.back() + "0123"[in.below(4)];
  }

  core::Command command() {
    using namespace core;
    switch (in.below(34)) {
      case 0:
        return OpenCheckIn{};
      case 1:
        return CheckIn{in.byte() % 2 ? std::optional<ParticipantId>(participant()) : std::nullopt};
      case 2:
        return StartSession{};
      case 3:
        return PauseSession{};
      case 4:
        return ResumeSession{};
      case 5:
        return Adjourn{};
      case 6:
        return CallSlot{slot()};
      case 7:
        return BeginStage{slot(), stage()};
      case 8:
        return SkipSlot{slot()};
      case 9:
        return ReorderAgenda{some({"S1", "S2", "S3", "X1"})};
      case 10:
        return InsertSlot{SlotDef{"S3", participant(), in.text(), static_cast<ReportMode>(in.below(2)),
                                  static_cast<std::int64_t>(in.byte()) - 8, 60},
                          static_cast<std::int64_t>(in.below(5)) - 1};
      case 11:
        return PauseTimer{slot(), timer()};
      case 12:
        return ResumeTimer{slot(), timer()};
      case 13:
        return ExtendTimer{slot(), timer(), static_cast<std::int64_t>(in.byte()) - 16};
      case 14:
        return SubmitInquiry{slot(), in.text(),
                             in.byte() % 3 == 0 ? std::optional<InquiryId>(inquiry()) : std::nullopt};
      case 15:
        return WithdrawInquiry{inquiry()};
      case 16:
        return ApproveInquiry{inquiry()};
      case 17:
        return RejectInquiry{inquiry(), in.text()};
      case 18:
        return OrderInquiries{slot(), some({"I1", "I2", "I3", "I4", "I5"})};
      case 19:
        return AskInquiry{inquiry()};
      case 20:
        return AnswerInquiry{inquiry(), in.text()};
      case 21:
        return RecordCommitment{inquiry(), in.text(), in.text()};
      case 22:
        return UpvoteInquiry{inquiry()};
      case 23:
        return CreateBallot{in.pick(std::vector<std::string>{"anon", "named", "all", "none"}),
                            in.byte() % 4 ? std::optional<SlotId>(slot()) : std::nullopt};
      case 24:
        return OpenBallot{ballot()};
      case 25:
        return CloseBallot{ballot()};
      case 26:
        return PublishBallot{ballot()};
      case 27:
        return VoidBallot{ballot(), in.text()};
      case 28: {
        auto b = ballot();
        auto m = marks();
        return CastSheet{b, std::move(m), receipt_hash(b)};
      }
      case 29:
        return SetDisplay{static_cast<DisplayMode>(in.below(8)),
                          in.byte() % 2 ? std::optional<std::string>(in.text()) : std::nullopt};
      case 30:
        return RemindVoters{ballot()};
      case 31:
        return HandOutPaperSheet{ballot(), participant()};
      case 32: {
        auto b = ballot();
        const auto sheet = static_cast<std::int64_t>(in.below(4));
        auto m = marks();
        return EnterPaperSheet{b, sheet, std::move(m), receipt_hash(b)};
      }
      default:
        return RevokeToken{participant()};
    }
  }
};

std::optional<std::string> check_ballots(const core::HearingState& state) {
  for (const auto& [id, b] : state.ballots) {
    const auto* tpl = state.def.ballot_template(b.template_id);
    if (tpl == nullptr) return "ballot " + id + " has an unknown template";
    // The tally recounts from the ballot box (anonymous) or the named sheets, sheet by sheet.
    core::Tally recount;
    for (const auto& [hash, entry] : b.box) core::add_sheet(recount, *tpl, b.slots, entry, +1);
    for (const auto& [voter, entry] : b.named) core::add_sheet(recount, *tpl, b.slots, entry, +1);
    if (recount != b.tally) return "ballot " + id + ": the tally differs from a recount of its sheets";
    // One sheet per voter who took part, but for paper sheets handed out and not (yet) entered.
    const std::size_t paper_out = b.paper_takers.size() - b.paper_counted.size();
    if (static_cast<std::size_t>(b.tally.sheets) + paper_out != b.voted.size()) {
      return "ballot " + id + ": " + std::to_string(b.tally.sheets) + " sheets for " +
             std::to_string(b.voted.size()) + " voters, " + std::to_string(paper_out) +
             " of them with a paper sheet not entered";
    }
  }
  return std::nullopt;
}

// No receipt hash of an anonymous sheet may appear where the voter's identity is (the log, the disk
// snapshot).
std::optional<std::string> check_secrecy(const core::HearingState& state,
                                         const std::vector<core::Event>& log) {
  const std::string snapshot = core::state_to_json(state, false).dump();
  std::string logged;
  for (const auto& e : log) {
    if (!core::is_secret(e)) logged += core::to_json(e).dump();
  }
  for (const auto& [id, b] : state.ballots) {
    for (const auto& [hash, entry] : b.box) {
      if (snapshot.find(hash) != std::string::npos)
        return "a receipt hash of " + id + " is in the disk snapshot";
      if (logged.find(hash) != std::string::npos) return "a receipt hash of " + id + " is in the event log";
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_views(const core::HearingState& state) {
  std::vector<core::RoleSet> role_sets;
  for (const auto& p : state.def.participants) {
    if (std::find(role_sets.begin(), role_sets.end(), p.roles) == role_sets.end())
      role_sets.push_back(p.roles);
  }
  for (const auto& roles : role_sets) {
    for (auto section : core::kAllSections) (void)core::section_view(state, section, roles).dump();
  }
  for (const auto& p : state.def.participants) (void)core::full_view(state, p.id).dump();
  return std::nullopt;
}

std::optional<std::string> run_script(std::span<const std::uint8_t> bytes) {
  const auto& def = fuzz_hearing();
  core::HearingState state = core::make_hearing(def);
  core::HearingState replay = state;
  std::vector<core::Event> log;
  Bytes in(bytes);
  Picker pick{in, def};
  core::TimeMs now = 1767225600000;
  for (int step = 0; step < 200 && !in.done(); ++step) {
    const std::string actor = pick.participant();
    now += static_cast<core::TimeMs>(in.byte()) * 997;
    core::Command cmd = pick.command();
    // The voter's own device tag mostly; sometimes another voter's, or none, as a thief would send.
    if (auto* sheet = std::get_if<core::CastSheet>(&cmd)) {
      const std::size_t who = in.below(8);
      if (who != 0) sheet->change_tag = Picker::device_tag(who == 1 ? pick.participant() : actor);
    }
    const std::string where =
        "step " + std::to_string(step) + " " + std::string(core::command_name(cmd)) + " by " + actor;
    // A command survives its own wire form.
    const json wire = core::to_json(cmd);
    if (auto back = core::command_from_json(wire); back && core::to_json(*back) != wire) {
      return where + ": command JSON round trip differs";
    }
    const core::HearingState before = state;
    auto result = core::execute(state, actor, cmd, now);
    if (!result) {
      if (!(state == before))
        return where + ": a refused command (" + result.error().message + ") changed the state";
      continue;
    }
    for (const auto& e : *result) {
      const json ej = core::to_json(e);
      auto back = core::event_from_json(ej);
      if (!back) return where + ": event " + ej.dump() + " does not decode: " + back.error().message;
      if (core::to_json(*back) != ej) return where + ": event JSON round trip differs: " + ej.dump();
      core::apply(replay, e);
      log.push_back(e);
    }
  }
  // Checked once at the end, not after every step: comparing whole states dominates the run time.
  if (!(replay == state)) return "replaying the events does not rebuild the state";
  if (auto broken = check_ballots(state)) return broken;
  const json full = core::state_to_json(state, true);
  auto restored = core::state_from_json(full);
  if (!restored)
    return "state_from_json(state_to_json) failed: " + restored.error().message + " at " +
           restored.error().field;
  if (!(*restored == state) || core::state_to_json(*restored, true) != full)
    return "state JSON round trip differs";
  if (auto broken = check_secrecy(state, log)) return broken;
  return check_views(state);
}

template <class Fn>
std::optional<std::string> guarded(Fn fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return std::string("threw: ") + e.what();
  }
}

}  // namespace

std::optional<std::string> decode_frame(std::string_view frame) {
  return guarded([&] { return decode(frame); });
}

std::optional<std::string> run_engine_script(std::span<const std::uint8_t> bytes) {
  return guarded([&] { return run_script(bytes); });
}

}  // namespace dais::fuzz
