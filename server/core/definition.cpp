#include "core/definition.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include <dais/schemas.hpp>

#include "core/decide.hpp"
#include "core/names.hpp"
#include "core/schema.hpp"

namespace dais::core {

using nlohmann::json;

namespace {

template <class T>
const T* find_by_id(const std::vector<T>& items, const std::string& id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& item) { return item.id == id; });
  return it == items.end() ? nullptr : &*it;
}

}  // namespace

const Participant* HearingDefinition::participant(const ParticipantId& pid) const {
  return find_by_id(participants, pid);
}
const SlotDef* HearingDefinition::slot(const SlotId& sid) const {
  return find_by_id(agenda, sid);
}
const BallotTemplate* HearingDefinition::ballot_template(const TemplateId& tid) const {
  return find_by_id(ballot_templates, tid);
}
const ScoringRule* HearingDefinition::rule(const RuleId& rid) const {
  return find_by_id(rules, rid);
}
const VoterGroup* HearingDefinition::voter_group(const GroupId& gid) const {
  return find_by_id(voter_groups, gid);
}

namespace {
bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}
}  // namespace

bool is_iso_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (std::isdigit(static_cast<unsigned char>(s[i])) == 0) return false;
  }
  const int year = std::stoi(s.substr(0, 4));
  const int month = std::stoi(s.substr(5, 2));
  const int day = std::stoi(s.substr(8, 2));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  const int days = kDays[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
  return day <= days;
}

GroupId HearingDefinition::tally_group(const Participant& p) const {
  for (const GroupId& g : p.groups) {
    if (voter_group(g) != nullptr) return g;
  }
  return {};
}

// ---------------------------------------------------------------------------------------------------------
// Enum names: the one table per enum (names.hpp), used in both directions.

