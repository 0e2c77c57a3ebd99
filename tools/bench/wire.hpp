#pragma once
// The few facts a load client needs from a server frame, read without building a JSON tree: at 150,000
// deliveries a second on a shared 2-core machine the load generator must cost far less than the server.
#include <cstdint>
#include <optional>
#include <string_view>

namespace dais::bench {

// Top-level fields of one frame (docs/protocol.md). Nested values are skipped, never interpreted.
struct FrameHead {
  std::string_view type;  // "welcome", "update", "ack", "error", …; empty when the frame is not a JSON object
  std::string_view id;    // the request id of an ack or error (raw: ids made by the bench need no escapes)
  std::optional<std::int64_t> seq;
  bool resumed = false;      // welcome
  bool duplicate = false;    // ack: a retry answered with the original ack
  std::string_view node;     // welcome: the node serving the hearing (several nodes share one database)
  std::string_view hearing;  // welcome: hearing.id
};

// Reads the top level of a JSON object. Views point into `frame`. Malformed input yields an empty type.
FrameHead read_head(std::string_view frame);

}  // namespace dais::bench
