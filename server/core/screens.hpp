#pragma once
// Which sections each role's screen shows (protocol/screens.json, compiled in). A role set is sent only these
// sections, and of a section split into parts only the parts its screen shows: a voter's tablet, which shows
// no counts, is not sent the turnout that moves with every sheet. Who may see what is decided in view.cpp; a
// screen only leaves out.
#include <array>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/roles.hpp"
#include "core/view.hpp"

namespace dais::core {

class Screen {
 public:
  Screen() = default;  // shows nothing
  // The union of the rows of the set's roles.
  explicit Screen(const RoleSet& roles);

  SectionMask sections() const { return sections_; }
  bool shows(Section s) const { return (sections_ & mask_of(s)) != 0; }
  // The section as this screen shows it: the view's members without the parts the screen leaves out.
  nlohmann::json trim(Section s, nlohmann::json view) const;

 private:
  SectionMask sections_ = 0;
  // Per section, the members of each item the screen leaves out ("turnout" of ballots.items[]).
  std::array<std::vector<std::string>, std::size(kAllSections)> left_out_;
};

// section_view as the screen of `roles` shows it; null for a section the screen does not show.
nlohmann::json screen_view(const HearingState& state, Section section, const RoleSet& roles,
                           const Screen& screen);

}  // namespace dais::core
