#pragma once
// Reading a JSON file for the command line (definitions, seeds, config files), with errors a person can act
// on.
#include <cstddef>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "core/schema.hpp"

namespace dais::app {

// The file's JSON. Errors name the file: "PATH: cannot read: why" (not_found),
// "PATH: not valid JSON: parse error at line L, column C: … (byte N)" (invalid), and, with the JSON pointer
// of the value in `field`, "PATH: /settings/tally_hz: number out of range" or "PATH: /a/0/0: nested more than
// N levels deep" (invalid). Reading stops at the first value nested deeper than `max_depth`, so no later step
// walks an unbounded nesting.
core::Result<nlohmann::json> read_json_file(const std::filesystem::path& path,
                                            std::size_t max_depth = core::kMaxJsonDepth);

}  // namespace dais::app
