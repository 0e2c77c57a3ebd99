#include "store/chain.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "store/store.hpp"

namespace dais::store {

namespace {
std::string json_string(std::string_view s) {
  return nlohmann::json(s).dump();
}
}  // namespace

std::string genesis_hash(std::string_view definition_json) {
  return sha256_hex(definition_json);
}

std::string event_hash(std::string_view prev_hash, std::string_view hearing, std::int64_t position,
                       std::string_view event_json, const std::optional<std::string>& box_digest) {
  // Written out by hand instead of building a json object: the same bytes as dump() of that object (keys in
  // sorted order), without parsing the event text again for every row.
  std::string text(prev_hash);
  text += '{';
  if (box_digest) text += "\"box_digest\":" + json_string(*box_digest) + ',';
  text += "\"event\":";
  text += event_json;
  text += ",\"hearing\":" + json_string(hearing);
  text += ",\"position\":" + std::to_string(position) + '}';
  return sha256_hex(text);
}

std::string box_digest(std::string_view hearing, std::string_view ballot, const std::vector<BoxRow>& rows) {
  std::vector<const BoxRow*> sorted;
  sorted.reserve(rows.size());
  for (const BoxRow& row : rows) sorted.push_back(&row);
  std::sort(sorted.begin(), sorted.end(),
            [](const BoxRow* a, const BoxRow* b) { return a->receipt_hash < b->receipt_hash; });
  std::string text =
      "{\"ballot\":" + json_string(ballot) + ",\"hearing\":" + json_string(hearing) + ",\"sheets\":[";
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0) text += ',';
    text += "{\"group\":" + json_string(sorted[i]->group) + ",\"marks\":" + sorted[i]->marks_json +
            ",\"receipt_hash\":" + json_string(sorted[i]->receipt_hash) + '}';
  }
  text += "]}";
  return sha256_hex(text);
}

}  // namespace dais::store