namespace {

// The schema has already checked the name; an unknown one here means the schema and names.hpp disagree.
template <class E>
void read_enum(const json& j, const char* key, E& out) {
  if (auto it = j.find(key); it != j.end()) {
    const auto& s = it->get_ref<const std::string&>();
    const auto value = wire::value_named<E>(s);
    if (!value) throw std::invalid_argument("unknown name '" + s + "'");
    out = *value;
  }
}

template <class T>
void read(const json& j, const char* key, T& out) {
  if (auto it = j.find(key); it != j.end()) it->get_to(out);
}

Fraction fraction_of(const json& j) {
  return Fraction{j.at(0).get<std::int64_t>(), j.at(1).get<std::int64_t>()};
}
json fraction_json(const Fraction& f) {
  return json::array({f.num, f.den});
}

// --- JSON → structs (the document has passed the schema, so types and enum names are right) -------------

VoterGroup group_of(const json& j) {
  VoterGroup g;
  read(j, "id", g.id);
  read(j, "name", g.name);
  read(j, "weight", g.weight);
  return g;
}

Participant participant_of(const json& j) {
  Participant p;
  read(j, "id", p.id);
  read(j, "name", p.name);
  read(j, "post", p.post);
  read(j, "groups", p.groups);
  read(j, "card", p.card);
  for (const json& r : j.at("roles")) {
    auto role = role_from_string(r.get_ref<const std::string&>());
    if (!role) throw std::invalid_argument("unknown role");
    p.roles.add(*role);
  }
  return p;
}

SlotDef slot_of(const json& j) {
  SlotDef s;
  read(j, "id", s.id);
  read(j, "presenter", s.presenter);
  read(j, "title", s.title);
  read_enum(j, "mode", s.mode);
  read_enum(j, "kind", s.kind);
  read(j, "report_limit_s", s.report_limit_s);
  read(j, "qa_budget_s", s.qa_budget_s);
  for (const json& jr : j.value("review", json::array())) {
    ReviewItem r;
    read(jr, "from", r.from);
    read(jr, "text", r.text);
    read(jr, "due", r.due);
    read(jr, "status", r.status);
    read(jr, "progress", r.progress);
    s.review.push_back(std::move(r));
  }
  return s;
}

BallotTemplate template_of(const json& j) {
  BallotTemplate t;
  read(j, "id", t.id);
  read(j, "title", t.title);
  read_enum(j, "scope", t.scope);
  for (const json& jd : j.at("dimensions")) {
    Dimension d;
    read(jd, "id", d.id);
    read(jd, "label", d.label);
    for (const json& jg : jd.at("grades")) {
      Grade g;
      read(jg, "id", g.id);
      read(jg, "label", g.label);
      read(jg, "points", g.points);
      read(jg, "valid", g.valid);
      d.grades.push_back(std::move(g));
    }
    t.dimensions.push_back(std::move(d));
  }
  read(j, "anonymous", t.anonymous);
  read_enum(j, "change", t.change);
  read(j, "eligible_groups", t.eligible_groups);
  read(j, "rule", t.rule);
  return t;
}

ScoringRule rule_of(const json& j) {
  ScoringRule r;
  read(j, "id", r.id);
  read(j, "name", r.name);
  if (auto it = j.find("dimension"); it != j.end()) r.dimension = it->get<DimensionId>();
  read(j, "satisfied_grades", r.satisfied_grades);
  read(j, "weight_groups", r.weight_groups);
  for (const json& js : j.value("shares", json::array())) {
    ShareCondition c;
    read(js, "grades", c.grades);
    read_enum(js, "op", c.op);
    c.share = fraction_of(js.at("share"));
    read_enum(js, "of", c.of);
    read(js, "verdict", c.verdict);
    r.shares.push_back(std::move(c));
  }
  for (const json& jb : j.value("bands", json::array())) {
    ScoreBand b;
    read(jb, "min", b.min);
    read(jb, "verdict", b.verdict);
    r.bands.push_back(std::move(b));
  }
  read(j, "otherwise", r.otherwise);
  for (const json& jf : j.value("flags", json::array())) {
    FlagRule f;
    read_enum(jf, "metric", f.metric);
    read_enum(jf, "op", f.op);
    read(jf, "threshold", f.threshold);
    read(jf, "label", f.label);
    r.flags.push_back(std::move(f));
  }
  read_enum(j, "rank_by", r.rank_by);
  return r;
}

Settings settings_of(const json& j) {
  Settings s;
  read_enum(j, "live_results", s.live_results);
  read_enum(j, "results", s.results);
  read(j, "k_anonymity", s.k_anonymity);
  read(j, "voting_requires_check_in", s.voting_requires_check_in);
  if (auto it = j.find("quorum"); it != j.end()) s.quorum = fraction_of(*it);
  read(j, "voters_may_check_receipts", s.voters_may_check_receipts);
  read(j, "inquiries_per_author", s.inquiries_per_author);
  read(j, "close_warning_turnout", s.close_warning_turnout);
  read(j, "locale", s.locale);
  read(j, "rehearsal", s.rehearsal);
  read(j, "code_cards", s.code_cards);
  return s;
}

HearingDefinition definition_of(const json& j) {
  HearingDefinition d;
  read(j, "id", d.id);
  read(j, "title", d.title);
  read(j, "date", d.date);
  read(j, "venue", d.venue);
  for (const json& x : j.value("voter_groups", json::array())) d.voter_groups.push_back(group_of(x));
  for (const json& x : j.at("participants")) d.participants.push_back(participant_of(x));
  for (const json& x : j.at("agenda")) d.agenda.push_back(slot_of(x));
  for (const json& x : j.at("ballot_templates")) d.ballot_templates.push_back(template_of(x));
  for (const json& x : j.at("rules")) d.rules.push_back(rule_of(x));
  if (auto it = j.find("settings"); it != j.end()) d.settings = settings_of(*it);
  return d;
}

// --- Cross-references: what the schema cannot say -------------------------------------------------------

std::string at(const std::string& base, std::size_t index) {
  return base + "/" + std::to_string(index);
}
std::string quoted(const std::string& id) {
  return "'" + id + "'";
}
Error bad(std::string field, std::string message) {
  return make_error(ErrorCode::invalid, std::move(message), std::move(field));
}

template <class T>
std::optional<Error> unique_ids(const std::vector<T>& items, const std::string& base) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!seen.insert(items[i].id).second)
      return bad(at(base, i) + "/id", quoted(items[i].id) + " is used twice");
  }
  return std::nullopt;
}

