#include "core/schema.hpp"

#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <dais/schemas.hpp>

namespace dais::core {

using nlohmann::json;

namespace {

enum TypeBit : unsigned {
  kNull = 1u << 0,
  kBoolean = 1u << 1,
  kInteger = 1u << 2,
  kNumber = 1u << 3,  // any number, integers included
  kString = 1u << 4,
  kArray = 1u << 5,
  kObject = 1u << 6,
};

const std::pair<const char*, unsigned> kTypeNames[] = {
    {"string", kString}, {"integer", kInteger}, {"number", kNumber}, {"boolean", kBoolean},
    {"array", kArray},   {"object", kObject},   {"null", kNull}};

// Keywords that only describe and never constrain.
const std::set<std::string> kAnnotations = {"$schema",     "$id",      "$comment", "title",
                                            "description", "default",  "examples", "format",
                                            "deprecated",  "readOnly", "writeOnly"};

}  // namespace

struct Schema::Node {
  bool never = false;  // the `false` schema
  unsigned types = 0;  // 0: any type
  std::optional<json> constant;
  std::optional<std::vector<json>> enumeration;
  std::map<std::string, std::size_t> properties;
  std::vector<std::string> required;
  bool additional_allowed = true;
  std::optional<std::size_t> additional;  // schema for members not in `properties`
  std::optional<std::size_t> items;
  std::optional<std::size_t> min_items, max_items, min_length, max_length, min_properties, max_properties;
  bool unique_items = false;
  std::optional<double> minimum, maximum;
  std::optional<std::regex> pattern;
  std::string pattern_text;
  std::vector<std::size_t> one_of, any_of;
  std::optional<std::size_t> ref;
  // if/then/else: the instance meets `then` where it meets `if`, and `else` where it does not.
  std::optional<std::size_t> if_, then_, else_;
  // A oneOf whose alternatives all require a property with a distinct const (e.g. "type"): the matching
  // alternative is found directly, and its error is the one reported.
  std::string tag;
  std::map<std::string, std::size_t> by_tag;  // const value (dumped) → alternative
};

namespace {

using Node = Schema::Node;

// The protocol's schema files, parsed once: what a reference to another file ("../common.schema.json#/…")
// resolves to. Files are named by their base name, as protocol/CMakeLists.txt compiles them in.
const json* protocol_document(const std::string& name) {
  static const std::map<std::string, json> documents = [] {
    std::map<std::string, json> out;
    for (const auto& [file, text] : protocol::schema_files())
      out.emplace(file, json::parse(text, nullptr, false));
    return out;
  }();
  const auto it = documents.find(name);
  return it == documents.end() || it->second.is_discarded() ? nullptr : &it->second;
}

// "../views/me.schema.json" → "me.schema.json".
std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

class Compiler {
 public:
  explicit Compiler(const json& root) : root_(root) {}

  Result<std::vector<Node>> run() {
    nodes_.emplace_back();  // the root, filled last
    // The root's own file name (from its $id), so that a reference back to it by name finds this copy.
    if (root_.is_object() && root_.contains("$id") && root_["$id"].is_string()) {
      doc_ = base_name(root_["$id"].get<std::string>());
      loaded_.insert(doc_);
    }
    refs_[doc_ + "#"] = 0;
    if (!declare_defs(root_)) return *error_;
    if (!fill_defs(root_)) return *error_;
    if (!fill(0, root_, "", true)) return *error_;
    for (Node& n : nodes_) find_tag(n);
    return std::move(nodes_);
  }

 private:
  // Gives every definition of `doc` (the document named doc_) its node before any is filled, so that
  // definitions may refer to each other and to themselves.
  bool declare_defs(const json& doc) {
    auto defs = doc.is_object() ? doc.find("$defs") : doc.end();
    if (!doc.is_object() || defs == doc.end()) return true;
    if (!defs->is_object()) return reject(where_prefix() + "/$defs", "must be an object");
    for (const auto& [name, _] : defs->items()) {
      refs_[doc_ + "#/$defs/" + name] = nodes_.size();
      nodes_.emplace_back();
    }
    return true;
  }

  bool fill_defs(const json& doc) {
    auto defs = doc.is_object() ? doc.find("$defs") : doc.end();
    if (!doc.is_object() || defs == doc.end()) return true;
    for (const auto& [name, def] : defs->items()) {
      if (!fill(refs_.at(doc_ + "#/$defs/" + name), def, where_prefix() + "/$defs/" + name, false))
        return false;
    }
    return true;
  }

  // Where in a referenced file a schema error lies ("common.schema.json/$defs/x"); nothing for the root.
  std::string where_prefix() const { return outside_ ? doc_ : std::string(); }

