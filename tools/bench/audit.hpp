#pragma once
// The checks a scrutineer would make after a run that killed servers: the closed ballot's counts grade by
// grade, and the durable record read by `dais verify` and `dais recount` (on a SQLite file or a postgresql://
// URL). Shared by the crash loop and the failover checks.
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

namespace dais::bench {

using GradeCounts = std::map<std::string, std::map<std::string, std::int64_t>>;  // dimension → grade → sheets

// One voter's sheet: fixed before the first attempt and sent unchanged (same key, same receipt) until acked.
struct Sheet {
  std::string frame;  // cast_sheet with id "sheet", which each attempt replaces by its own
  std::string receipt;
  std::map<std::string, std::string> grade;  // dimension → grade
  bool acked = false;
  bool duplicate = false;  // acked as a retry of an attempt that had been committed before a kill
};

// A sheet for slot S1 of `ballot`: a grade per dimension and the receipt secret drawn from `rng`.
Sheet seeded_sheet(std::mt19937_64& rng, const std::string& ballot, const std::string& idempotency_key);

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
