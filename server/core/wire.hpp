#pragma once
// Internal to the core: each struct's fields are described once (name → member) and that one description both
// writes JSON and reads it back, with errors that name the offending field as a JSON pointer. Wire field
// names are the struct member names; enums travel as their names. Commands, events and the state all use
// this.
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/names.hpp"
#include "core/state.hpp"

namespace dais::core::wire {

using nlohmann::json;

// ---- field descriptions
// -------------------------------------------------------------------------------------

// A field that may be missing on input (it then keeps its default), e.g. the parts of a snapshot left out of
// public copies. All other non-optional fields are required.
enum class Presence : std::uint8_t { required, defaulted };

template <class T, class M>
struct Field {
  std::string_view name;
  M T::*member;
  Presence presence = Presence::required;
};

template <class T, class M>
constexpr Field<T, M> field(std::string_view name, M T::*member, Presence presence = Presence::required) {
  return {name, member, presence};
}

// describe(Tag<T>{}) returns a tuple of Fields; overloads live next to the types' codecs (found by ADL).
template <class T>
struct Tag {};

template <class T>
concept Described = requires {
  describe(Tag<T>{});
};

constexpr auto describe(Tag<Timer>) {
  return std::tuple{field("limit_ms", &Timer::limit_ms), field("used_ms", &Timer::used_ms),
                    field("running_since", &Timer::running_since)};
}
constexpr auto describe(Tag<SlotDef>) {
  return std::tuple{field("id", &SlotDef::id),
                    field("presenter", &SlotDef::presenter, Presence::defaulted),
                    field("title", &SlotDef::title),
                    field("mode", &SlotDef::mode, Presence::defaulted),
                    field("report_limit_s", &SlotDef::report_limit_s, Presence::defaulted),
                    field("qa_budget_s", &SlotDef::qa_budget_s, Presence::defaulted),
                    field("kind", &SlotDef::kind, Presence::defaulted)};
}
constexpr auto describe(Tag<Slot>) {
  return std::tuple{field("def", &Slot::def), field("stage", &Slot::stage), field("report", &Slot::report),
                    field("qa", &Slot::qa)};
}
constexpr auto describe(Tag<Display>) {
  return std::tuple{field("mode", &Display::mode), field("message", &Display::message)};
}
constexpr auto describe(Tag<Commitment>) {
  return std::tuple{field("text", &Commitment::text), field("due", &Commitment::due)};
}
constexpr auto describe(Tag<Inquiry>) {
  return std::tuple{field("id", &Inquiry::id),
                    field("slot", &Inquiry::slot),
                    field("author", &Inquiry::author),
                    field("text", &Inquiry::text),
                    field("parent", &Inquiry::parent),
                    field("status", &Inquiry::status),
                    field("reject_reason", &Inquiry::reject_reason),
                    field("answer_summary", &Inquiry::answer_summary),
                    field("commitments", &Inquiry::commitments),
                    field("upvoters", &Inquiry::upvoters),
                    field("submitted_at", &Inquiry::submitted_at)};
}
constexpr auto describe(Tag<BoxEntry>) {
  return std::tuple{field("group", &BoxEntry::group), field("marks", &BoxEntry::marks),
                    field("change_tag", &BoxEntry::change_tag)};
}
constexpr auto describe(Tag<SectionTally>) {
  return std::tuple{field("marks", &SectionTally::marks), field("invalid", &SectionTally::invalid)};
}
constexpr auto describe(Tag<Tally>) {
  return std::tuple{field("sections", &Tally::sections), field("sheets", &Tally::sheets)};
}
constexpr auto describe(Tag<Roll>) {
  return std::tuple{field("expected", &Roll::expected), field("present", &Roll::present),
                    field("issued", &Roll::issued)};
}
constexpr auto describe(Tag<PaperEntry>) {
  return std::tuple{field("sheet", &PaperEntry::sheet), field("by", &PaperEntry::by),
                    field("marks", &PaperEntry::marks),
                    field("group", &PaperEntry::group, Presence::defaulted)};
}
constexpr auto describe(Tag<Ballot>) {
  return std::tuple{field("id", &Ballot::id), field("template_id", &Ballot::template_id),
                    field("slots", &Ballot::slots), field("status", &Ballot::status),
                    field("rerun_of", &Ballot::rerun_of), field("void_reason", &Ballot::void_reason),
                    field("voted", &Ballot::voted), field("named", &Ballot::named),
                    field("box", &Ballot::box, Presence::defaulted),
                    field("tally", &Ballot::tally, Presence::defaulted), field("live", &Ballot::live),
                    field("held", &Ballot::held), field("eligible", &Ballot::eligible),
                    // Snapshots from before the roll was kept have neither.
                    field("roll_at_close", &Ballot::roll_at_close, Presence::defaulted),
                    field("reminded", &Ballot::reminded, Presence::defaulted),
                    // Snapshots from before paper sheets have none; a snapshot never holds the entries.
                    field("paper_takers", &Ballot::paper_takers, Presence::defaulted),
                    field("paper_counted", &Ballot::paper_counted, Presence::defaulted),
                    field("paper_entries", &Ballot::paper_entries, Presence::defaulted)};
}

// ---- type traits
// --------------------------------------------------------------------------------------------

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};
template <class T>
struct IsSet : std::false_type {};
template <class T>
struct IsSet<std::set<T>> : std::true_type {};
template <class T>
struct IsStringMap : std::false_type {};
template <class T>
struct IsStringMap<std::map<std::string, T>> : std::true_type {};

