#include "net/sheet_secrets.hpp"

#include <cctype>
#include <string>

#include "store/store.hpp"

namespace dais::net {
namespace {

std::string lower_case(std::string text) {
  for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return text;
}

}  // namespace

void hash_sheet_secrets(nlohmann::json& body, std::string_view hearing, std::string_view voter) {
  body["receipt_hash"] = store::sha256_hex(lower_case(body.at("receipt").get<std::string>()));
  body.erase("receipt");
  if (const auto key = body.find("change_key"); key != body.end()) {
    std::string bound = "dais change tag\n";
    bound.append(hearing).append("\n").append(voter).append("\n").append(lower_case(key->get<std::string>()));
    body["change_tag"] = store::sha256_hex(bound);
    body.erase("change_key");
  }
}

}  // namespace dais::net