const Grade* find_grade(const Dimension& d, const GradeId& g) {
  return find_by_id(d.grades, g);
}

// The dimensions of a template that a rule reads: its own dimension, or all of them.
std::vector<const Dimension*> scope_of(const ScoringRule& r, const BallotTemplate& t) {
  std::vector<const Dimension*> out;
  for (const Dimension& d : t.dimensions) {
    if (!r.dimension || d.id == *r.dimension) out.push_back(&d);
  }
  return out;
}

// A grade a rule names must be a grade of at least one dimension the rule reads in every template using it.
std::optional<Error> check_rule_grades(const std::vector<GradeId>& grades, const std::string& base,
                                       const std::vector<const Dimension*>& scope, const BallotTemplate& t,
                                       bool must_be_valid) {
  for (std::size_t i = 0; i < grades.size(); ++i) {
    const Grade* found = nullptr;
    for (const Dimension* d : scope) {
      if ((found = find_grade(*d, grades[i])) != nullptr) break;
    }
    if (found == nullptr) {
      return bad(at(base, i), quoted(grades[i]) + " is not a grade of ballot template " + quoted(t.id));
    }
    if (must_be_valid && !found->valid) {
      return bad(at(base, i),
                 quoted(grades[i]) + " does not count as a valid vote, so it cannot be satisfied");
    }
  }
  return std::nullopt;
}

std::optional<Error> check_rule_against(const ScoringRule& r, const std::string& base,
                                        const BallotTemplate& t) {
  if (r.dimension && t.dimensions.end() == std::find_if(t.dimensions.begin(), t.dimensions.end(),
                                                        [&](auto& d) { return d.id == *r.dimension; })) {
    return bad(base + "/dimension",
               quoted(*r.dimension) + " is not a dimension of ballot template " + quoted(t.id));
  }
  auto scope = scope_of(r, t);
  if (auto e = check_rule_grades(r.satisfied_grades, base + "/satisfied_grades", scope, t, true)) return e;
  for (std::size_t i = 0; i < r.shares.size(); ++i) {
    if (auto e =
            check_rule_grades(r.shares[i].grades, at(base + "/shares", i) + "/grades", scope, t, false)) {
      return e;
    }
  }
  return std::nullopt;
}

std::optional<Error> check_rule(const ScoringRule& r, const std::string& base) {
  for (std::size_t i = 0; i < r.shares.size(); ++i) {
    const Fraction& f = r.shares[i].share;
    if (f.den <= 0 || f.num < 0 || f.num > f.den) {
      return bad(at(base + "/shares", i) + "/share", "must be a fraction [num, den] with 0 <= num <= den");
    }
  }
  bool uses_satisfaction = r.rank_by == Metric::satisfaction;
  for (std::size_t i = 0; i < r.flags.size(); ++i) {
    const FlagRule& f = r.flags[i];
    if (f.metric != Metric::satisfaction) continue;
    uses_satisfaction = true;
    if (f.threshold < 0 || f.threshold > 1) {
      return bad(at(base + "/flags", i) + "/threshold",
                 "a satisfaction threshold is a share between 0 and 1");
    }
  }
  if (uses_satisfaction && r.satisfied_grades.empty()) {
    return bad(base + "/satisfied_grades", "is required when the rule ranks or flags by satisfaction");
  }
  return std::nullopt;
}

std::optional<Error> check_people(const HearingDefinition& d) {
  for (std::size_t i = 0; i < d.voter_groups.size(); ++i) {
    if (!(d.voter_groups[i].weight > 0))
      return bad(at("/voter_groups", i) + "/weight", "must be greater than 0");
  }
  for (std::size_t i = 0; i < d.participants.size(); ++i) {
    const Participant& p = d.participants[i];
    for (std::size_t g = 0; g < p.groups.size(); ++g) {
      if (d.voter_group(p.groups[g]) == nullptr) {
        return bad(at(at("/participants", i) + "/groups", g), quoted(p.groups[g]) + " is not a voter group");
      }
    }
  }
  for (std::size_t i = 0; i < d.agenda.size(); ++i) {
    const SlotDef& s = d.agenda[i];
    // A remark or a break has nobody to question or grade; a presenter named on one would be taken for one.
    if (!s.has_presenter()) {
      if (!s.presenter.empty())
        return bad(at("/agenda", i) + "/presenter",
                   "a " + std::string(wire::name_of(s.kind)) + " has no presenter");
      continue;
    }
    const Participant* p = d.participant(s.presenter);
    if (p == nullptr)
      return bad(at("/agenda", i) + "/presenter", quoted(s.presenter) + " is not a participant");
    if (!p->roles.has(Role::presenter)) {
      return bad(at("/agenda", i) + "/presenter", quoted(s.presenter) + " does not hold the presenter role");
    }
  }
  return std::nullopt;
}

