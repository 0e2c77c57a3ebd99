#include "bench/haproxy_front.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace dais::bench {
namespace {

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// `line` with every whole-word `name` (not part of a longer name) replaced by `by`.
std::string rename(const std::string& line, const std::string& name, const std::string& by) {
  const std::regex word("(^|[^A-Za-z0-9_-])" + name + "(?![A-Za-z0-9_-])");
  return std::regex_replace(line, word, "$1" + by);
}

}  // namespace

std::string loopback_haproxy_config(const std::string& reference, std::uint16_t front_port,
                                    const std::vector<FrontNode>& nodes,
                                    const std::filesystem::path& stats_socket, std::int64_t max_connections) {
  std::istringstream in(reference);
  std::ostringstream out;
  std::string section;
  bool use_server_written = false, server_written = false;
  for (std::string line; std::getline(in, line);) {
    const auto w = words(line);
    const bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    if (!indented && !w.empty() && w[0][0] != '#') {
      section = w[0];
      use_server_written = server_written = false;
    }
    if (w.empty() || w[0][0] == '#' || !indented) {
      out << line << "\n";
      continue;
    }
    const std::string indent = line.substr(0, line.find_first_not_of(" \t"));
    if (section == "global" &&
        (w[0] == "log" || w[0] == "user" || w[0] == "group" || w[0] == "chroot" || w[0] == "daemon"))
      continue;
    if (w[0] == "stats" && w.size() >= 3 && w[1] == "socket") {
      out << indent << "stats socket " << stats_socket.string();
      for (std::size_t i = 3; i < w.size(); ++i) out << " " << w[i];
      out << "\n";
    } else if (w[0] == "maxconn" && w.size() == 2 && std::stoll(w[1]) > max_connections) {
      out << indent << "maxconn " << max_connections << "\n";
    } else if (w[0] == "bind" && w.size() >= 2) {
      out << indent << "bind 127.0.0.1:" << front_port;
      for (std::size_t i = 2; i < w.size(); ++i) out << " " << w[i];
      out << "\n";
    } else if (w[0] == "use-server" && w.size() >= 2) {
      if (std::exchange(use_server_written, true)) continue;
      for (const auto& n : nodes) out << rename(line, w[1], n.name) << "\n";
    } else if (w[0] == "server" && w.size() >= 3) {
      if (std::exchange(server_written, true)) continue;
      for (const auto& n : nodes) {
        std::string l = rename(line, w[1], n.name);
        const auto at = l.find(w[2]);
        l.replace(at, w[2].size(), "127.0.0.1:" + std::to_string(n.port));
        out << l << "\n";
      }
    } else {
      out << line << "\n";
    }
  }
  return out.str();
}

std::int64_t haproxy_max_connections(std::int64_t fd_limit) {
  return std::max<std::int64_t>(100, (fd_limit - 200) / 2);
}

std::optional<std::map<std::string, std::string>> haproxy_server_status(
    const std::filesystem::path& stats_socket, const std::string& backend) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = stats_socket.string();
  if (path.size() >= sizeof addr.sun_path) {
    ::close(fd);
    return std::nullopt;
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  timeval timeout{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string text;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string ask = "show stat\n";
    if (::write(fd, ask.data(), ask.size()) == static_cast<ssize_t>(ask.size())) {
      char buf[8192];
      for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  if (text.empty()) return std::nullopt;
  // CSV: "# pxname,svname,…,status,…" then one row per frontend, server and backend.
  std::istringstream lines(text);
  std::string header;
  std::getline(lines, header);
  if (header.rfind("# ", 0) != 0) return std::nullopt;
  std::vector<std::string> columns;
  {
    std::stringstream h(header.substr(2));
    for (std::string c; std::getline(h, c, ',');) columns.push_back(c);
  }
  const auto status_at = std::find(columns.begin(), columns.end(), "status") - columns.begin();
  std::map<std::string, std::string> status;
  for (std::string row; std::getline(lines, row);) {
    std::vector<std::string> cells;
    std::stringstream r(row);
    for (std::string c; std::getline(r, c, ',');) cells.push_back(c);
    if (cells.size() <= static_cast<std::size_t>(status_at) || cells[0] != backend) continue;
    if (cells[1] == "BACKEND" || cells[1] == "FRONTEND") continue;
    status[cells[1]] = cells[static_cast<std::size_t>(status_at)];
  }
  return status;
}

}  // namespace dais::bench