  // Compiles another protocol file's root and definitions into this schema, once.
  bool load(const std::string& name, const std::string& where) {
    if (!loaded_.insert(name).second) return true;
    const json* doc = protocol_document(name);
    if (doc == nullptr) return reject(where, "refers to " + name + ", which is not a protocol schema");
    const std::string saved_doc = doc_;
    const bool saved_outside = outside_;
    doc_ = name;
    outside_ = true;
    const std::size_t root = nodes_.size();
    refs_[name + "#"] = root;
    nodes_.emplace_back();
    const bool ok = declare_defs(*doc) && fill_defs(*doc) && fill(root, *doc, name, true);
    doc_ = saved_doc;
    outside_ = saved_outside;
    return ok;
  }

  // "#/$defs/x" in this file, "other.schema.json" (its root) or "../other.schema.json#/$defs/x".
  std::optional<std::size_t> reference(const json& v, const std::string& where) {
    if (!v.is_string()) return std::nullopt;
    const std::string ref = v.get<std::string>();
    const auto hash = ref.find('#');
    const std::string file = ref.substr(0, hash);
    const std::string fragment = hash == std::string::npos ? std::string() : ref.substr(hash + 1);
    const std::string doc = file.empty() ? doc_ : base_name(file);
    if (!file.empty() && !load(doc, where)) return std::nullopt;
    auto target = refs_.find(doc + "#" + fragment);
    if (target == refs_.end()) return std::nullopt;
    return target->second;
  }
  // Records why the schema is unusable; returns false so that callers can `return reject(...)`.
  bool reject(const std::string& where, const std::string& why) {
    error_ = make_error(ErrorCode::invalid, "schema " + (where.empty() ? "root" : where) + ": " + why, where);
    return false;
  }

  std::optional<std::size_t> sub(const json& s, const std::string& where) {
    std::size_t index = nodes_.size();
    nodes_.emplace_back();
    if (!fill(index, s, where, false)) return std::nullopt;
    return index;
  }

  static std::optional<std::size_t> count(const json& v) {
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0))
      return std::nullopt;
    return v.get<std::size_t>();
  }

