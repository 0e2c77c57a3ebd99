#pragma once
// Large sections go out as patches. When a section changes, its new tree is compared with the copy the
// audience was last sent; if the difference is small against the whole (a check-in flips one flag on a board
// of ten thousand names), the update carries a JSON Patch (RFC 6902: add, remove and replace only) instead of
// the section. The client applies it to the copy it holds and asks for the whole section when it lacks the
// base (docs/protocol.md, Patches).
#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace dais::net {

// The serialised patch that turns `before` into `after`, or nothing when the whole is the better message:
// the section was smaller than `min_bytes` when last serialised (`whole_bytes`), or the patch would be more
// than half of it. `before` and `after` must differ.
std::optional<std::string> section_patch(const nlohmann::json& before, const nlohmann::json& after,
                                         std::size_t whole_bytes, std::size_t min_bytes);

// Serialises a view for the wire: compact, invalid UTF-8 replaced rather than thrown on.
std::string wire_dump(const nlohmann::json& j);

}  // namespace dais::net
