#pragma once
// Small text helpers shared by the store, the server and the command line.
#include <cstddef>
#include <string>
#include <string_view>

#include "core/roles.hpp"

namespace dais::core {

// The number of Unicode code points in UTF-8 text (what a length limit on a name or a note counts): every
// byte but the continuation bytes 10xxxxxx.
inline std::size_t code_points(std::string_view utf8) {
  std::size_t n = 0;
  for (const char c : utf8) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// A role set as the command line and the token tables write it: "questioner,voter".
inline std::string roles_text(const RoleSet& roles) {
  std::string out;
  for (Role r : roles.list()) {
    if (!out.empty()) out += ',';
    out += to_string(r);
  }
  return out;
}

}  // namespace dais::core
