#pragma once
// A validator for the subset of JSON Schema (draft 2020-12) that protocol/*.schema.json use: type, enum,
// const, properties, required, additionalProperties, items, minItems, maxItems, minLength, maxLength,
// minimum, maximum, pattern (ECMA regex), oneOf, $ref to "#/$defs/…". Errors name the instance path.
#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace dais::core {

// Returns the first violation as an `invalid` Error whose `field` is the JSON pointer of the offending value.
std::optional<Error> validate(const nlohmann::json& schema, const nlohmann::json& instance);

}  // namespace dais::core
