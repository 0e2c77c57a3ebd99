#include "bench/wire.hpp"

#include <cstring>

namespace dais::bench {
namespace {

// A cursor over the frame; every function returns false on malformed input.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  void skip_space() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool eat(char c) {
    skip_space();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool peek(char c) {
    skip_space();
    return p_ < end_ && *p_ == c;
  }

  // A string's raw contents (escapes left as they are). The cursor must be on the opening quote.
  bool string(std::string_view& out) {
    if (!eat('"')) return false;
    const char* start = p_;
    for (;;) {
      const void* q = std::memchr(p_, '"', static_cast<std::size_t>(end_ - p_));
      if (q == nullptr) return false;
      p_ = static_cast<const char*>(q);
      const char* b = p_;
      while (b > start && b[-1] == '\\') --b;
      const bool escaped = ((p_ - b) % 2) == 1;
      ++p_;
      if (!escaped) {
        out = std::string_view(start, static_cast<std::size_t>(p_ - 1 - start));
        return true;
      }
    }
  }

  bool integer(std::int64_t& out) {
    skip_space();
    bool negative = false;
    if (p_ < end_ && *p_ == '-') {
      negative = true;
      ++p_;
    }
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    std::int64_t v = 0;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') v = v * 10 + (*p_++ - '0');
    out = negative ? -v : v;
    return true;
  }

  bool literal(bool& out) {
    skip_space();
    if (starts_with("true")) {
      p_ += 4;
      out = true;
      return true;
    }
    if (starts_with("false")) {
      p_ += 5;
      out = false;
      return true;
    }
    return skip_value();
  }

  // Skips any value, nested objects and arrays included.
  bool skip_value() {
    skip_space();
    if (p_ == end_) return false;
    if (*p_ == '"') {
      std::string_view ignored;
      return string(ignored);
    }
    if (*p_ != '{' && *p_ != '[') {
      while (p_ < end_ && *p_ != ',' && *p_ != '}' && *p_ != ']') ++p_;
      return true;
    }
    int depth = 0;
    while (p_ < end_) {
      const char c = *p_;
      if (c == '"') {
        std::string_view ignored;
        if (!string(ignored)) return false;
        continue;
      }
      ++p_;
      if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return true;
      }
    }
    return false;
  }

 private:
  bool starts_with(std::string_view word) const {
    return static_cast<std::size_t>(end_ - p_) >= word.size() &&
           std::memcmp(p_, word.data(), word.size()) == 0;
  }
  const char* p_;
  const char* end_;
};

// {"id": "…", …}: the id, the other fields skipped.
bool read_hearing_id(Scanner& s, std::string_view& id) {
  if (!s.eat('{')) return false;
  if (s.eat('}')) return true;
  for (;;) {
    std::string_view key;
    if (!s.string(key) || !s.eat(':')) return false;
    const bool ok = key == "id" && s.peek('"') ? s.string(id) : s.skip_value();
    if (!ok) return false;
    if (s.eat('}')) return true;
    if (!s.eat(',')) return false;
  }
}

}  // namespace

FrameHead read_head(std::string_view frame) {
  FrameHead head;
  Scanner s(frame);
  if (!s.eat('{')) return {};
  if (s.eat('}')) return head;
  for (;;) {
    std::string_view key;
    if (!s.string(key) || !s.eat(':')) return {};
    bool ok = true;
    if (key == "type") {
      ok = s.string(head.type);
    } else if (key == "id") {
      ok = s.peek('"') ? s.string(head.id) : s.skip_value();
    } else if (key == "seq") {
      std::int64_t v = 0;
      ok = s.integer(v);
      head.seq = v;
    } else if (key == "resumed") {
      ok = s.literal(head.resumed);
    } else if (key == "duplicate") {
      ok = s.literal(head.duplicate);
    } else if (key == "node") {
      ok = s.peek('"') ? s.string(head.node) : s.skip_value();
    } else if (key == "hearing" && s.peek('{')) {
      ok = read_hearing_id(s, head.hearing);
    } else {
      ok = s.skip_value();
    }
    if (!ok) return {};
    if (s.eat('}')) return head;
    if (!s.eat(',')) return {};
  }
}

}  // namespace dais::bench
