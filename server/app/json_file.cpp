#include "app/json_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace dais::app {
namespace {

using nlohmann::json;

// Where the parser is, as a JSON pointer, kept up to date from the parser's events, so that an error found
// while reading a value (a number out of range, a nesting too deep) can name that value.
class Position {
 public:
  explicit Position(std::size_t max_depth) : max_depth_(max_depth) {}

  // Thrown out of the parser when a container would open deeper than the limit.
  struct TooDeep {
    std::string pointer;
  };

  // The parser's callback; it keeps every value.
  bool on_event(json::parse_event_t event, const json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (frames_.size() >= max_depth_) throw TooDeep{pointer()};
        frames_.push_back(Frame{event == json::parse_event_t::array_start, 0, {}});
        break;
      case json::parse_event_t::key:
        frames_.back().key = parsed.get<std::string>();
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames_.pop_back();
        value_done();
        break;
      case json::parse_event_t::value:
        value_done();
        break;
    }
    return true;
  }

  // The pointer of the value being read.
  std::string pointer() const {
    std::string out;
    for (const Frame& f : frames_) {
      out += '/';
      if (f.array) {
        out += std::to_string(f.index);
        continue;
      }
      for (char c : f.key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    }
    return out;
  }

 private:
  struct Frame {
    bool array;
    std::size_t index;  // of the element being read, in an array
    std::string key;    // of the member being read, in an object
  };

  void value_done() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
  }

  std::size_t max_depth_;
  std::vector<Frame> frames_;
};

core::Error at_value(const std::filesystem::path& path, const std::string& pointer, const std::string& why) {
  const std::string where = pointer.empty() ? "/" : pointer;
  return core::make_error(core::ErrorCode::invalid, path.string() + ": " + where + ": " + why, pointer);
}

}  // namespace

core::Result<json> read_json_file(const std::filesystem::path& path, std::size_t max_depth) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return core::make_error(core::ErrorCode::not_found,
                            path.string() + ": cannot read: " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  Position position(max_depth);
  try {
    return json::parse(text.str(), [&](int /*depth*/, json::parse_event_t event, json& parsed) {
      return position.on_event(event, parsed);
    });
  } catch (const Position::TooDeep& e) {
    return at_value(path, e.pointer, "nested more than " + std::to_string(max_depth) + " levels deep");
  } catch (const json::out_of_range&) {
    // The parser's only out_of_range is a number too large for a double (1e400).
    return at_value(path, position.pointer(), "number out of range");
  } catch (const json::parse_error& e) {
    // e.what() reads "[json.exception.parse_error.101] parse error at line L, column C: …"; keep the human
    // part.
    std::string why = e.what();
    if (auto cut = why.find("] "); cut != std::string::npos) why = why.substr(cut + 2);
    return core::make_error(core::ErrorCode::invalid, path.string() + ": not valid JSON: " + why + " (byte " +
                                                          std::to_string(e.byte) + ")");
  } catch (const json::exception& e) {
    return core::make_error(core::ErrorCode::invalid, path.string() + ": not readable JSON: " + e.what());
  }
}

}  // namespace dais::app
