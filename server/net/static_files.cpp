#include "net/static_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <optional>
#include <utility>

#include <boost/beast/core/string.hpp>

namespace dais::net {
namespace {

namespace fs = std::filesystem;

core::Error refused(std::string why) {
  return core::make_error(core::ErrorCode::invalid, std::move(why), "path");
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Well-formed UTF-8 only: shortest forms (so "%c0%af" is no '/'), no surrogates, nothing above U+10FFFF.
bool is_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t more = 0;
    std::uint32_t cp = 0;
    std::uint32_t least = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    }
    if ((lead & 0xE0) == 0xC0) {
      more = 1, cp = lead & 0x1Fu, least = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      more = 2, cp = lead & 0x0Fu, least = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      more = 3, cp = lead & 0x07u, least = 0x10000;
    } else {
      return false;
    }
    if (s.size() - i <= more) return false;
    for (std::size_t k = 1; k <= more; ++k) {
      const auto next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (next & 0x3Fu);
    }
    if (cp < least || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += more + 1;
  }
  return true;
}

// One segment of the path, percent-decoded; "/" and "%" may not come out of an escape, since a later reader
// decoding again would see a different path than the one checked here.
core::Result<std::string> decode_segment(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      if (raw.size() - i < 3) return refused("truncated percent escape");
      const int high = hex_value(raw[i + 1]);
      const int low = hex_value(raw[i + 2]);
      if (high < 0 || low < 0) return refused("bad percent escape");
      c = static_cast<char>(high * 16 + low);
      i += 2;
      if (c == '/' || c == '%') return refused("encoded '/' or '%' in the path");
    }
    if (c == '\\') return refused("backslash in the path");
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return refused("control character in the path");
    out += c;
  }
  if (out == "." || out == "..") return refused("'.' or '..' segment in the path");
  return out;
}

// `path` lies in `dir` or below it (both canonical); compared segment by segment, so /web-secret is not in
// /web.
bool inside(const fs::path& dir, const fs::path& path) {
  return std::mismatch(dir.begin(), dir.end(), path.begin(), path.end()).first == dir.end();
}

