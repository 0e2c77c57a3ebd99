#pragma once
// A validator for the subset of JSON Schema (draft 2020-12) that protocol/*.schema.json use: type, enum,
// const, properties, required, additionalProperties, items, minItems, maxItems, minLength, maxLength,
// minimum, maximum, pattern (ECMA regex), oneOf, $ref to "#/$defs/…". Errors name the instance path.
// Also uniqueItems, minProperties, maxProperties and anyOf; annotations (title, description, …) are ignored.
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace dais::core {

// The deepest nesting of arrays and objects accepted in any JSON the program reads (files, messages); the
// root object is level 1. Real documents need fewer than ten levels. Checks that compare or print values
// recurse, so deeper instances are refused before any check.
inline constexpr std::size_t kMaxJsonDepth = 64;

// A schema compiled once into a tree of checks, for validating many instances (every WebSocket message).
// Unknown keywords are rejected at compile time, so a schema never silently relies on an unsupported one.
class Schema {
 public:
  struct Node;
  static Result<Schema> compile(const nlohmann::json& schema);
  // The first violation as an `invalid` Error whose `field` is the JSON pointer of the offending value. An
  // instance nested deeper than kMaxJsonDepth is refused at its first too deep value.
  std::optional<Error> validate(const nlohmann::json& instance) const;

 private:
  std::shared_ptr<const std::vector<Node>> nodes_;  // nodes_[0] is the root; shared so copies are cheap
};

// Returns the first violation as an `invalid` Error whose `field` is the JSON pointer of the offending value.
// Compiles `schema` on every call; use Schema for repeated validation.
std::optional<Error> validate(const nlohmann::json& schema, const nlohmann::json& instance);

}  // namespace dais::core
