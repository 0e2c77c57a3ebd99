#include "app/json_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace dais::app {

core::Result<nlohmann::json> read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return core::make_error(core::ErrorCode::not_found,
                            path.string() + ": cannot read: " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() reads "[json.exception.parse_error.101] parse error at line L, column C: …"; keep the human
    // part.
    std::string why = e.what();
    if (auto cut = why.find("] "); cut != std::string::npos) why = why.substr(cut + 2);
    return core::make_error(core::ErrorCode::invalid, path.string() + ": not valid JSON: " + why + " (byte " +
                                                          std::to_string(e.byte) + ")");
  }
}

}  // namespace dais::app
