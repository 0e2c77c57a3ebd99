#include "core/screens.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

#include <dais/screens.hpp>
#include <nlohmann/json.hpp>

namespace dais::core {
namespace {

using nlohmann::json;

std::optional<Section> section_named(std::string_view name) {
  for (Section s : kAllSections) {
    if (to_string(s) == name) return s;
  }
  return std::nullopt;
}

// "ballots.turnout" → (ballots, "turnout").
std::pair<Section, std::string> part_named(const std::string& name) {
  const auto dot = name.find('.');
  const auto section = section_named(std::string_view(name).substr(0, dot));
  if (dot == std::string::npos || !section) throw std::logic_error("screens.json: bad part " + name);
  return {*section, name.substr(dot + 1)};
}

// The table, read once: per role the sections and parts its screen shows; and every part a section has.
struct Table {
  std::map<Role, std::vector<std::string>> rows;
  std::vector<std::pair<Section, std::string>> parts;

  static const Table& get() {
    static const Table table = read();
    return table;
  }

  static Table read() {
    const json doc = json::parse(protocol::screen_files().at("screens.json"));
    Table t;
    for (const auto& [name, text] : doc.at("parts").items()) t.parts.push_back(part_named(name));
    for (const auto& [name, row] : doc.at("roles").items()) {
      const auto role = role_from_string(name);
      if (!role) throw std::logic_error("screens.json: unknown role " + name);
      for (const auto& entry : row) {
        const auto item = entry.get<std::string>();
        // A section, or one of the parts above: a misspelt part would otherwise leave it out silently.
        if (!section_named(item) &&
            std::find(t.parts.begin(), t.parts.end(), part_named(item)) == t.parts.end()) {
          throw std::logic_error("screens.json: " + name + " shows an unknown part " + item);
        }
        t.rows[*role].push_back(item);
      }
    }
    for (Role r : kAllRoles) {
      if (!t.rows.contains(r))
        throw std::logic_error("screens.json: no row for " + std::string(to_string(r)));
    }
    return t;
  }
};

}  // namespace

Screen::Screen(const RoleSet& roles) {
  const Table& table = Table::get();
  std::vector<std::string> shown;
  for (Role r : roles.list()) {
    for (const auto& item : table.rows.at(r)) {
      if (const auto s = section_named(item)) sections_ |= mask_of(*s);
      shown.push_back(item);
    }
  }
  for (const auto& [section, member] : table.parts) {
    const std::string name = std::string(to_string(section)) + "." + member;
    if (std::find(shown.begin(), shown.end(), name) == shown.end()) {
      left_out_[static_cast<std::size_t>(section)].push_back(member);
    }
  }
}

json Screen::trim(Section s, json view) const {
  const auto& members = left_out_[static_cast<std::size_t>(s)];
  if (members.empty() || !view.is_object()) return view;
  // A part is a member of each item (ballots.items[].turnout) or of the section itself (agenda.review).
  for (const auto& m : members) view.erase(m);
  if (!view.contains("items")) return view;
  for (auto& item : view["items"]) {
    for (const auto& m : members) item.erase(m);
  }
  return view;
}

json screen_view(const HearingState& state, Section section, const RoleSet& roles, const Screen& screen) {
  if (!screen.shows(section)) return nullptr;
  return screen.trim(section, section_view(state, section, roles));
}

}  // namespace dais::core
