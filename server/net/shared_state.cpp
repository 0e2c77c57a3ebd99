#include "net/shared_state.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

namespace dais::net {

namespace asio = boost::asio;

SharedState::SharedState(store::Store& store, const Clock& clock, ServerOptions options,
                         std::shared_ptr<const MessageSchemas> schemas)
    : store_(store), clock_(clock), options_(std::move(options)), schemas_(std::move(schemas)) {}

core::Result<std::optional<store::TokenOwner>> SharedState::find_token(std::string_view token) {
  std::lock_guard lock(store_reads_);
  return store_.look_up_token(token);
}

void SharedState::add_hearing(std::shared_ptr<LiveHearing> hearing) {
  const auto id = hearing->id();
  std::lock_guard lock(hearings_mutex_);
  hearings_[id] = std::move(hearing);
}

core::Result<std::shared_ptr<LiveHearing>> SharedState::create_hearing(const core::HearingDefinition& def) {
  if (ioc_ == nullptr) return core::make_error(core::ErrorCode::invalid, "the server is not running");
  if (auto imported = store_.import_hearing(def); !imported) return imported.error();
  if (node_mode()) {
    Taken taken = take_now(def.id);
    if (taken.hearing) return taken.hearing;
    return core::make_error(core::ErrorCode::storage_failed,
                            "hearing " + def.id + " was stored but could not be taken here: " +
                                (taken.owner.empty() ? taken.error : "node " + taken.owner + " holds it"));
  }
  core::Result<core::HearingState> loaded = [&] {
    std::lock_guard lock(store_reads_);
    return store_.load(def.id);
  }();
  if (!loaded) return loaded.error();
  auto live = std::make_shared<LiveHearing>(*ioc_, hearing_context(), def.id, std::move(*loaded));
  add_hearing(live);
  return live;
}

std::shared_ptr<LiveHearing> SharedState::hearing(const store::HearingId& id) const {
  std::lock_guard lock(hearings_mutex_);
  auto it = hearings_.find(id);
  return it == hearings_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<LiveHearing>> SharedState::hearings() const {
  std::vector<std::shared_ptr<LiveHearing>> out;
  std::lock_guard lock(hearings_mutex_);
  for (const auto& [id, h] : hearings_) out.push_back(h);
  return out;
}

// ---- leases (node mode)
// ---------------------------------------------------------------------------------------

Taken SharedState::take_now(const store::HearingId& id) {
  if (auto h = hearing(id)) return Taken::held(h);
  if (!node_mode()) return {};
  if (stopping() || ioc_ == nullptr) return Taken::failed("the server is stopping");
  std::lock_guard take(takes_mutex_);
  if (auto h = hearing(id)) return Taken::held(h);                    // taken by the join before this one
  if (leases_ended_) return Taken::failed("the server is stopping");  // its leases were just released
  {
    std::lock_guard lock(store_reads_);
    // An id from an organizer's address may name nothing: no lease is made for it.
    const auto all = store_.hearings();
    if (std::find(all.begin(), all.end(), id) == all.end()) return {};
  }
  // The store serialises its lease statements with its commits itself: no read lock is held meanwhile.
  const auto lease = store_.acquire_lease(id, lease_ttl());
  if (!lease) return Taken::failed("taking hearing " + id + ": " + lease.error().message);
  if (lease->owner != options_.node) {
    return Taken::elsewhere(lease->owner, !owner_alive(*lease));
  }
  core::Result<core::HearingState> loaded = core::HearingState{};
  {
    std::lock_guard lock(store_reads_);
    loaded = store_.load(id);
  }
  if (!loaded) {
    store_.release_lease(id);
    return Taken::failed("loading hearing " + id + ": " + loaded.error().message);
  }
  std::cerr << "node " << options_.node << ": took hearing " << id << " (lease epoch " << lease->epoch
            << ")\n";
  return Taken::held(live_under_lease(id, lease->epoch, std::move(*loaded)));
}

// An owner that renewed within the last half lease is alive: its clients are sent to it. One that did not may
// be gone: joins wait for its lease to be renewed or to run out.
bool SharedState::owner_alive(const store::Lease& lease) const {
  return lease.remaining_ms >= options_.lease_ms / 2;
}

std::shared_ptr<LiveHearing> SharedState::live_under_lease(const store::HearingId& id, std::int64_t epoch,
                                                           core::HearingState state) {
  NodeLease lease{options_.node, epoch};
  auto live = std::make_shared<LiveHearing>(*ioc_, hearing_context(), id, std::move(state), std::move(lease));
  // Told on the hearing's strand when a commit found the hearing moved: its connections are already sent on.
  std::weak_ptr<LiveHearing> weak = live;
  live->on_lost([this, weak](const std::string& owner) {
    if (auto h = weak.lock()) let_go(h, owner);
  });
  add_hearing(live);
  return live;
}

std::optional<Taken> SharedState::take(const store::HearingId& id, std::function<void(Taken)> later) {
  Taken taken = take_now(id);
  if (!taken.fading) return taken;
  std::shared_ptr<Poll> fresh;
  {
    std::lock_guard lock(polls_mutex_);
    if (leases_ended_) return Taken::failed("the server is stopping");
    auto& poll = polls_[id];
    if (!poll) poll = fresh = std::make_shared<Poll>(*ioc_);
    poll->waiting.push_back(std::move(later));
  }
  if (fresh) arm_poll(id, fresh);
  return std::nullopt;
}

void SharedState::arm_poll(const store::HearingId& id, const std::shared_ptr<Poll>& poll) {
  asio::post(poll->timer.get_executor(), [this, id, poll] {
    if (leases_ended_) return;
    poll->timer.expires_after(std::max(lease_ttl() / 10, std::chrono::milliseconds(1)));
    poll->timer.async_wait([this, id, poll](boost::system::error_code ec) {
      if (!ec && !leases_ended_) poll_lease(id, poll);
    });
  });
}

// Runs on the poll's strand, an I/O thread: never on a hearing's strand.
void SharedState::poll_lease(const store::HearingId& id, const std::shared_ptr<Poll>& poll) {
  core::Result<std::optional<store::Lease>> lease = std::optional<store::Lease>{};
  {
    std::lock_guard lock(store_reads_);
    lease = store_.lease_of(id);
  }
  Taken taken;
  if (!lease) {
    taken.error = "reading the lease of hearing " + id + ": " + lease.error().message;
  } else if (!*lease || (*lease)->remaining_ms <= 0 || (*lease)->owner == options_.node) {
    taken = take_now(id);  // expired: ours now, unless another waiting node was quicker
  } else if (owner_alive(**lease)) {
    taken.owner = (*lease)->owner;  // renewed: its owner is alive
  } else {
    taken.fading = true;
  }
  if (taken.fading) return arm_poll(id, poll);
  std::vector<std::function<void(Taken)>> waiting;
  {
    std::lock_guard lock(polls_mutex_);
    waiting = std::move(poll->waiting);
    polls_.erase(id);
  }
  for (auto& done : waiting) done(taken);
}

void SharedState::start_leases() {
  if (!node_mode() || ioc_ == nullptr) return;
  renewal_.emplace(asio::make_strand(*ioc_));
  arm_renewal();
}

void SharedState::arm_renewal() {
  renewal_->expires_after(std::max(lease_ttl() / 3, std::chrono::milliseconds(1)));
  renewal_->async_wait([this](boost::system::error_code ec) {
    if (ec || leases_ended_) return;
    renew();
    if (!leases_ended_) arm_renewal();
  });
}

// Runs on the renewal's strand, an I/O thread.
void SharedState::renew() {
  const auto lost = store_.renew_leases(lease_ttl());
  if (!lost) {
    // The database is out of reach: the hearings stay until a commit or a later renewal finds them taken.
    std::cerr << "node " << options_.node << ": renewing leases failed: " << lost.error().message << "\n";
    return;
  }
  for (const auto& id : *lost) {
    auto h = hearing(id);
    if (!h) continue;
    std::string owner;  // empty when it cannot be read: the front then picks a node
    {
      std::lock_guard lock(store_reads_);
      if (auto lease = store_.lease_of(id); lease && *lease) owner = (*lease)->owner;
    }
    let_go(h, owner);
  }
}

void SharedState::let_go(const std::shared_ptr<LiveHearing>& hearing, const std::string& owner) {
  {
    std::lock_guard lock(hearings_mutex_);
    auto it = hearings_.find(hearing->id());
    if (it == hearings_.end() || it->second != hearing) return;
    hearings_.erase(it);
  }
  std::cerr << "node " << options_.node << ": hearing " << hearing->id() << " moved to node " << owner
            << "; its clients are sent there\n";
  hearing->let_go(owner);
}

void SharedState::release_leases() {
  if (!node_mode()) return;
  leases_ended_ = true;
  {
    std::lock_guard lock(polls_mutex_);
    for (auto& [id, poll] : polls_) {
      poll->waiting.clear();  // those joins are closed with everyone else
      asio::post(poll->timer.get_executor(), [poll] { poll->timer.cancel(); });
    }
    polls_.clear();
  }
  if (renewal_) asio::post(renewal_->get_executor(), [this] { renewal_->cancel(); });
  std::lock_guard take(takes_mutex_);
  for (const auto& h : hearings()) {
    if (auto released = store_.release_lease(h->id()); !released)
      std::cerr << "node " << options_.node << ": releasing hearing " << h->id()
                << " failed: " << released.error().message << "\n";
  }
}

bool SharedState::enter(const Connection* c, std::weak_ptr<Connection> weak) {
  std::lock_guard lock(registry_mutex_);
  if (static_cast<std::int64_t>(registry_.size()) >= options_.limits.max_connections) return false;
  registry_[c] = std::move(weak);
  ++churn_;
  metrics_.connections = static_cast<std::int64_t>(registry_.size());
  metrics_.connections_total++;
  return true;
}

void SharedState::leave(const Connection* c) {
  std::lock_guard lock(registry_mutex_);
  if (registry_.erase(c) == 0) return;
  ++churn_;
  metrics_.connections = static_cast<std::int64_t>(registry_.size());
  if (registry_.empty()) registry_empty_.notify_all();
}

void SharedState::close_all(std::uint16_t code, const std::string& reason) {
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(registry_mutex_);
    for (auto& [ptr, weak] : registry_) {
      if (auto c = weak.lock()) open.push_back(std::move(c));
    }
  }
  for (auto& c : open) c->close(code, reason, true);
}

bool SharedState::wait_until_empty(std::chrono::milliseconds timeout) {
  std::unique_lock lock(registry_mutex_);
  return registry_empty_.wait_for(lock, timeout, [this] { return registry_.empty(); });
}

}  // namespace dais::net
