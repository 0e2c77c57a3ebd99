#pragma once
// The people of a hearing. One participant may hold several roles (a questioner usually also votes).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dais::core {

enum class Role : std::uint8_t { chair, secretary, presenter, questioner, voter, display, scrutineer };
inline constexpr Role kAllRoles[] = {Role::chair, Role::secretary, Role::presenter, Role::questioner,
                                     Role::voter, Role::display,   Role::scrutineer};

std::string_view to_string(Role role);
std::optional<Role> role_from_string(std::string_view name);

// A set of roles as a bit mask; cheap to copy and usable as a map key (one view variant per distinct set).
class RoleSet {
 public:
  RoleSet() = default;
  RoleSet(std::initializer_list<Role> roles) {
    for (Role r : roles) add(r);
  }
  void add(Role r) { bits_ = static_cast<std::uint8_t>(bits_ | bit(r)); }
  bool has(Role r) const { return (bits_ & bit(r)) != 0; }
  bool empty() const { return bits_ == 0; }
  std::uint8_t bits() const { return bits_; }
  std::vector<Role> list() const;
  auto operator<=>(const RoleSet&) const = default;

 private:
  static std::uint8_t bit(Role r) { return static_cast<std::uint8_t>(1u << static_cast<unsigned>(r)); }
  std::uint8_t bits_ = 0;
};

}  // namespace dais::core
