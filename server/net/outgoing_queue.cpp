#include "net/outgoing_queue.hpp"

namespace dais::net {

OutgoingQueue::Pushed OutgoingQueue::push(Outgoing message, bool front_in_flight) {
  const std::size_t first_unsent = front_in_flight && !queue_.empty() ? 1 : 0;
  bool replaced = false;
  if (message.carries != 0) {
    // Back to front, up to the last answer: everything after it may be superseded. Not a section that this
    // message or a later waiting one patches: the patch's base is what the client holds once it got that one.
    Carried patched_later = message.patched;
    for (std::size_t i = queue_.size(); i > first_unsent; --i) {
      const Outgoing& waiting = queue_[i - 1];
      if (waiting.carries == 0) break;
      if ((waiting.carries & ~message.carries) != 0 || (waiting.carries & patched_later) != 0) {
        patched_later |= waiting.patched;
        continue;
      }
      bytes_ -= waiting.text->size();
      queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(i - 1));
      replaced = true;
    }
  }
  bytes_ += message.text->size();
  queue_.push_back(std::move(message));
  // The message being written and one waiting always fit, however large (a big hall's check-in board can
  // pass the byte bound on its own): only a backlog makes a client too slow.
  const std::size_t waiting = queue_.size() - first_unsent;
  const std::size_t waiting_bytes = bytes_ - (first_unsent == 1 ? queue_.front().text->size() : 0);
  if (waiting > max_messages_ || (waiting > 1 && waiting_bytes > max_bytes_)) return Pushed::over_bound;
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
