#include "net/shared_state.hpp"

namespace dais::net {

SharedState::SharedState(store::Store& store, const Clock& clock, ServerOptions options,
                         std::shared_ptr<const MessageSchemas> schemas)
    : store_(store), clock_(clock), options_(std::move(options)), schemas_(std::move(schemas)) {}

std::optional<store::TokenOwner> SharedState::find_token(std::string_view token) {
  std::lock_guard lock(store_reads_);
  return store_.find_token(token);
}

void SharedState::add_hearing(std::shared_ptr<LiveHearing> hearing) {
  const auto id = hearing->id();
  std::lock_guard lock(hearings_mutex_);
  hearings_[id] = std::move(hearing);
}

core::Result<std::shared_ptr<LiveHearing>> SharedState::create_hearing(const core::HearingDefinition& def) {
  if (ioc_ == nullptr) return core::make_error(core::ErrorCode::invalid, "the server is not running");
  if (auto imported = store_.import_hearing(def); !imported) return imported.error();
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

bool SharedState::enter(const Connection* c, std::weak_ptr<Connection> weak) {
  std::lock_guard lock(registry_mutex_);
  if (static_cast<std::int64_t>(registry_.size()) >= options_.limits.max_connections) return false;
  registry_[c] = std::move(weak);
  metrics_.connections = static_cast<std::int64_t>(registry_.size());
  metrics_.connections_total++;
  return true;
}

void SharedState::leave(const Connection* c) {
  std::lock_guard lock(registry_mutex_);
  if (registry_.erase(c) == 0) return;
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