// Code cards: a card is a bare voter credential of one voter group; with the mode on, only cards vote, so
// quorum and turnout count cards and no person's sheet can be told from a card's.
std::optional<Error> check_code_cards(const HearingDefinition& d) {
  for (std::size_t i = 0; i < d.participants.size(); ++i) {
    const Participant& p = d.participants[i];
    const std::string base = at("/participants", i);
    if (!p.card) {
      if (p.roles.empty() && !d.settings.code_cards) return bad(base + "/roles", "needs at least one role");
      if (d.settings.code_cards && p.roles.has(Role::voter)) {
        return bad(base + "/roles",
                   quoted(p.id) + " is a person: with code cards the voter role belongs to the cards");
      }
      continue;
    }
    if (!d.settings.code_cards) return bad(base + "/card", "a code card needs settings.code_cards");
    if (p.roles != RoleSet{Role::voter}) {
      return bad(base + "/roles", "a code card holds the voter role and no other");
    }
    if (p.groups.size() != 1) return bad(base + "/groups", "a code card belongs to exactly one voter group");
    if (!p.post.empty()) return bad(base + "/post", "a code card names no post: it is no person's");
  }
  return std::nullopt;
}

// A review (回头看) belongs to a presenter's slot and stays within the bounds the screens are built for.
std::optional<Error> check_review(const SlotDef& s, const std::string& base) {
  if (s.review.empty()) return std::nullopt;
  if (!s.has_presenter())
    return bad(base + "/review", "a " + std::string(wire::name_of(s.kind)) + " has no review");
  if (s.review.size() > kMaxReviewItems) {
    return bad(base + "/review", "at most " + std::to_string(kMaxReviewItems) + " commitments under review");
  }
  for (std::size_t i = 0; i < s.review.size(); ++i) {
    const ReviewItem& r = s.review[i];
    const std::string item = at(base + "/review", i);
    if (auto e = check_text(r.from, kMaxReviewFromChars, item + "/from")) return e;
    if (auto e = check_text(r.text, kMaxReviewTextChars, item + "/text")) return e;
    if (!is_iso_date(r.due)) return bad(item + "/due", "the due date is a real date written YYYY-MM-DD");
    if (auto e = check_text(r.progress, kMaxReviewProgressChars, item + "/progress", true)) return e;
  }
  return std::nullopt;
}

std::optional<Error> check_ballots(const HearingDefinition& d) {
  for (std::size_t i = 0; i < d.ballot_templates.size(); ++i) {
    const BallotTemplate& t = d.ballot_templates[i];
    const std::string base = at("/ballot_templates", i);
    if (auto e = unique_ids(t.dimensions, base + "/dimensions")) return e;
    for (std::size_t k = 0; k < t.dimensions.size(); ++k) {
      if (auto e = unique_ids(t.dimensions[k].grades, at(base + "/dimensions", k) + "/grades")) return e;
    }
    for (std::size_t g = 0; g < t.eligible_groups.size(); ++g) {
      if (d.voter_group(t.eligible_groups[g]) == nullptr) {
        return bad(at(base + "/eligible_groups", g), quoted(t.eligible_groups[g]) + " is not a voter group");
      }
    }
    const auto rule = std::find_if(d.rules.begin(), d.rules.end(), [&](auto& r) { return r.id == t.rule; });
    if (rule == d.rules.end()) return bad(base + "/rule", quoted(t.rule) + " is not a scoring rule");
    const auto r_index = static_cast<std::size_t>(rule - d.rules.begin());
    if (auto e = check_rule_against(*rule, at("/rules", r_index), t)) return e;
    if (rule->weight_groups) {
      // Weighting needs every eligible voter's sheets under a group with a weight.
      for (std::size_t p = 0; p < d.participants.size(); ++p) {
        const Participant& who = d.participants[p];
        if (who.roles.has(Role::voter) && t.eligible_groups.empty() && d.tally_group(who).empty()) {
          return bad(at("/participants", p) + "/groups", "voter " + quoted(who.id) +
                                                             " needs a voter group: ballot template " +
                                                             quoted(t.id) + " weights groups");
        }
      }
    }
  }
  return std::nullopt;
}

