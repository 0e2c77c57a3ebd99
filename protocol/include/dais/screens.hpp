#pragma once
// protocol/screens.json, compiled in: which sections each role's screen shows ("screens.json" → text).
#include <map>
#include <string>
#include <string_view>

namespace dais::protocol {
const std::map<std::string, std::string_view>& screen_files();
}