bool hidden_below(const fs::path& dir, const fs::path& path) {
  const fs::path below = path.lexically_relative(dir);
  return std::any_of(below.begin(), below.end(), [](const fs::path& part) {
    const std::string name = part.string();
    return !name.empty() && name.front() == '.';
  });
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Opens the already-checked canonical path: O_NOFOLLOW refuses a last segment swapped for a symlink since the
// check, O_NONBLOCK a FIFO that would hang the reader, and fstat anything but a regular file. (Swapping a
// directory in between takes write access to the web root, which serves whatever it holds anyway.)
std::optional<std::string> read_regular_file(const fs::path& path) {
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::string out;
  out.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) return out;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

// A path that lies inside the canonical `base`, hidden by no part of it; nothing otherwise.
std::optional<fs::path> resolve_inside(const fs::path& base, const fs::path& path) {
  std::error_code ec;
  fs::path real = fs::canonical(path, ec);
  if (ec || !inside(base, real) || hidden_below(base, real)) return std::nullopt;
  return real;
}

std::string_view trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// The weight of one Accept-Encoding entry's parameters is above 0: no "q" means 1; a malformed q counts as 0,
// so that a garbled header never earns a compressed answer the client may not read.
bool weight_above_zero(std::string_view params) {
  while (!params.empty()) {
    const std::size_t semicolon = std::min(params.find(';'), params.size());
    const std::string_view param = trimmed(params.substr(0, semicolon));
    params.remove_prefix(std::min(semicolon + 1, params.size()));
    if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') continue;
    const std::string_view value = trimmed(param.substr(2));
    // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    if (value.empty() || (value[0] != '0' && value[0] != '1')) return false;
    if (value.size() > 1 && (value[1] != '.' || value.size() > 5)) return false;
    const std::string_view decimals = value.size() > 2 ? value.substr(2) : std::string_view{};
    if (!std::all_of(decimals.begin(), decimals.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    if (value[0] == '1')
      return std::all_of(decimals.begin(), decimals.end(), [](char c) { return c == '0'; });
    return std::any_of(decimals.begin(), decimals.end(), [](char c) { return c != '0'; });
  }
  return true;
}

}  // namespace

AcceptedEncodings accepted_encodings(std::string_view header) {
  std::optional<bool> br;
  std::optional<bool> gzip;
  std::optional<bool> any;
  while (!header.empty()) {
    const std::size_t comma = std::min(header.find(','), header.size());
    const std::string_view entry = header.substr(0, comma);
    header.remove_prefix(std::min(comma + 1, header.size()));
    const std::size_t semicolon = std::min(entry.find(';'), entry.size());
    const std::string_view coding = trimmed(entry.substr(0, semicolon));
    const bool wanted = weight_above_zero(entry.substr(std::min(semicolon + 1, entry.size())));
    using boost::beast::iequals;
    if (iequals(coding, "br")) br = wanted;
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) gzip = wanted;
    if (coding == "*") any = wanted;
  }
  return {.br = br.value_or(any.value_or(false)), .gzip = gzip.value_or(any.value_or(false))};
}

core::Result<std::string> web_path(std::string_view target, std::size_t max_bytes) {
  if (target.size() > max_bytes) {
    return refused("path longer than " + std::to_string(max_bytes) + " bytes (http_max_path_bytes)");
  }
  if (target.empty() || target.front() != '/') return refused("the path must start with '/'");
  std::string out;
  std::string_view rest = target.substr(1);
  while (!rest.empty()) {
    const std::size_t slash = std::min(rest.find('/'), rest.size());
    auto segment = decode_segment(rest.substr(0, slash));
    if (!segment) return segment.error();
    if (segment->empty()) return refused("empty segment ('//') in the path");
    out += *segment;
    if (slash == rest.size()) break;
    out += '/';
    rest.remove_prefix(slash + 1);
  }
  if (!is_utf8(out)) return refused("the path is not UTF-8");
  return out;
}

std::optional<WebFile> read_web_file(const fs::path& root, std::string_view relative,
                                     AcceptedEncodings accepted) {
  const fs::path wanted(relative);
  if (wanted.has_root_path()) return std::nullopt;  // web_path never makes one; joined, it would replace root
  std::error_code ec;
  const fs::path base = fs::canonical(root, ec);
  if (ec) return std::nullopt;
  const auto real = resolve_inside(base, base / wanted);
  if (!real || !fs::is_regular_file(*real, ec)) return std::nullopt;
  const std::string_view type = mime_type(real->filename().string());
  // The copies sit beside the file the path resolved to, so they pass the same checks as any path would, and
  // none is looked for unless that file exists inside the root.
  const std::pair<bool, std::string_view> copies[] = {{accepted.br, "br"}, {accepted.gzip, "gzip"}};
  for (const auto& [take, encoding] : copies) {
    if (!take) continue;
    fs::path copy = *real;
    copy += encoding == "br" ? ".br" : ".gz";
    const auto real_copy = resolve_inside(base, copy);
    if (!real_copy) continue;
    if (auto body = read_regular_file(*real_copy)) return WebFile{std::move(*body), type, encoding};
  }
  auto body = read_regular_file(*real);
  if (!body) return std::nullopt;
  return WebFile{std::move(*body), type, {}};
}

std::string_view mime_type(std::string_view path) {
  const auto dot = path.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
  using boost::beast::iequals;
  if (iequals(ext, "html")) return "text/html; charset=utf-8";
  if (iequals(ext, "js") || iequals(ext, "mjs")) return "text/javascript; charset=utf-8";
  if (iequals(ext, "css")) return "text/css; charset=utf-8";
  if (iequals(ext, "svg")) return "image/svg+xml";
  if (iequals(ext, "png")) return "image/png";
  if (iequals(ext, "ico")) return "image/x-icon";
  if (iequals(ext, "json") || iequals(ext, "map")) return "application/json";
  if (iequals(ext, "woff2")) return "font/woff2";
  if (iequals(ext, "txt")) return "text/plain; charset=utf-8";
  if (iequals(ext, "webmanifest")) return "application/manifest+json";
  return "application/octet-stream";
}

std::optional<std::string> web_root_exposes_secret(const ServerOptions& options) {
  if (options.web.empty()) return std::nullopt;
  // Absolute first: weakly_canonical leaves a relative path whose start does not exist ("hall.db") relative.
  const auto resolved = [](const fs::path& path, std::error_code& ec) {
    const fs::path absolute = fs::absolute(path, ec);
    return ec ? absolute : fs::weakly_canonical(absolute, ec);
  };
  std::error_code ec;
  const fs::path root = resolved(options.web, ec);
  if (ec) return "web: " + options.web.string() + ": " + ec.message();
  const std::pair<std::string_view, fs::path> secrets[] = {
      {"the database", options.db},
      {"the database's tokens file", demo_tokens_file(options.db)},
      {"the TLS key", options.tls_key},
  };
  for (const auto& [what, path] : secrets) {
    if (path.empty()) continue;
    const fs::path real = resolved(path, ec);
    if (ec) return "web: cannot resolve " + path.string() + ": " + ec.message();
    if (inside(root, real)) {
      return "web: " + options.web.string() + " holds " + std::string(what) + " (" + real.string() +
             "); serve the web client from a directory of its own";
    }
  }
  return std::nullopt;
}

}  // namespace dais::net