std::optional<Error> check_settings(const Settings& s) {
  if (s.k_anonymity < 1) return bad("/settings/k_anonymity", "must be at least 1");
  if (s.quorum.den <= 0 || s.quorum.num <= 0 || s.quorum.num > s.quorum.den) {
    return bad("/settings/quorum", "must be a fraction [num, den] with 0 < num <= den");
  }
  if (s.inquiries_per_author < 1) return bad("/settings/inquiries_per_author", "must be at least 1");
  if (!(s.close_warning_turnout >= 0 && s.close_warning_turnout <= 1)) {
    return bad("/settings/close_warning_turnout", "must be a share between 0 and 1");
  }
  return std::nullopt;
}

std::optional<Error> check_references(const HearingDefinition& d) {
  if (auto e = unique_ids(d.voter_groups, "/voter_groups")) return e;
  if (auto e = unique_ids(d.participants, "/participants")) return e;
  if (auto e = unique_ids(d.agenda, "/agenda")) return e;
  if (auto e = unique_ids(d.ballot_templates, "/ballot_templates")) return e;
  if (auto e = unique_ids(d.rules, "/rules")) return e;
  if (auto e = check_people(d)) return e;
  for (std::size_t i = 0; i < d.agenda.size(); ++i) {
    if (auto e = check_review(d.agenda[i], at("/agenda", i))) return e;
  }
  if (auto e = check_code_cards(d)) return e;
  for (std::size_t i = 0; i < d.rules.size(); ++i) {
    if (auto e = check_rule(d.rules[i], at("/rules", i))) return e;
  }
  if (auto e = check_ballots(d)) return e;
  return check_settings(d.settings);
}

const json& definition_schema_json() {
  static const json doc = json::parse(protocol::schema_files().at("hearing-definition.schema.json"));
  return doc;
}

Schema compile_or_throw(const json& schema, const std::string& where) {
  auto compiled = Schema::compile(schema);
  if (!compiled)
    throw std::logic_error("hearing-definition.schema.json" + where + ": " + compiled.error().message);
  return std::move(compiled).value();
}

const Schema& definition_schema() {
  static const Schema schema = compile_or_throw(definition_schema_json(), "");
  return schema;
}

}  // namespace

std::optional<Error> check_id(const std::string& id, const std::string& field) {
  static const Schema rule = compile_or_throw(definition_schema_json().at("$defs").at("id"), "#/$defs/id");
  auto e = rule.validate(id);
  if (e) e->field = field;
  return e;
}

Result<HearingDefinition> parse_definition(const json& doc) {
  if (auto e = definition_schema().validate(doc)) return *e;
  HearingDefinition def;
  try {
    def = definition_of(doc);
  } catch (const std::exception& e) {
    // Only reachable if the schema lets through something this reader does not understand.
    return bad("", std::string("unreadable definition: ") + e.what());
  }
  if (auto e = check_references(def)) return *e;
  return def;
}

// --- Structs → JSON: every field written out, so the file says exactly what the hearing uses ---------------

json review_json(const std::vector<ReviewItem>& review) {
  json out = json::array();
  for (const ReviewItem& r : review) {
    out.push_back(
        {{"from", r.from}, {"text", r.text}, {"due", r.due}, {"status", r.status}, {"progress", r.progress}});
  }
  return out;
}

