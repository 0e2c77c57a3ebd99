#pragma once
// Reports for the chair and the scrutineer, built from the committed state alone (no sockets): the results of
// closed and published ballots as JSON and as CSV, and the printable minutes (纪要).
#include <string>
#include <string_view>

#include "core/state.hpp"

namespace dais::net {

std::string results_json(const core::HearingState& state);
// UTF-8 with a byte-order mark, so that Excel opens it as UTF-8; one row per ballot × presenter × dimension.
std::string results_csv(const core::HearingState& state);
// A self-contained printable HTML page for a reader with `roles`: agenda, inquiries with follow-ups and
// answers, commitments, ballots with tallies, verdicts and ranking, and the head hash of the audit chain. The
// inquiries are those the reader's live view shows, with the same fields. Every text from the hearing is
// escaped.
std::string minutes_html(const core::HearingState& state, const core::RoleSet& roles,
                         std::string_view head_hash, core::TimeMs now);

std::string html_escape(std::string_view text);
// One CSV cell, quoted as RFC 4180 asks, and prefixed with ' when a spreadsheet would read it as a formula:
// a leading = + - @ (also after leading blanks), or a leading TAB, CR or NUL.
std::string csv_field(std::string_view text);

}  // namespace dais::net