  bool fill(std::size_t index, const json& s, const std::string& where, bool is_root) {
    Node n;
    if (s.is_boolean()) {
      n.never = !s.get<bool>();
      nodes_[index] = std::move(n);
      return true;
    }
    if (!s.is_object()) return reject(where, "a schema must be an object or a boolean");
    for (const auto& [key, v] : s.items()) {
      const std::string here = where + "/" + key;
      if (kAnnotations.count(key) != 0) continue;
      if (key == "$defs") {
        if (!is_root) return reject(here, "$defs is supported at the root only");
      } else if (key == "type") {
        const json list = v.is_array() ? v : json::array({v});
        for (const json& t : list) {
          unsigned bit = 0;
          for (const auto& [name, b] : kTypeNames) {
            if (t == name) bit = b;
          }
          if (bit == 0) return reject(here, "unknown type " + t.dump());
          n.types |= bit;
        }
      } else if (key == "const") {
        n.constant = v;
      } else if (key == "enum") {
        if (!v.is_array() || v.empty()) return reject(here, "must be a non-empty array");
        n.enumeration = v.get<std::vector<json>>();
      } else if (key == "properties") {
        if (!v.is_object()) return reject(here, "must be an object");
        for (const auto& [name, ps] : v.items()) {
          auto i = sub(ps, here + "/" + name);
          if (!i) return false;
          n.properties[name] = *i;
        }
      } else if (key == "required") {
        if (!v.is_array()) return reject(here, "must be an array of names");
        for (const json& name : v) {
          if (!name.is_string()) return reject(here, "must be an array of names");
          n.required.push_back(name.get<std::string>());
        }
      } else if (key == "additionalProperties") {
        if (v.is_boolean()) {
          n.additional_allowed = v.get<bool>();
        } else if (!(n.additional = sub(v, here))) {
          return false;
        }
      } else if (key == "items") {
        if (!(n.items = sub(v, here))) return false;
      } else if (key == "minItems" || key == "maxItems" || key == "minLength" || key == "maxLength" ||
                 key == "minProperties" || key == "maxProperties") {
        auto c = count(v);
        if (!c) return reject(here, "must be a non-negative integer");
        auto& slot = key == "minItems"        ? n.min_items
                     : key == "maxItems"      ? n.max_items
                     : key == "minLength"     ? n.min_length
                     : key == "maxLength"     ? n.max_length
                     : key == "minProperties" ? n.min_properties
                                              : n.max_properties;
        slot = c;
      } else if (key == "uniqueItems") {
        if (!v.is_boolean()) return reject(here, "must be a boolean");
        n.unique_items = v.get<bool>();
      } else if (key == "minimum" || key == "maximum") {
        if (!v.is_number()) return reject(here, "must be a number");
        (key == "minimum" ? n.minimum : n.maximum) = v.get<double>();
      } else if (key == "pattern") {
        if (!v.is_string()) return reject(here, "must be a string");
        try {
          n.pattern.emplace(v.get<std::string>(), std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
          return reject(here, std::string("bad regular expression: ") + e.what());
        }
        n.pattern_text = v.get<std::string>();
      } else if (key == "oneOf" || key == "anyOf") {
        if (!v.is_array() || v.empty()) return reject(here, "must be a non-empty array of schemas");
        auto& list = key == "oneOf" ? n.one_of : n.any_of;
        for (std::size_t i = 0; i < v.size(); ++i) {
          auto alt = sub(v[i], here + "/" + std::to_string(i));
          if (!alt) return false;
          list.push_back(*alt);
        }
      } else if (key == "if" || key == "then" || key == "else") {
        auto branch = sub(v, here);
        if (!branch) return false;
        (key == "if" ? n.if_ : key == "then" ? n.then_ : n.else_) = *branch;
      } else if (key == "$ref") {
        n.ref = reference(v, here);
        if (error_) return false;
        if (!n.ref) {
          return reject(here,
                        "only references to \"#/$defs/<name>\" or \"<file>.schema.json[#/$defs/<name>]\" "
                        "that exist");
        }
      } else {
        return reject(here, "keyword '" + key + "' is not supported");
      }
    }
    nodes_[index] = std::move(n);
    return true;
  }

  // Follows plain references to the schema that holds the keywords.
  const Node& resolve(std::size_t index) const {
    const Node* n = &nodes_[index];
    for (int hops = 0; n->ref && n->properties.empty() && hops < 16; ++hops) n = &nodes_[*n->ref];
    return *n;
  }

  void find_tag(Node& n) const {
    if (n.one_of.size() < 2) return;
    const Node& first = resolve(n.one_of.front());
    for (const auto& [name, p] : first.properties) {
      std::map<std::string, std::size_t> by_tag;
      for (std::size_t alt : n.one_of) {
        const Node& a = resolve(alt);
        auto prop = a.properties.find(name);
        bool required = std::find(a.required.begin(), a.required.end(), name) != a.required.end();
        if (prop == a.properties.end() || !required || !nodes_[prop->second].constant) break;
        if (!by_tag.emplace(nodes_[prop->second].constant->dump(), alt).second) break;
      }
      if (by_tag.size() == n.one_of.size()) {
        n.tag = name;
        n.by_tag = std::move(by_tag);
        return;
      }
    }
  }

  const json& root_;
  std::vector<Node> nodes_;
  std::map<std::string, std::size_t>
      refs_;                      // "<file>#<pointer>" ("#/$defs/x" of the root: "<its file>#/$defs/x")
  std::set<std::string> loaded_;  // files whose root and definitions have nodes
  std::string doc_;               // the file being compiled
  bool outside_ = false;          // doc_ is a referenced file, not the root
  std::optional<Error> error_;
};

// --- Validation -------------------------------------------------------------------------------------------

std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0u) != 0x80u ? 1 : 0;  // skip continuation bytes
  return n;
}

