#pragma once
// A joined client as a hearing sees it: something to deliver shared message buffers to, and to close. The
// WebSocket session implements it; every call is thread-safe (it posts to the session's strand).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace dais::net {

// What an update carries in full, as bits: the view's sections (core::mask_of) and the personal part.
using Carried = std::uint32_t;
inline constexpr Carried kCarriesMe = Carried{1} << 31;

// One outgoing message. The text is built once and the same buffer goes to every connection that gets it.
struct Outgoing {
  std::shared_ptr<const std::string> text;
  // The sections this update changes on the client, whole or as patches; 0 for acks, errors and welcomes. A
  // newer update that carries all of them whole supersedes it while it still waits in a queue
  // (OutgoingQueue).
  Carried carries = 0;
  // Those of them it carries as patches: each needs the copy the update before left, so it is never skipped.
  Carried patched = 0;
  // Another message for the same connection follows at once (the ack of its own request, behind the update
  // it caused): the connection may wait for it and write both together.
  bool more = false;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual void deliver(Outgoing message) = 0;
  // Closes once what is already queued is written (graceful) or at once, dropping the queue.
  virtual void close(std::uint16_t code, std::string reason, bool drain_first) = 0;
};

inline Outgoing make_outgoing(std::string text, Carried carries = 0) {
  return Outgoing{std::make_shared<const std::string>(std::move(text)), carries};
}

}  // namespace dais::net