// ---- writing
// ------------------------------------------------------------------------------------------------

template <class T>
json encode(const T& value);

template <class T>
json encode_fields(const T& value) {
  json out = json::object();
  std::apply(
      [&](const auto&... f) {
        [[maybe_unused]] auto put = [&](const auto& fld) {
          const auto& member = value.*(fld.member);
          using M = std::remove_cvref_t<decltype(member)>;
          if constexpr (IsOptional<M>::value) {
            if (member) out[std::string(fld.name)] = encode(*member);  // an absent optional is left out
          } else {
            out[std::string(fld.name)] = encode(member);
          }
        };
        (put(f), ...);
      },
      describe(Tag<T>{}));
  return out;
}

template <class T>
json encode(const T& value) {
  if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool> ||
                std::is_same_v<T, std::int64_t> || std::is_same_v<T, double>) {
    return json(value);
  } else if constexpr (std::is_enum_v<T>) {
    return json(std::string(name_of(value)));
  } else if constexpr (IsOptional<T>::value) {
    return value ? encode(*value) : json(nullptr);
  } else if constexpr (IsVector<T>::value || IsSet<T>::value) {
    json out = json::array();
    for (const auto& item : value) out.push_back(encode(item));
    return out;
  } else if constexpr (IsStringMap<T>::value) {
    json out = json::object();
    for (const auto& [key, item] : value) out[key] = encode(item);
    return out;
  } else {
    static_assert(Described<T>, "no wire description for this type");
    return encode_fields(value);
  }
}

// ---- reading
// ------------------------------------------------------------------------------------------------

