#include "store/passwords.hpp"

#include <sodium.h>

#include <stdexcept>

#include "core/text.hpp"
#include "store/store.hpp"

namespace dais::store {
namespace {

// INTERACTIVE: 64 MiB and about 0.1 s per check. The server runs on a small machine beside a live hearing;
// guessing online is bounded by the lockout, offline by the memory each guess costs.
constexpr unsigned long long kOpsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr std::size_t kMemLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

void init_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium could not be initialised");
}

}  // namespace

std::string password_problem(std::string_view password) {
  if (core::code_points(password) < kMinPasswordLength) {
    return "the password is too short: at least " + std::to_string(kMinPasswordLength) + " characters";
  }
  if (password.size() > kMaxPasswordBytes) {
    return "the password is too long: at most " + std::to_string(kMaxPasswordBytes) + " bytes";
  }
  return {};
}

std::string hash_password(std::string_view password) {
  init_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("hashing the password failed (out of memory)");
  }
  return std::string(out);
}

bool verify_password(const std::string& hash, std::string_view password) {
  init_sodium();
  if (password.size() > kMaxPasswordBytes) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(const std::string& hash) {
  init_sodium();
  return crypto_pwhash_str_needs_rehash(hash.c_str(), kOpsLimit, kMemLimit) != 0;
}

const std::string& decoy_password_hash() {
  static const std::string decoy = hash_password(random_token(32));
  return decoy;
}

namespace {
core::Error no_accounts() {
  return core::make_error(core::ErrorCode::invalid, "this store keeps no organizer accounts");
}
}  // namespace

// The defaults of a Store that keeps no accounts (store.hpp).
core::Result<bool> Store::add_account(const Account&) {
  return no_accounts();
}
core::Result<bool> Store::set_password(const std::string&, const std::string&) {
  return no_accounts();
}
core::Result<bool> Store::remove_account(const std::string&) {
  return no_accounts();
}
core::Result<bool> Store::record_sign_in(const std::string&, std::int64_t) {
  return no_accounts();
}
core::Result<std::optional<std::int64_t>> Store::record_failed_sign_in(const std::string&, std::int64_t,
                                                                       std::int64_t, std::int64_t) {
  return no_accounts();
}

}  // namespace dais::store
