#pragma once
// The protocol's JSON Schemas, compiled in from protocol/**/*.schema.json: file name → text.
#include <map>
#include <string>
#include <string_view>

namespace dais::protocol {
const std::map<std::string, std::string_view>& schema_files();
}
