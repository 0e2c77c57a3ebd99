#pragma once
// The hearing the load scenarios run: a chair, a secretary, a questioner, a scrutineer, a few displays and
// presenters, and N voters in four groups. Written through core::to_json, so it is always what `dais check`
// and `dais import` accept.
#include <cstdint>
#include <string>
#include <vector>

#include "core/definition.hpp"

namespace dais::bench {

struct HearingSize {
  std::int64_t voters = 2000;
  std::int64_t displays = 2;
  std::int64_t presenters = 3;
};

// Participant ids, so the bench can find each role's token.
inline const std::string kChair = "chair";
inline const std::string kSecretary = "secretary";
inline const std::string kQuestioner = "questioner";
inline const std::string kScrutineer = "scrutineer";
std::string display_id(std::int64_t i);  // 1-based
std::string voter_id(std::int64_t i);    // 1-based
std::string slot_id(std::int64_t i);     // 1-based

// The ballot template every scenario votes on: per presenter, two dimensions of four grades each.
inline const std::string kTemplate = "evaluation";
inline const std::vector<std::string> kDimensions = {"duty", "integrity"};
inline const std::vector<std::string> kGrades = {"good", "fair", "average", "poor"};
// The bench hearing's settings.k_anonymity: live counts of its anonymous ballot move in steps of k sheets.
inline constexpr std::int64_t kBenchK = 5;

// The last live count the hall sees once `sheets` sheets are in: the count moves in steps of k and one step
// behind (server/core/decide_ballots.cpp), so after 2,000 sheets it shows 1,995; the exact count comes at
// close.
constexpr std::int64_t last_live_count(std::int64_t sheets, std::int64_t k) {
  return sheets / k >= 1 ? (sheets / k - 1) * k : 0;
}

core::HearingDefinition make_bench_hearing(const HearingSize& size);
// The definition as JSON, checked by core::parse_definition (throws with the offending field if it fails).
std::string bench_hearing_json(const HearingSize& size);

}  // namespace dais::bench
