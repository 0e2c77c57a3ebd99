#pragma once
// HAProxy in front of several `dais serve --node` processes on loopback, configured from the reference file
// tools/scale-out/haproxy.cfg so that the configuration the failover checks run is the documented one.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dais::bench {

struct FrontNode {
  std::string name;  // n1, n2, …
  std::uint16_t port = 0;
};

// The reference configuration for loopback: the frontend binds 127.0.0.1:`front_port`; in each section the
// first `use-server` and the first `server` line are written once per node (their node name replaced by the
// node's, a server's address by 127.0.0.1:port) and the others dropped; the stats socket is `stats_socket`;
// the global `log`, `user`, `group`, `chroot` and `daemon` lines are left out (HAProxy runs in the
// foreground as the bench's user); a `maxconn` above `max_connections` is lowered to it (HAProxy refuses to
// start when the file descriptor limit cannot hold twice its maxconn). Every other line is kept as it is.
std::string loopback_haproxy_config(const std::string& reference, std::uint16_t front_port,
                                    const std::vector<FrontNode>& nodes,
                                    const std::filesystem::path& stats_socket, std::int64_t max_connections);
// The most connections HAProxy can take under a file descriptor limit (two descriptors each, and a margin).
std::int64_t haproxy_max_connections(std::int64_t fd_limit);

// The state HAProxy gives each server of `backend` ("UP", "DOWN", "UP 1/2", "no check", …), asked over its
// stats socket ("show stat"); nothing when the socket does not answer.
std::optional<std::map<std::string, std::string>> haproxy_server_status(
    const std::filesystem::path& stats_socket, const std::string& backend);

}  // namespace dais::bench
