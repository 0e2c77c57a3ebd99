#pragma once
// A connection's outgoing messages, bounded in count and bytes. An update still waiting is dropped when a
// newer one carries every section it carries whole (the client would overwrite it anyway) and no later one
// patches them, but never across an ack or error: what a command changed still reaches its sender before the
// answer. A backlog past either bound
// means the client is too slow. The message at the front may be being written and is never touched.
#include <cstddef>

#include <boost/container/devector.hpp>

#include "net/connection.hpp"

namespace dais::net {

class OutgoingQueue {
 public:
  OutgoingQueue(std::size_t max_messages, std::size_t max_bytes)
      : max_messages_(max_messages), max_bytes_(max_bytes) {}

  enum class Pushed { queued, replaced_stale, over_bound };
  Pushed push(Outgoing message, bool front_in_flight);
  // Drops everything not yet being written.
  void drop_unsent(bool front_in_flight);

  bool empty() const { return queue_.empty(); }
  std::size_t size() const { return queue_.size(); }
  std::size_t bytes() const { return bytes_; }
  const Outgoing& front() const { return queue_.front(); }
  void pop_front();

 private:
  std::size_t max_messages_;
  std::size_t max_bytes_;
  // Not std::deque: that allocates half a kilobyte before the first message, on every idle connection.
  boost::container::devector<Outgoing> queue_;
  std::size_t bytes_ = 0;
};

}  // namespace dais::net
