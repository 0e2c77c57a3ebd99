// The web console shows each role only the actions it may take, from its own table of who may send what
// (client-web/src/lib/roles.json). That table must say what the engine's role matrix says.
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/command.hpp"
#include "core/engine.hpp"

namespace dais::core {
namespace {

template <std::size_t... I>
Command command_at(std::size_t index, std::index_sequence<I...>) {
  Command out;
  ((index == I ? (out.emplace<I>(), true) : false) || ...);
  return out;
}

nlohmann::json client_table() {
  std::ifstream in(std::string(DAIS_SOURCE_DIR) + "/client-web/src/lib/roles.json");
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

TEST(ClientRoles, TheConsoleTableAgreesWithTheRoleMatrix) {
  const nlohmann::json table = client_table();
  constexpr auto count = std::variant_size_v<Command>;
  for (std::size_t i = 0; i < count; ++i) {
    // A command as built with no fields: checking oneself in, a question of one's own (not a follow-up).
    const Command cmd = command_at(i, std::make_index_sequence<count>{});
    const std::string name(command_name(cmd));
    ASSERT_TRUE(table.contains(name)) << name << " is missing from client-web/src/lib/roles.json";
    std::set<std::string> listed;
    for (const auto& r : table.at(name)) listed.insert(r.get<std::string>());
    for (Role role : kAllRoles) {
      const std::string role_name(to_string(role));
      EXPECT_EQ(role_permits(RoleSet{role}, cmd), listed.count(role_name) == 1)
          << name << " by " << role_name;
    }
  }
}

TEST(ClientRoles, ServerRequestsAreTheChairs) {
  const nlohmann::json table = client_table();
  for (const char* name : {"issue_tokens", "list_online"}) {
    EXPECT_EQ(table.at(name), nlohmann::json::array({"chair"})) << name;
  }
}

}  // namespace
}  // namespace dais::core
