#pragma once
// Reports for the chair and the scrutineer, built from the committed state alone (no sockets): the results of
// closed and published ballots as JSON and as CSV, and the printable minutes (纪要).
#include <functional>
#include <string>
#include <string_view>

#include "core/state.hpp"
#include "core/tally.hpp"
#include "net/group_counts.hpp"

namespace dais::net {

// With the ballots' casting order (casting_order of the hearing's log), each ballot also says whether its
// counts per voter group may be shown (group_counts.hpp) and, where they may, gives them per presenter and
// dimension; without it no ballot's groups are broken out.
std::string results_json(const core::HearingState& state, const CastingOrder& order = {});
// UTF-8 with a byte-order mark, so that Excel opens it as UTF-8; one row per ballot × presenter × dimension.
std::string results_csv(const core::HearingState& state);
// A self-contained printable HTML page for a reader with `roles`: agenda, inquiries with follow-ups and
// answers, commitments, ballots with tallies, verdicts and ranking, and the head hash of the audit chain. The
// inquiries are those the reader's live view shows, with the same fields. Every text from the hearing is
// escaped.
std::string minutes_html(const core::HearingState& state, const core::RoleSet& roles,
                         std::string_view head_hash, core::TimeMs now);

// What every report shares, so that the CSV, the minutes and the workbook (workbook.hpp) say the same.
// The ballots whose results may be reported (closed or published, never pending, open or voided), in ballot
// order, each with its template (null if the definition has none of that id) and core::score's result.
using ResultVisitor =
    std::function<void(const core::Ballot&, const core::BallotTemplate*, const core::BallotResult&)>;
void for_each_result(const core::HearingState& state, const ResultVisitor& fn);
// Reports speak the hearing's language (settings.locale): English for "en" or "en-XX", Chinese otherwise.
bool reports_in_english(const core::HearingState& state);
// The hearing's title as every record prints it: a rehearsal's says so first (【演练】, [REHEARSAL]), so that
// no printout of one can pass for the real count.
std::string record_title(const core::HearingState& state);
std::string_view ballot_status_label(const core::HearingState& state, core::BallotStatus status);
// Names as reports print them; an id when the definition does not know it.
std::string name_of(const core::HearingState& state, const core::ParticipantId& id);
std::string unit_of(const core::HearingState& state, const core::SlotId& slot);
std::string dimension_label(const core::BallotTemplate* tpl, const core::DimensionId& dim);
std::string grade_label(const core::BallotTemplate* tpl, const core::DimensionId& dim,
                        const core::GradeId& grade);

std::string html_escape(std::string_view text);
// One CSV cell, quoted as RFC 4180 asks, and prefixed with ' when a spreadsheet would read it as a formula:
// a leading = + - @ (also after leading blanks), or a leading TAB, CR or NUL.
std::string csv_field(std::string_view text);

}  // namespace dais::net
