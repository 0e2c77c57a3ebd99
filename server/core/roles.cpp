#include "core/roles.hpp"

#include "core/result.hpp"

namespace dais::core {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::chair:
      return "chair";
    case Role::secretary:
      return "secretary";
    case Role::presenter:
      return "presenter";
    case Role::questioner:
      return "questioner";
    case Role::voter:
      return "voter";
    case Role::display:
      return "display";
    case Role::scrutineer:
      return "scrutineer";
  }
  return "unknown";
}

std::optional<Role> role_from_string(std::string_view name) {
  for (Role r : kAllRoles) {
    if (to_string(r) == name) return r;
  }
  return std::nullopt;
}

std::vector<Role> RoleSet::list() const {
  std::vector<Role> out;
  for (Role r : kAllRoles) {
    if (has(r)) out.push_back(r);
  }
  return out;
}

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::not_allowed:
      return "not_allowed";
    case ErrorCode::wrong_stage:
      return "wrong_stage";
    case ErrorCode::ballot_closed:
      return "ballot_closed";
    case ErrorCode::already_voted:
      return "already_voted";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::invalid:
      return "invalid";
    case ErrorCode::conflict:
      return "conflict";
    case ErrorCode::no_quorum:
      return "no_quorum";
    case ErrorCode::not_checked_in:
      return "not_checked_in";
    case ErrorCode::too_few_sheets:
      return "too_few_sheets";
    case ErrorCode::storage_failed:
      return "storage_failed";
  }
  return "unknown";
}

}  // namespace dais::core
