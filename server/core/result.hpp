#pragma once
// Typed errors and a small Result type: every rejected command says why, with a stable code.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <dais/codes.hpp>

namespace dais::core {

// Stable error codes: the engine's part of protocol/codes.json, which says what each means. They appear on
// the wire (`error.code`) and in docs/protocol.md; never renumber or rename one.
using ErrorCode = protocol::ErrorCode;

std::string_view to_string(ErrorCode code);

// A value a client needs to say the error in the reader's own language (the message is English, for logs).
using ErrorParam = std::variant<std::int64_t, std::string>;
using ErrorParams = std::map<std::string, ErrorParam, std::less<>>;

struct Error {
  ErrorCode code;
  std::string message;      // English, for logs and tools; clients show their own text from code and params
  std::string field;        // JSON path of the offending input field, empty when not about one field
  ErrorParams params = {};  // the numbers and names the message speaks of (docs/protocol.md, Error codes)
  bool operator==(const Error&) const = default;
};

inline Error make_error(ErrorCode code, std::string message, std::string field = {}) {
  return Error{code, std::move(message), std::move(field), {}};
}

inline Error make_error(ErrorCode code, std::string message, ErrorParams params) {
  return Error{code, std::move(message), {}, std::move(params)};
}

// Either a value or an Error. Deliberately minimal (std::expected is C++23).
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace dais::core
