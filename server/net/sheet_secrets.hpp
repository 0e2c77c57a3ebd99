#pragma once
// A cast_sheet's device secrets go no further than the connection that received them: the engine and the
// store see only hashes. The receipt, which the voter shows to have their sheet checked, becomes
// `receipt_hash`; the change key, which the device never shows, becomes `change_tag`, bound to the hearing
// and the voter, so that a key someone else learnt still changes nothing of theirs.
#include <string_view>

#include <nlohmann/json.hpp>

namespace dais::net {

// `body` is a cast_sheet that passed its schema; hex is read case-insensitively.
void hash_sheet_secrets(nlohmann::json& body, std::string_view hearing, std::string_view voter);

}  // namespace dais::net
