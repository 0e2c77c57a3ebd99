// `dais check FILE`: validates a hearing definition and prints what the hearing will be, in words, so that
// the organisers can read back the agenda, the people, the ballots and the scoring rules before the day.
#include <algorithm>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "app/json_file.hpp"
#include "core/definition.hpp"

namespace dais::app {
namespace {

using core::HearingDefinition;

std::string minutes(std::int64_t seconds) {
  std::ostringstream out;
  out << seconds / 60 << ':' << (seconds % 60 < 10 ? "0" : "") << seconds % 60;
  return out.str();
}

std::string number(double d) {
  std::ostringstream out;
  out << d;
  return out.str();
}

std::string percent(double share) {
  return number(share * 100) + "%";
}

std::string fraction(const core::Fraction& f) {
  return std::to_string(f.num) + "/" + std::to_string(f.den);
}

const char* comparison(core::Comparison op) {
  switch (op) {
    case core::Comparison::at_least:
      return "≥";
    case core::Comparison::more_than:
      return ">";
    case core::Comparison::less_than:
      return "<";
    case core::Comparison::at_most:
      return "≤";
  }
  return "?";
}

// A grade's label as the ballots that use `rule` print it (ids are for machines).
std::string grade_label(const HearingDefinition& d, const core::ScoringRule& rule, const core::GradeId& id) {
  for (const core::BallotTemplate& t : d.ballot_templates) {
    if (t.rule != rule.id) continue;
    for (const core::Dimension& dim : t.dimensions) {
      for (const core::Grade& g : dim.grades) {
        if (g.id == id) return g.label;
      }
    }
  }
  return id;
}

std::string grade_sum(const HearingDefinition& d, const core::ScoringRule& rule,
                      const std::vector<core::GradeId>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : " + ") + grade_label(d, rule, id);
  return out;
}

void print_header(std::ostream& out, const HearingDefinition& d) {
  out << d.title << "\n";
  out << "  id: " << d.id << "\n";
  out << "  date: " << d.date << (d.venue.empty() ? "" : "   venue: " + d.venue) << "\n";
}

void print_agenda(std::ostream& out, const HearingDefinition& d) {
  const auto presenters = std::count_if(d.agenda.begin(), d.agenda.end(),
                                        [](const core::SlotDef& s) { return s.has_presenter(); });
  const auto others = static_cast<std::ptrdiff_t>(d.agenda.size()) - presenters;
  out << "\nAgenda (" << presenters << " presenters"
      << (others > 0 ? ", " + std::to_string(others) + " remarks or breaks" : "") << ")\n";
  for (std::size_t i = 0; i < d.agenda.size(); ++i) {
    const core::SlotDef& s = d.agenda[i];
    if (!s.has_presenter()) {
      // An opening remark or a break: its title and its one timer, nobody to question or grade.
      out << "  " << (i + 1 < 10 ? " " : "") << i + 1 << ". " << s.id << "  "
          << (s.kind == core::SlotKind::recess ? "break" : "remark") << " — " << s.title << "  ["
          << minutes(s.report_limit_s) << "]\n";
      continue;
    }
    const core::Participant* p = d.participant(s.presenter);
    out << "  " << (i + 1 < 10 ? " " : "") << i + 1 << ". " << s.id << "  " << (p ? p->name : s.presenter);
    if (p && !p->post.empty()) out << "，" << p->post;
    if (!s.title.empty()) out << " — " << s.title;
    if (s.mode == core::ReportMode::oral) {
      out << "  [oral, report " << minutes(s.report_limit_s) << ", Q&A " << minutes(s.qa_budget_s) << "]\n";
    } else {
      out << "  [written, Q&A " << minutes(s.qa_budget_s) << "]\n";
    }
  }
}

void print_people(std::ostream& out, const HearingDefinition& d) {
  out << "\nParticipants (" << d.participants.size() << ")\n  by role:";
  bool first = true;
  for (core::Role r : core::kAllRoles) {
    auto n = std::count_if(d.participants.begin(), d.participants.end(),
                           [&](const core::Participant& p) { return p.roles.has(r); });
    if (n == 0) continue;
    out << (first ? " " : ", ") << core::to_string(r) << " " << n;
    first = false;
  }
  out << "\n  by group:";
  first = true;
  for (const core::VoterGroup& g : d.voter_groups) {
    auto n = std::count_if(d.participants.begin(), d.participants.end(), [&](const core::Participant& p) {
      return std::find(p.groups.begin(), p.groups.end(), g.id) != p.groups.end();
    });
    out << (first ? " " : ", ") << g.name << " " << n;
    first = false;
  }
  auto none = std::count_if(d.participants.begin(), d.participants.end(),
                            [](const core::Participant& p) { return p.groups.empty(); });
  out << (first ? " " : ", ") << "no group " << none << "\n";

  if (d.voter_groups.empty()) return;
  double total = 0;
  for (const core::VoterGroup& g : d.voter_groups) total += g.weight;
  out << "\nVoter groups\n";
  for (const core::VoterGroup& g : d.voter_groups) {
    out << "  " << g.id << "  " << g.name << "  weight " << number(g.weight) << " ("
        << percent(g.weight / total) << " when all groups vote)\n";
  }
}

void print_ballots(std::ostream& out, const HearingDefinition& d) {
  out << "\nBallots\n";
  for (const core::BallotTemplate& t : d.ballot_templates) {
    out << "  " << t.id << "  " << t.title << "\n    "
        << (t.scope == core::BallotScope::per_presenter ? "one ballot per presenter"
                                                        : "one sheet for all presenters")
        << ", " << (t.anonymous ? "anonymous" : "named") << ", "
        << (t.change == core::ChangePolicy::first_press ? "first press counts"
                                                        : "changeable until the ballot closes")
        << "\n    eligible: ";
    if (t.eligible_groups.empty()) {
      out << "every voter";
    } else {
      for (std::size_t i = 0; i < t.eligible_groups.size(); ++i) {
        const core::VoterGroup* g = d.voter_group(t.eligible_groups[i]);
        out << (i ? ", " : "") << (g ? g->name : t.eligible_groups[i]);
      }
    }
    out << "\n    " << t.dimensions.size() << (t.dimensions.size() == 1 ? " dimension:\n" : " dimensions:\n");
    for (const core::Dimension& dim : t.dimensions) {
      out << "      " << dim.label << ": ";
      for (std::size_t i = 0; i < dim.grades.size(); ++i) {
        const core::Grade& g = dim.grades[i];
        out << (i ? ", " : "") << g.label << (g.valid ? " " + number(g.points) : " (not a valid vote)");
      }
      out << "\n";
    }
    out << "    scored by: " << t.rule << "\n";
  }
}

std::string base_words(core::ShareBase b) {
  switch (b) {
    case core::ShareBase::valid:
      return "valid votes";
    case core::ShareBase::cast:
      return "sheets cast";
    case core::ShareBase::members:
      return "all members (voted or not)";
  }
  return "?";
}

void print_rule(std::ostream& out, const HearingDefinition& d, const core::ScoringRule& r) {
  out << "  " << r.id << "  " << r.name << "\n";
  const std::string scope = r.dimension ? "dimension " + *r.dimension : "all dimensions pooled";
  if (!r.satisfied_grades.empty()) {
    out << "    satisfaction = (" << grade_sum(d, r, r.satisfied_grades) << ") / valid votes, " << scope
        << "\n";
  }
  out << "    points = average grade points over valid votes, " << scope;
  out << (r.weight_groups ? ", per voter group, then weighted by group\n" : "\n");
  out << "    verdict:";
  for (const core::ShareCondition& c : r.shares) {
    out << " " << c.verdict << " if " << grade_sum(d, r, c.grades) << " " << comparison(c.op) << " "
        << fraction(c.share) << " of " << base_words(c.of) << ";";
  }
  std::vector<core::ScoreBand> bands = r.bands;
  std::sort(bands.begin(), bands.end(), [](const auto& a, const auto& b) { return a.min > b.min; });
  for (const core::ScoreBand& b : bands) out << " " << b.verdict << " if points ≥ " << number(b.min) << ";";
  out << (r.otherwise.empty() ? " none otherwise" : " otherwise " + r.otherwise) << "\n";
  for (const core::FlagRule& f : r.flags) {
    const bool sat = f.metric == core::Metric::satisfaction;
    out << "    flag " << f.label << " when " << (sat ? "satisfaction " : "points ") << comparison(f.op)
        << " " << (sat ? percent(f.threshold) : number(f.threshold)) << "\n";
  }
  out << "    ranked by " << (r.rank_by == core::Metric::points ? "points" : "satisfaction")
      << ", highest first; equal scores share a rank\n";
}

void print_settings(std::ostream& out, const core::Settings& s) {
  const char* live = s.live_results == core::LiveResults::everyone ? "everyone"
                     : s.live_results == core::LiveResults::chair_and_display
                         ? "the chair and the hall display"
                     : s.live_results == core::LiveResults::chair ? "the chair only"
                                                                  : "nobody";
  out << "\nSettings\n";
  out << "  live results seen by: " << live << "\n";
  out << "  results: "
      << (s.results == core::ResultsRelease::on_site ? "announced on site" : "released later") << "\n";
  out << "  anonymous live tallies move by at least " << s.k_anonymity << " sheets\n";
  out << "  voting requires check-in: " << (s.voting_requires_check_in ? "yes" : "no") << "\n";
  out << "  quorum: " << fraction(s.quorum) << " of expected voters\n";
  out << "  voters may check their receipts: " << (s.voters_may_check_receipts ? "yes" : "no") << "\n";
  out << "  inquiries per questioner: at most " << s.inquiries_per_author
      << " (withdrawn and rejected ones count)\n";
  out << "  locale: " << s.locale << "\n";
}

void print_summary(std::ostream& out, const HearingDefinition& d) {
  print_header(out, d);
  print_agenda(out, d);
  print_people(out, d);
  print_ballots(out, d);
  out << "\nScoring rules\n";
  for (const core::ScoringRule& r : d.rules) print_rule(out, d, r);
  print_settings(out, d.settings);
}

// Reads and checks the file; on any problem prints "FILE: where: why" and returns 1.
int check(const std::string& file) {
  auto doc = read_json_file(file);
  if (!doc) {
    std::cerr << doc.error().message << "\n";
    return 1;
  }
  auto def = core::parse_definition(*doc);
  if (!def) {
    const core::Error& e = def.error();
    std::cerr << file << ": " << (e.field.empty() ? "/" : e.field) << ": " << e.message << "\n";
    return 1;
  }
  print_summary(std::cout, *def);
  return 0;
}

}  // namespace

void register_check(CLI::App& app) {
  auto* cmd = app.add_subcommand("check", "Validate a hearing definition file and print a summary");
  auto file = std::make_shared<std::string>();
  cmd->add_option("FILE", *file, "hearing definition (JSON)")->required();
  cmd->callback([file] { set_exit_code(check(*file)); });
}

}  // namespace dais::app
