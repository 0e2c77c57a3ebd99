#pragma once
// The commission's workbook (民主测评结果统计表): the results of closed and published ballots as an Excel
// file, built from the committed state alone (no sockets), like results_csv. It shows what results.json shows
// and nothing more: nothing per voter, nothing of a pending, open or voided ballot.
#include <filesystem>
#include <string>
#include <string_view>

#include "core/state.hpp"
#include "net/group_counts.hpp"

namespace dais::net {

// The .xlsx file's bytes, in the hearing's language: a summary sheet (title, date, venue, the roll, the audit
// chain's head hash, one line per reported ballot with its six counts) and one sheet per closed or published
// ballot (its six counts; per presenter and dimension the count and share of each grade under a dimension
// header over two rows; satisfaction, points, verdict, flags, rank; the group weights where its rule weights
// groups). libxlsxwriter writes through files: the workbook is assembled in a directory only this process may
// read, made under `temp_root` and removed before returning. Throws std::runtime_error when that fails.
// With the casting order, each ballot sheet also holds a block per voter group where group_counts allows it,
// or says in words why not (results_json says the same).
std::string results_workbook(const core::HearingState& state, std::string_view head_hash,
                             const std::filesystem::path& temp_root = std::filesystem::temp_directory_path(),
                             const CastingOrder& order = {});
// "<hearing id>-results.xlsx", with every character a file name should not carry made '_'.
std::string workbook_file_name(const core::HearingState& state);

}  // namespace dais::net
