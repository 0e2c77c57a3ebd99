#include "core/roles.hpp"

#include "core/names.hpp"
#include "core/result.hpp"

namespace dais::core {

std::string_view to_string(Role role) {
  return wire::name_of(role);
}

std::optional<Role> role_from_string(std::string_view name) {
  return wire::value_named<Role>(name);
}

std::vector<Role> RoleSet::list() const {
  std::vector<Role> out;
  for (Role r : kAllRoles) {
    if (has(r)) out.push_back(r);
  }
  return out;
}

std::string_view to_string(ErrorCode code) {
  const auto i = static_cast<std::size_t>(code);
  return i < std::size(protocol::kEngineErrorCodes) ? protocol::kEngineErrorCodes[i] : "unknown";
}

}  // namespace dais::core
