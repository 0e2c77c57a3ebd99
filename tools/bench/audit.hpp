#pragma once
// The checks a scrutineer would make after a run that killed servers: the closed ballot's counts grade by
// grade, and the durable record read by `dais verify` and `dais recount` (on a SQLite file or a postgresql://
// URL). Shared by the crash loop and the failover checks.
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace dais::bench {

using GradeCounts = std::map<std::string, std::map<std::string, std::int64_t>>;  // dimension → grade → sheets

// The closed ballot's counts in the chair's view (results.ballots[] → presenters[] → dimensions[] → counts,
// as core::section_view builds them), grades with no sheet left out.
GradeCounts counted_grades(const nlohmann::json& view, const std::string& ballot);

// `dais verify` and `dais recount` on `db`: the chain verifies, the recount from the box matches the logged
// result, holds `sheets` sheets and counts them as `expected` on slot S1. Prints the tools' output to `log`;
// returns what failed.
std::optional<std::string> audit_store(const std::string& dais, const std::string& db,
                                       const std::string& ballot, std::int64_t sheets,
                                       const GradeCounts& expected, std::ostream& log);

// Whether `dais recount --receipt` finds the receipt in the ballot's box; nothing when the tool failed.
std::optional<bool> receipt_in_box(const std::string& dais, const std::string& db, const std::string& ballot,
                                   const std::string& receipt);

}  // namespace dais::bench