// JSON pointer of a child: "/a" + "/" + key, with '~' and '/' escaped as the RFC 6901 says.
inline std::string child_path(const std::string& parent, std::string_view key) {
  std::string out = parent + "/";
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// Reads JSON into typed values; the first problem is kept with its path and everything after it is skipped.
class Reader {
 public:
  const std::optional<Error>& error() const { return error_; }
  bool failed() const { return error_.has_value(); }

  void fail(const std::string& path, std::string message) {
    if (!error_) error_ = make_error(ErrorCode::invalid, std::move(message), path.empty() ? "/" : path);
  }

  template <class T>
  void read(const json& j, T& out, const std::string& path) {
    if (failed()) return;
    if constexpr (std::is_same_v<T, std::string>) {
      if (!j.is_string()) return fail(path, "expected a string");
      out = j.get<std::string>();
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!j.is_boolean()) return fail(path, "expected true or false");
      out = j.get<bool>();
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
      if (j.is_number_unsigned() && j.get<std::uint64_t>() <= std::numeric_limits<std::int64_t>::max()) {
        out = static_cast<std::int64_t>(j.get<std::uint64_t>());
      } else if (j.is_number_integer() && !j.is_number_unsigned()) {
        out = j.get<std::int64_t>();
      } else {
        return fail(path, "expected an integer");
      }
    } else if constexpr (std::is_same_v<T, double>) {
      if (!j.is_number()) return fail(path, "expected a number");
      out = j.get<double>();
    } else if constexpr (std::is_enum_v<T>) {
      read_enum(j, out, path);
    } else if constexpr (IsOptional<T>::value) {
      if (j.is_null()) {
        out.reset();
      } else {
        typename T::value_type inner{};
        read(j, inner, path);
        out = std::move(inner);
      }
    } else if constexpr (IsVector<T>::value || IsSet<T>::value) {
      if (!j.is_array()) return fail(path, "expected an array");
      out.clear();
      for (std::size_t i = 0; i < j.size() && !failed(); ++i) {
        typename T::value_type item{};
        read(j[i], item, child_path(path, std::to_string(i)));
        if constexpr (IsVector<T>::value) {
          out.push_back(std::move(item));
        } else if (!out.insert(std::move(item)).second) {
          fail(child_path(path, std::to_string(i)), "duplicate entry");
        }
      }
    } else if constexpr (IsStringMap<T>::value) {
      if (!j.is_object()) return fail(path, "expected an object");
      out.clear();
      for (const auto& [key, item] : j.items()) {
        read(item, out[key], child_path(path, key));
        if (failed()) return;
      }
    } else {
      static_assert(Described<T>, "no wire description for this type");
      read_fields(j, out, path);
    }
  }

  template <class T>
  void read_fields(const json& j, T& out, const std::string& path) {
    if (failed()) return;
    if (!j.is_object()) return fail(path, "expected an object");
    std::apply(
        [&](const auto&... f) {
          [[maybe_unused]] auto get = [&](const auto& fld) {
            auto& member = out.*(fld.member);
            using M = std::remove_cvref_t<decltype(member)>;
            const auto it = j.find(fld.name);
            if (it == j.end()) {
              if constexpr (IsOptional<M>::value) {
                member.reset();
              } else if (fld.presence == Presence::required) {
                fail(child_path(path, fld.name), "missing field '" + std::string(fld.name) + "'");
              }
              return;
            }
            read(*it, member, child_path(path, fld.name));
          };
          (get(f), ...);
        },
        describe(Tag<T>{}));
  }

 private:
  template <class E>
  void read_enum(const json& j, E& out, const std::string& path) {
    if (j.is_string()) {
      const auto& s = j.get_ref<const std::string&>();
      for (const auto& [v, name] : names_of(E{})) {
        if (name == s) {
          out = v;
          return;
        }
      }
    }
    std::string allowed;
    for (const auto& [v, name] : names_of(E{})) allowed += (allowed.empty() ? "" : ", ") + std::string(name);
    fail(path, "expected one of: " + allowed);
  }

  std::optional<Error> error_;
};

// ---- tagged unions
// ------------------------------------------------------------------------------------------

// Reads alternative I of a variant from an object whose fields describe it.
template <class V, std::size_t I>
Result<V> read_alternative(const json& j) {
  std::variant_alternative_t<I, V> value{};
  Reader reader;
  reader.read_fields(j, value, "");
  if (reader.failed()) return *reader.error();
  return V{std::in_place_index<I>, std::move(value)};
}

template <class V, std::size_t... I>
constexpr auto alternative_readers(std::index_sequence<I...>) {
  return std::array<Result<V> (*)(const json&), sizeof...(I)>{&read_alternative<V, I>...};
}

// {"type": names[index], ...fields} → the variant. `names` are in the variant's order.
template <class V>
Result<V> read_variant(const json& j, std::span<const std::string_view> names) {
  if (!j.is_object()) return make_error(ErrorCode::invalid, "expected an object", "/");
  const auto type = j.find("type");
  if (type == j.end() || !type->is_string()) {
    return make_error(ErrorCode::invalid, "missing field 'type'", "/type");
  }
  const auto& name = type->get_ref<const std::string&>();
  static constexpr auto readers = alternative_readers<V>(std::make_index_sequence<std::variant_size_v<V>>{});
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return readers[i](j);
  }
  return make_error(ErrorCode::invalid, "unknown type '" + name + "'", "/type");
}

template <class V>
json write_variant(const V& value, std::span<const std::string_view> names) {
  json out = std::visit([](const auto& alt) { return encode(alt); }, value);
  out["type"] = std::string(names[value.index()]);
  return out;
}

}  // namespace dais::core::wire
