#pragma once
// Reading a JSON file for the command line (definitions, seeds, config files), with errors a person can act
// on.
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace dais::app {

// The file's JSON. Errors name the file: "PATH: cannot read: why" (not_found) or
// "PATH: not valid JSON: parse error at line L, column C: … (byte N)" (invalid).
core::Result<nlohmann::json> read_json_file(const std::filesystem::path& path);

}  // namespace dais::app
