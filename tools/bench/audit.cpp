#include "bench/audit.hpp"

#include <cstdio>

#include "bench/bench_hearing.hpp"
#include "bench/server_process.hpp"

namespace dais::bench {

using nlohmann::json;
using namespace std::chrono_literals;

GradeCounts counted_grades(const json& view, const std::string& ballot) {
  GradeCounts counted;
  const json results = view.value("results", json::object()).value("ballots", json::array());
  for (const auto& b : results) {
    if (b.value("ballot", "") != ballot) continue;
    for (const auto& p : b.value("presenters", json::array())) {
      for (const auto& d : p.value("dimensions", json::array())) {
        const json counts = d.value("counts", json::object());
        for (const auto& [grade, n] : counts.items()) {
          if (n.is_number_integer() && n.get<std::int64_t>() != 0)
            counted[d.value("dimension", "")][grade] = n.get<std::int64_t>();
        }
      }
    }
  }
  return counted;
}

std::optional<std::string> audit_store(const std::string& dais, const std::string& db,
                                       const std::string& ballot, std::int64_t sheets,
                                       const GradeCounts& expected, std::ostream& log) {
  const auto verify = run_command({dais, "verify", "--db", db}, 120s);
  log << "dais verify: " << verify.output;
  if (verify.exit_code != 0 || verify.output.rfind("ok ", 0) != 0) return "dais verify failed";
  const auto recount = run_command({dais, "recount", "--db", db, "--ballot", ballot}, 120s);
  log << "dais recount: " << recount.output;
  if (recount.exit_code != 0 || recount.output.find("\nok: ") == std::string::npos)
    return "dais recount failed";
  if (recount.output.find(": " + std::to_string(sheets) + " sheets recounted") == std::string::npos)
    return "the recount does not hold " + std::to_string(sheets) + " sheets";
  for (const auto& [dim, grades] : expected) {
    // "  S1 / duty: average 10, fair 9, good 12, poor 9, invalid 0"
    std::string line = "  S1 / " + dim + ":";
    for (const auto& [grade, n] : grades) line += " " + grade + " " + std::to_string(n) + ",";
    if (recount.output.find(line + " invalid 0") == std::string::npos)
      return "the recount of " + dim + " differs from the acked sheets (" + line + ")";
  }
  return std::nullopt;
}

std::optional<bool> receipt_in_box(const std::string& dais, const std::string& db, const std::string& ballot,
                                   const std::string& receipt) {
  const auto found =
      run_command({dais, "recount", "--db", db, "--ballot", ballot, "--receipt", receipt}, 120s);
  if (found.output.find("is in ballot") != std::string::npos) return true;
  if (found.output.find("not in") != std::string::npos || found.output.find("no sheet") != std::string::npos)
    return false;
  return std::nullopt;
}

Sheet seeded_sheet(std::mt19937_64& rng, const std::string& ballot, const std::string& idempotency_key) {
  Sheet s;
  nlohmann::json marks = nlohmann::json::object();
  for (const auto& dim : kDimensions) {
    s.grade[dim] = kGrades[rng() % kGrades.size()];
    marks["S1"][dim] = {s.grade[dim]};
  }
  char receipt[33];
  std::snprintf(receipt, sizeof receipt, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  s.receipt = receipt;
  s.frame = nlohmann::json{{"type", "cast_sheet"}, {"id", "sheet"},      {"ballot", ballot},
                           {"marks", marks},       {"receipt", receipt}, {"idempotency_key", idempotency_key}}
                .dump();
  return s;
}

}  // namespace dais::bench
