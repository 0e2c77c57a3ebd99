#pragma once
// Organizer passwords: Argon2id through libsodium (crypto_pwhash_str), with its INTERACTIVE limits. The hash
// string carries its own salt and parameters, so a later build can raise the cost and rehash at sign-in.
#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace dais::store {

inline constexpr std::size_t kMinPasswordLength = 12;  // characters (UTF-8 code points)
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// Why a new password is not acceptable, or nothing when it is.
std::string password_problem(std::string_view password);
// A "$argon2id$…" string. Throws when libsodium cannot hash (out of memory).
std::string hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);
// True when `hash` was made with other limits than hash_password uses now.
bool password_needs_rehash(const std::string& hash);
// A hash of a password nobody knows: an unknown account is checked against it, so that the answer takes as
// long as for a known one with a wrong password.
const std::string& decoy_password_hash();

}  // namespace dais::store