std::string number_text(double d) {
  if (std::floor(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<std::int64_t>(d));
  return json(d).dump();
}

std::string type_text(unsigned types) {
  std::string out;
  for (const auto& [name, bit] : kTypeNames) {
    if ((types & bit) == 0 || (bit == kInteger && (types & kNumber) != 0)) continue;
    std::string word = bit == kInteger   ? "an integer"
                       : bit == kObject  ? "an object"
                       : bit == kArray   ? "an array"
                       : bit == kBoolean ? "true or false"
                       : bit == kNull    ? "null"
                                         : std::string("a ") + name;
    out += (out.empty() ? "" : " or ") + word;
  }
  return "must be " + out;
}

bool has_type(unsigned types, const json& v) {
  if (types == 0) return true;
  switch (v.type()) {
    case json::value_t::null:
      return (types & kNull) != 0;
    case json::value_t::boolean:
      return (types & kBoolean) != 0;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return (types & (kInteger | kNumber)) != 0;
    case json::value_t::number_float: {
      if ((types & kNumber) != 0) return true;
      double d = v.get<double>();
      return (types & kInteger) != 0 && std::isfinite(d) && std::floor(d) == d;
    }
    case json::value_t::string:
      return (types & kString) != 0;
    case json::value_t::array:
      return (types & kArray) != 0;
    case json::value_t::object:
      return (types & kObject) != 0;
    default:
      return false;
  }
}

void append_token(std::string& path, const std::string& name) {
  path.push_back('/');
  for (char c : name) {
    if (c == '~') {
      path += "~0";
    } else if (c == '/') {
      path += "~1";
    } else {
      path.push_back(c);
    }
  }
}

// The pointer of the first container nested deeper than `limit` levels, if any. It walks with a stack of its
// own: this is the check that makes the recursive ones below safe.
std::optional<std::string> too_deep(const json& root, std::size_t limit) {
  struct Level {
    const json* container;
    json::const_iterator next;  // the member or element being looked at
    std::size_t index;          // its position, for an array
  };
  if (!root.is_structured()) return std::nullopt;
  if (limit == 0) return std::string();
  std::vector<Level> levels{{&root, root.cbegin(), 0}};
  while (!levels.empty()) {
    Level& top = levels.back();
    if (top.next == top.container->cend()) {
      levels.pop_back();
      if (!levels.empty()) {
        ++levels.back().next;
        ++levels.back().index;
      }
      continue;
    }
    const json& child = *top.next;
    if (!child.is_structured()) {
      ++top.next;
      ++top.index;
      continue;
    }
    if (levels.size() == limit) {
      std::string pointer;
      for (const Level& l : levels) {
        if (l.container->is_array()) {
          pointer += "/" + std::to_string(l.index);
        } else {
          append_token(pointer, l.next.key());
        }
      }
      return pointer;
    }
    levels.push_back(Level{&child, child.cbegin(), 0});
  }
  return std::nullopt;
}

std::size_t depth(const std::string& pointer) {
  return static_cast<std::size_t>(std::count(pointer.begin(), pointer.end(), '/'));
}

class Validator {
 public:
  explicit Validator(const std::vector<Node>& nodes) : nodes_(nodes) {}

  std::optional<Error> check(std::size_t index, const json& v) {
    const Node& n = nodes_[index];
    if (n.never) return fail("is not allowed");
    if (n.ref) {
      if (auto e = check(*n.ref, v)) return e;
    }
    if (!has_type(n.types, v)) return fail(type_text(n.types));
    if (n.constant && v != *n.constant) return fail("must be " + n.constant->dump());
    if (n.enumeration && std::find(n.enumeration->begin(), n.enumeration->end(), v) == n.enumeration->end()) {
      std::string list;
      for (const json& e : *n.enumeration) list += (list.empty() ? "" : ", ") + e.dump();
      return fail("must be one of " + list);
    }
    if (v.is_string()) {
      if (auto e = check_string(n, v.get_ref<const std::string&>())) return e;
    } else if (v.is_number()) {
      double d = v.get<double>();
      if (n.minimum && d < *n.minimum) return fail("must be at least " + number_text(*n.minimum));
      if (n.maximum && d > *n.maximum) return fail("must be at most " + number_text(*n.maximum));
    } else if (v.is_array()) {
      if (auto e = check_array(n, v)) return e;
    } else if (v.is_object()) {
      if (auto e = check_object(n, v)) return e;
    }
    if (!n.any_of.empty()) {
      if (auto e = check_any_of(n, v)) return e;
    }
    if (!n.one_of.empty()) {
      if (auto e = check_one_of(n, v)) return e;
    }
    if (n.if_) {
      const auto branch = check(*n.if_, v) ? n.else_ : n.then_;
      if (branch) return check(*branch, v);
    }
    return std::nullopt;
  }

 private:
  Error fail(std::string why) const { return make_error(ErrorCode::invalid, std::move(why), path_); }

  std::optional<Error> check_string(const Node& n, const std::string& s) {
    if (n.min_length || n.max_length) {
      std::size_t len = code_points(s);
      if (n.min_length && len < *n.min_length) {
        return fail(*n.min_length == 1
                        ? "must not be empty"
                        : "must be at least " + std::to_string(*n.min_length) + " characters long");
      }
      if (n.max_length && len > *n.max_length) {
        return fail("must be at most " + std::to_string(*n.max_length) + " characters long");
      }
    }
    if (n.pattern && !std::regex_search(s, *n.pattern))
      return fail("must match the pattern " + n.pattern_text);
    return std::nullopt;
  }

  std::optional<Error> check_array(const Node& n, const json& v) {
    if (n.min_items && v.size() < *n.min_items) {
      return fail("must have at least " + std::to_string(*n.min_items) +
                  (*n.min_items == 1 ? " item" : " items"));
    }
    if (n.max_items && v.size() > *n.max_items) {
      return fail("must have at most " + std::to_string(*n.max_items) +
                  (*n.max_items == 1 ? " item" : " items"));
    }
    const std::size_t mark = path_.size();
    if (n.unique_items) {
      std::set<json> seen;
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!seen.insert(v[i]).second) {
          path_ += "/" + std::to_string(i);
          auto e = fail("repeats an earlier item");
          path_.resize(mark);
          return e;
        }
      }
    }
    if (n.items) {
      for (std::size_t i = 0; i < v.size(); ++i) {
        path_ += "/" + std::to_string(i);
        auto e = check(*n.items, v[i]);
        path_.resize(mark);
        if (e) return e;
      }
    }
    return std::nullopt;
  }

  std::optional<Error> check_object(const Node& n, const json& v) {
    const std::size_t mark = path_.size();
    auto at_member = [&](const std::string& name, std::string why) {
      append_token(path_, name);
      auto e = fail(std::move(why));
      path_.resize(mark);
      return e;
    };
    for (const std::string& name : n.required) {
      if (!v.contains(name)) return at_member(name, "is required");
    }
    if (n.min_properties && v.size() < *n.min_properties) {
      return fail("must have at least " + std::to_string(*n.min_properties) +
                  (*n.min_properties == 1 ? " member" : " members"));
    }
    if (n.max_properties && v.size() > *n.max_properties) {
      return fail("must have at most " + std::to_string(*n.max_properties) +
                  (*n.max_properties == 1 ? " member" : " members"));
    }
    for (const auto& [name, member] : v.items()) {
      auto prop = n.properties.find(name);
      std::optional<std::size_t> schema;
      if (prop != n.properties.end()) {
        schema = prop->second;
      } else if (!n.additional_allowed) {
        return at_member(name, "is not an allowed field");
      } else {
        schema = n.additional;
      }
      if (!schema) continue;
      append_token(path_, name);
      auto e = check(*schema, member);
      path_.resize(mark);
      if (e) return e;
    }
    return std::nullopt;
  }

  // Of several failed alternatives, the error that got deepest into the instance is the most telling one.
  std::optional<Error> none_matched(const std::vector<std::size_t>& alternatives, const json& v) {
    std::optional<Error> best;
    for (std::size_t alt : alternatives) {
      auto e = check(alt, v);
      if (!e) return std::nullopt;
      if (!best || depth(e->field) > depth(best->field)) best = e;
    }
    if (depth(best->field) > depth(path_)) return best;
    return fail("does not match any of the allowed forms");
  }

  std::optional<Error> check_any_of(const Node& n, const json& v) { return none_matched(n.any_of, v); }

  std::optional<Error> check_one_of(const Node& n, const json& v) {
    if (!n.tag.empty() && v.is_object()) {
      if (auto t = v.find(n.tag); t != v.end()) {
        auto alt = n.by_tag.find(t->dump());
        if (alt != n.by_tag.end()) return check(alt->second, v);
        std::string list;
        for (const auto& [value, _] : n.by_tag) list += (list.empty() ? "" : ", ") + value;
        const std::size_t mark = path_.size();
        append_token(path_, n.tag);
        auto e = fail("must be one of " + list);
        path_.resize(mark);
        return e;
      }
    }
    std::size_t matches = 0;
    for (std::size_t alt : n.one_of) {
      if (!check(alt, v)) ++matches;
    }
    if (matches == 1) return std::nullopt;
    if (matches > 1) return fail("matches more than one of the allowed forms");
    return none_matched(n.one_of, v);
  }

  const std::vector<Node>& nodes_;
  std::string path_;
};

}  // namespace

Result<Schema> Schema::compile(const json& schema) {
  auto nodes = Compiler(schema).run();
  if (!nodes) return nodes.error();
  Schema s;
  s.nodes_ = std::make_shared<const std::vector<Node>>(std::move(nodes).value());
  return s;
}

std::optional<Error> Schema::validate(const json& instance) const {
  if (!nodes_) return make_error(ErrorCode::invalid, "no schema");
  if (auto pointer = too_deep(instance, kMaxJsonDepth)) {
    return make_error(ErrorCode::invalid,
                      "is nested more than " + std::to_string(kMaxJsonDepth) + " levels deep", *pointer);
  }
  return Validator(*nodes_).check(0, instance);
}

std::optional<Error> validate(const json& schema, const json& instance) {
  auto compiled = Schema::compile(schema);
  if (!compiled) return compiled.error();
  return compiled->validate(instance);
}

}  // namespace dais::core
