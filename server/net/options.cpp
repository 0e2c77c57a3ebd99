#include "net/options.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

#include <nlohmann/json.hpp>

namespace dais::net {
namespace {

using core::ErrorCode;
using core::make_error;
using nlohmann::json;

template <class Int>
core::Result<bool> set_integer(Int& out, const json& v, std::string_view name, std::int64_t min,
                               std::int64_t max) {
  std::int64_t n = 0;
  if (v.is_number_integer()) {
    n = v.get<std::int64_t>();
  } else if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    std::size_t used = 0;
    try {
      n = std::stoll(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != s.size()) {
      return make_error(ErrorCode::invalid, std::string(name) + ": expected an integer", std::string(name));
    }
  } else {
    return make_error(ErrorCode::invalid, std::string(name) + ": expected an integer", std::string(name));
  }
  if (n < min || n > max) {
    return make_error(
        ErrorCode::invalid,
        std::string(name) + ": must be between " + std::to_string(min) + " and " + std::to_string(max),
        std::string(name));
  }
  out = static_cast<Int>(n);
  return true;
}

core::Result<bool> set_number(double& out, const json& v, std::string_view name, double min, double max) {
  double d = 0;
  if (v.is_number()) {
    d = v.get<double>();
  } else if (v.is_string()) {
    try {
      std::size_t used = 0;
      d = std::stod(v.get<std::string>(), &used);
      if (used != v.get_ref<const std::string&>().size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      return make_error(ErrorCode::invalid, std::string(name) + ": expected a number", std::string(name));
    }
  } else {
    return make_error(ErrorCode::invalid, std::string(name) + ": expected a number", std::string(name));
  }
  if (!(d >= min && d <= max)) {
    return make_error(ErrorCode::invalid, std::string(name) + ": out of range", std::string(name));
  }
  out = d;
  return true;
}

template <class Text>
core::Result<bool> set_text(Text& out, const json& v, std::string_view name) {
  if (!v.is_string()) {
    // Built by append, not operator+: GCC 12 warns falsely (array-bounds) on the inlined concatenation.
    std::string message(name);
    message.append(": expected a string");
    return make_error(ErrorCode::invalid, std::move(message), std::string(name));
  }
  out = v.get<std::string>();
  return true;
}

// A base URL for join links: http or https, a host, no path, query or white space.
core::Result<bool> set_public_url(std::string& out, const json& v) {
  if (!v.is_string()) return make_error(ErrorCode::invalid, "public_url: expected a string", "public_url");
  std::string url = v.get<std::string>();
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.empty()) {
    out.clear();
    return true;
  }
  const auto scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  const std::string host = scheme_end == std::string::npos ? "" : url.substr(scheme_end + 3);
  const bool plain = std::none_of(host.begin(), host.end(), [](char c) {
    return c == '/' || c == '?' || c == '#' || c == '@' || static_cast<unsigned char>(c) <= ' ';
  });
  if ((scheme != "http" && scheme != "https") || host.empty() || !plain) {
    return make_error(ErrorCode::invalid, "public_url: expected http(s)://host[:port] with no path",
                      "public_url");
  }
  out = url;
  return true;
}

// A node's name: what the front (HAProxy) routes by and what clients are redirected with, so short and plain.
core::Result<bool> set_node(std::string& out, const json& v) {
  if (!v.is_string()) return make_error(ErrorCode::invalid, "node: expected a string", "node");
  const auto& name = v.get_ref<const std::string&>();
  const auto plain = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  const bool ok = !name.empty() && name.size() <= 32 && plain(name.front()) &&
                  std::all_of(name.begin(), name.end(), [&](char c) { return plain(c) || c == '-'; });
  if (!ok && !name.empty()) {
    return make_error(ErrorCode::invalid,
                      "node: 1 to 32 of a-z, 0-9 and '-', starting with a letter or digit (e.g. node-1)",
                      "node");
  }
  out = name;
  return true;
}

struct Setting {
  std::string_view name;
  std::function<core::Result<bool>(ServerOptions&, const json&)> set;
};

constexpr std::int64_t kBig = std::numeric_limits<std::int32_t>::max();

const std::vector<Setting>& settings() {
  static const std::vector<Setting> all = {
      {"db", [](ServerOptions& o, const json& v) { return set_text(o.db, v, "db"); }},
      {"bind", [](ServerOptions& o, const json& v) { return set_text(o.bind, v, "bind"); }},
      {"port", [](ServerOptions& o, const json& v) { return set_integer(o.port, v, "port", 0, 65535); }},
      {"web", [](ServerOptions& o, const json& v) { return set_text(o.web, v, "web"); }},
      {"threads",
       [](ServerOptions& o, const json& v) { return set_integer(o.threads, v, "threads", 0, 256); }},
      {"tls_cert", [](ServerOptions& o, const json& v) { return set_text(o.tls_cert, v, "tls_cert"); }},
      {"tls_key", [](ServerOptions& o, const json& v) { return set_text(o.tls_key, v, "tls_key"); }},
      {"public_url", [](ServerOptions& o, const json& v) { return set_public_url(o.public_url, v); }},
      {"node", [](ServerOptions& o, const json& v) { return set_node(o.node, v); }},
      {"lease_ms",
       [](ServerOptions& o, const json& v) { return set_integer(o.lease_ms, v, "lease_ms", 500, 60000); }},
#define DAIS_INT_LIMIT(field, min, max)                                                                   \
  {                                                                                                       \
#field,                                                                                               \
        [](ServerOptions & o, const json& v) { return set_integer(o.limits.field, v, #field, min, max); } \
  }
#define DAIS_NUM_LIMIT(field, min, max)                                                                      \
  {                                                                                                          \
#field, [](ServerOptions & o, const json& v) { return set_number(o.limits.field, v, #field, min, max); } \
  }
      DAIS_INT_LIMIT(max_message_bytes, 256, 16 * 1024 * 1024),
      DAIS_NUM_LIMIT(rate_per_s, 0.001, 1e9),
      DAIS_NUM_LIMIT(rate_burst, 1, 1e9),
      DAIS_INT_LIMIT(max_rate_limited, 1, kBig),
      DAIS_INT_LIMIT(max_bad_messages, 1, kBig),
      DAIS_INT_LIMIT(connections_per_token, 1, kBig),
      DAIS_INT_LIMIT(max_connections, 1, kBig),
      DAIS_INT_LIMIT(hello_timeout_ms, 1, kBig),
      DAIS_INT_LIMIT(idle_timeout_ms, 2, kBig),
      DAIS_INT_LIMIT(max_queue_bytes, 1024, std::int64_t{1} << 40),
      DAIS_INT_LIMIT(max_queue_messages, 2, kBig),
      DAIS_INT_LIMIT(batch_interval_ms, 0, 1000),
      DAIS_NUM_LIMIT(tally_hz, 0, 1000),
      DAIS_INT_LIMIT(count_slice, 1, kBig),
      DAIS_INT_LIMIT(patch_min_bytes, 0, kBig),
      DAIS_INT_LIMIT(resume_window, 0, kBig),
      DAIS_INT_LIMIT(resume_window_bytes, 0, std::int64_t{1} << 40),
      DAIS_INT_LIMIT(http_max_request_bytes, 1024, 64 * 1024 * 1024),
      DAIS_INT_LIMIT(http_max_path_bytes, 64, 1024 * 1024),
      DAIS_INT_LIMIT(http_timeout_ms, 1, kBig),
      DAIS_INT_LIMIT(close_grace_ms, 0, kBig),
      DAIS_INT_LIMIT(max_http_connections, 1, kBig),
      DAIS_INT_LIMIT(accept_backoff_ms, 1, 60000),
      DAIS_INT_LIMIT(heap_trim_ms, 0, kBig),
      DAIS_INT_LIMIT(log_interval_ms, 0, kBig),
      DAIS_INT_LIMIT(organize_idle_timeout_ms, 1000, kBig),
      DAIS_INT_LIMIT(organize_max_roster_rows, 1, 1000000),
      DAIS_INT_LIMIT(organize_max_request_bytes, 1024, 64 * 1024 * 1024),
      DAIS_INT_LIMIT(organize_session_lifetime_ms, 1000, kBig),
      DAIS_INT_LIMIT(login_max_failures, 1, 1000),
      DAIS_INT_LIMIT(login_lockout_ms, 0, kBig),
      DAIS_INT_LIMIT(login_max_failures_per_address, 1, 1000000),
#undef DAIS_INT_LIMIT
#undef DAIS_NUM_LIMIT
  };
  return all;
}

std::string env_name(std::string_view name) {
  std::string out = "DAIS_";
  for (char c : name) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

core::Result<bool> apply_setting(ServerOptions& options, std::string_view name, const json& value) {
  for (const auto& s : settings()) {
    if (s.name == name) return s.set(options, value);
  }
  return make_error(ErrorCode::invalid, "unknown setting '" + std::string(name) + "'", std::string(name));
}

core::Result<bool> apply_config(ServerOptions& options, const json& config) {
  if (!config.is_object()) return make_error(ErrorCode::invalid, "the config file must hold a JSON object");
  for (const auto& [name, value] : config.items()) {
    auto r = apply_setting(options, name, value);
    if (!r) return r;
  }
  return true;
}

core::Result<bool> apply_environment(
    ServerOptions& options, const std::function<std::optional<std::string>(const std::string&)>& getenv) {
  for (const auto& s : settings()) {
    const std::string var = env_name(s.name);
    if (auto v = getenv(var)) {
      auto r = s.set(options, json(*v));
      if (!r) {
        auto e = r.error();
        e.message = var + ": " + e.message;
        return e;
      }
    }
  }
  return true;
}

std::vector<std::string_view> setting_names() {
  std::vector<std::string_view> out;
  for (const auto& s : settings()) out.push_back(s.name);
  return out;
}

std::filesystem::path demo_tokens_file(const std::filesystem::path& db) {
  return db.string() + ".tokens.tsv";
}

}  // namespace dais::net
