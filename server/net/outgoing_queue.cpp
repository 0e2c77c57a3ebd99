#include "net/outgoing_queue.hpp"

#include <algorithm>

namespace dais::net {

OutgoingQueue::Pushed OutgoingQueue::push(Outgoing message, bool front_in_flight) {
  bool replaced = false;
  if (message.coalescable) {
    const auto first_unsent = queue_.begin() + (front_in_flight && !queue_.empty() ? 1 : 0);
    const auto stale =
        std::find_if(first_unsent, queue_.end(), [](const Outgoing& o) { return o.coalescable; });
    if (stale != queue_.end()) {
      bytes_ -= stale->text->size();
      queue_.erase(stale);
      replaced = true;
    }
  }
  bytes_ += message.text->size();
  queue_.push_back(std::move(message));
  // One message always fits, however large: only a backlog makes a client too slow.
  if (queue_.size() > max_messages_ || (queue_.size() > 1 && bytes_ > max_bytes_)) return Pushed::over_bound;
  return replaced ? Pushed::replaced_stale : Pushed::queued;
}

void OutgoingQueue::drop_unsent(bool front_in_flight) {
  const std::size_t keep = front_in_flight && !queue_.empty() ? 1 : 0;
  while (queue_.size() > keep) {
    bytes_ -= queue_.back().text->size();
    queue_.pop_back();
  }
}

void OutgoingQueue::pop_front() {
  bytes_ -= queue_.front().text->size();
  queue_.pop_front();
}

}  // namespace dais::net
