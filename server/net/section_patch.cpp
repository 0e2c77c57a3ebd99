#include "net/section_patch.hpp"

namespace dais::net {

std::string wire_dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::string> section_patch(const nlohmann::json& before, const nlohmann::json& after,
                                         std::size_t whole_bytes, std::size_t min_bytes) {
  if (whole_bytes < min_bytes) return std::nullopt;
  // nlohmann's diff walks both trees once and emits only add, remove and replace; lists are compared index by
  // index, so an item inserted in the middle shows as many replacements and the size check sends the whole.
  std::string patch = wire_dump(nlohmann::json::diff(before, after));
  if (patch.size() * 2 > whole_bytes) return std::nullopt;
  return patch;
}

}  // namespace dais::net
