#pragma once
// Large sections go out as patches. When a section changes, its new view is compared with the copy the
// audience was last sent; if the difference is small against the whole (a check-in flips one flag on a board
// of ten thousand names), the update carries a JSON Patch (RFC 6902: add, remove and replace only) instead of
// the section. The client applies it to the copy it holds and asks for the whole section when it lacks the
// base (docs/protocol.md, Patches).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace dais::net {

// A section as an audience was last sent it, kept as text rather than as a tree: a JSON tree of the check-in
// board of ten thousand names takes nine times its text, and every staff audience keeps one. Each member of
// the section is serialised on its own, and a member that is a list item by item, which is as deep as a patch
// goes: a change inside an item replaces the item.
class KeptSection {
 public:
  KeptSection() = default;
  explicit KeptSection(const nlohmann::json& view);
  bool operator==(const KeptSection&) const = default;

  // The section serialised, byte for byte what wire_dump(view) gives.
  std::string whole() const;

 private:
  struct Member {
    std::string key;
    std::string text;                 // the value; for a list, its items separated by commas
    std::vector<std::uint32_t> ends;  // a list's items: where each ends in `text`
    bool list = false;
    bool operator==(const Member&) const = default;
    std::string_view item(std::size_t i) const;
    std::string value() const;  // the value serialised
  };
  friend class PatchWriter;
  friend std::optional<std::string> section_patch(const KeptSection& before, const KeptSection& after,
                                                  std::size_t whole_bytes, std::size_t min_bytes);

  bool object_ = false;
  std::vector<Member> members_;  // in the order the serialised object has them
  std::string other_;            // a view that is not an object, serialised whole
};

// The serialised patch that turns `before` into `after`, or nothing when the whole is the better message:
// the section was smaller than `min_bytes` when last serialised (`whole_bytes`), or the patch would be more
// than half of it. `before` and `after` must differ.
std::optional<std::string> section_patch(const KeptSection& before, const KeptSection& after,
                                         std::size_t whole_bytes, std::size_t min_bytes);

// Serialises a view for the wire: compact, invalid UTF-8 replaced rather than thrown on.
std::string wire_dump(const nlohmann::json& j);

}  // namespace dais::net