json to_json(const HearingDefinition& d) {
  json groups = json::array();
  for (const VoterGroup& g : d.voter_groups)
    groups.push_back({{"id", g.id}, {"name", g.name}, {"weight", g.weight}});

  json people = json::array();
  for (const Participant& p : d.participants) {
    json roles = json::array();
    for (Role r : p.roles.list()) roles.push_back(std::string(to_string(r)));
    people.push_back(
        {{"id", p.id}, {"name", p.name}, {"post", p.post}, {"groups", p.groups}, {"roles", roles}});
    if (p.card) people.back()["card"] = true;  // written only when set, like settings.rehearsal
  }

  json agenda = json::array();
  for (const SlotDef& s : d.agenda) {
    json slot = {{"id", s.id},
                 {"title", s.title},
                 {"mode", wire::name_of(s.mode)},
                 {"report_limit_s", s.report_limit_s},
                 {"qa_budget_s", s.qa_budget_s}};
    if (s.has_presenter())
      slot["presenter"] = s.presenter;
    else
      slot["kind"] = wire::name_of(s.kind);
    if (!s.review.empty()) slot["review"] = review_json(s.review);  // written only when there is one
    agenda.push_back(std::move(slot));
  }

  json templates = json::array();
  for (const BallotTemplate& t : d.ballot_templates) {
    json dims = json::array();
    for (const Dimension& dim : t.dimensions) {
      json grades = json::array();
      for (const Grade& g : dim.grades) {
        grades.push_back({{"id", g.id}, {"label", g.label}, {"points", g.points}, {"valid", g.valid}});
      }
      dims.push_back({{"id", dim.id}, {"label", dim.label}, {"grades", grades}});
    }
    templates.push_back({{"id", t.id},
                         {"title", t.title},
                         {"scope", wire::name_of(t.scope)},
                         {"dimensions", dims},
                         {"anonymous", t.anonymous},
                         {"change", wire::name_of(t.change)},
                         {"eligible_groups", t.eligible_groups},
                         {"rule", t.rule}});
  }

  json rules = json::array();
  for (const ScoringRule& r : d.rules) {
    json shares = json::array();
    for (const ShareCondition& c : r.shares) {
      shares.push_back({{"grades", c.grades},
                        {"op", wire::name_of(c.op)},
                        {"share", fraction_json(c.share)},
                        {"of", wire::name_of(c.of)},
                        {"verdict", c.verdict}});
    }
    json bands = json::array();
    for (const ScoreBand& b : r.bands) bands.push_back({{"min", b.min}, {"verdict", b.verdict}});
    json flags = json::array();
    for (const FlagRule& f : r.flags) {
      flags.push_back({{"metric", wire::name_of(f.metric)},
                       {"op", wire::name_of(f.op)},
                       {"threshold", f.threshold},
                       {"label", f.label}});
    }
    json jr = {{"id", r.id},
               {"name", r.name},
               {"satisfied_grades", r.satisfied_grades},
               {"weight_groups", r.weight_groups},
               {"shares", shares},
               {"bands", bands},
               {"otherwise", r.otherwise},
               {"flags", flags},
               {"rank_by", wire::name_of(r.rank_by)}};
    if (r.dimension) jr["dimension"] = *r.dimension;
    rules.push_back(std::move(jr));
  }

  const Settings& s = d.settings;
  json settings = {{"live_results", wire::name_of(s.live_results)},
                   {"results", wire::name_of(s.results)},
                   {"k_anonymity", s.k_anonymity},
                   {"voting_requires_check_in", s.voting_requires_check_in},
                   {"quorum", fraction_json(s.quorum)},
                   {"voters_may_check_receipts", s.voters_may_check_receipts},
                   {"inquiries_per_author", s.inquiries_per_author},
                   {"close_warning_turnout", s.close_warning_turnout},
                   {"locale", s.locale}};
  if (s.rehearsal) settings["rehearsal"] = true;  // written only when set: real definitions keep their form
  if (s.code_cards) settings["code_cards"] = true;

  return {{"id", d.id},
          {"title", d.title},
          {"date", d.date},
          {"venue", d.venue},
          {"voter_groups", groups},
          {"participants", people},
          {"agenda", agenda},
          {"ballot_templates", templates},
          {"rules", rules},
          {"settings", settings}};
}

}  // namespace dais::core
