#include "net/section_patch.hpp"

#include "core/wire.hpp"

namespace dais::net {

std::string wire_dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

KeptSection::KeptSection(const nlohmann::json& view) : object_(view.is_object()) {
  if (!object_) {
    other_ = wire_dump(view);
    return;
  }
  members_.reserve(view.size());
  for (const auto& [key, value] : view.items()) {
    Member& m = members_.emplace_back();
    m.key = key;
    m.list = value.is_array();
    if (!m.list) {
      m.text = wire_dump(value);
      continue;
    }
    m.ends.reserve(value.size());
    for (const auto& item : value) {
      if (!m.ends.empty()) m.text += ',';
      m.text += wire_dump(item);
      m.ends.push_back(static_cast<std::uint32_t>(m.text.size()));
    }
    m.text.shrink_to_fit();
  }
}

std::string_view KeptSection::Member::item(std::size_t i) const {
  const std::size_t start = i == 0 ? 0 : ends[i - 1] + 1;
  return std::string_view(text).substr(start, ends[i] - start);
}

std::string KeptSection::Member::value() const {
  return list ? "[" + text + "]" : text;
}

std::string KeptSection::whole() const {
  if (!object_) return other_;
  std::string out = "{";
  for (const Member& m : members_) {
    if (out.size() > 1) out += ',';
    out += wire_dump(m.key);
    out += ':';
    out += m.value();
  }
  out += '}';
  return out;
}

// Writes the operations of one patch and gives up as soon as they outgrow what the whole would cost.
class PatchWriter {
 public:
  explicit PatchWriter(std::size_t limit) : limit_(limit) {}

  bool over() const { return out_.size() > limit_; }
  std::string take() { return std::move(out_) + "]"; }

  void op(const char* kind, const std::string& key, std::optional<std::size_t> index,
          std::optional<std::string_view> value) {
    out_ += out_.size() > 1 ? ",{\"op\":\"" : "{\"op\":\"";
    out_ += kind;
    out_ += "\",\"path\":";
    std::string path = core::wire::child_path("", key);  // escaped as RFC 6901 says
    if (index) path += "/" + std::to_string(*index);
    out_ += wire_dump(path);
    if (value) {
      out_ += ",\"value\":";
      out_ += *value;
    }
    out_ += '}';
  }

  // A list member in both: items compared by position, as the client holds them.
  void list(const KeptSection::Member& before, const KeptSection::Member& after) {
    const std::size_t common = std::min(before.ends.size(), after.ends.size());
    for (std::size_t i = 0; i < common && !over(); ++i) {
      if (before.item(i) != after.item(i)) op("replace", after.key, i, after.item(i));
    }
    // Surplus items go from the end, so each index is still valid when its removal is applied.
    for (std::size_t i = before.ends.size(); i > common && !over(); --i) op("remove", after.key, i - 1, {});
    for (std::size_t i = common; i < after.ends.size() && !over(); ++i)
      op("add", after.key, i, after.item(i));
  }

 private:
  std::size_t limit_;
  std::string out_ = "[";
};

std::optional<std::string> section_patch(const KeptSection& before, const KeptSection& after,
                                         std::size_t whole_bytes, std::size_t min_bytes) {
  if (whole_bytes < min_bytes || !before.object_ || !after.object_) return std::nullopt;
  PatchWriter patch(whole_bytes / 2);
  auto b = before.members_.begin();
  auto a = after.members_.begin();
  // Both member lists are in key order; walk them together.
  while ((b != before.members_.end() || a != after.members_.end()) && !patch.over()) {
    const int order = b == before.members_.end()  ? 1
                      : a == after.members_.end() ? -1
                                                  : b->key.compare(a->key);
    if (order < 0) {
      patch.op("remove", b->key, {}, {});
      ++b;
    } else if (order > 0) {
      patch.op("add", a->key, {}, a->value());
      ++a;
    } else {
      if (b->list && a->list) {
        patch.list(*b, *a);
      } else if (*b != *a) {
        patch.op("replace", a->key, {}, a->value());
      }
      ++b;
      ++a;
    }
  }
  std::string text = patch.take();
  if (text.size() * 2 > whole_bytes) return std::nullopt;
  return text;
}

}  // namespace dais::net
