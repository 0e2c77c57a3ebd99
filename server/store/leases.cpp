// Leases between nodes sharing one database (store.hpp, docs/scale-out.md): the defaults of a store without
// them, and how a commit refused for a lost lease is told apart.
#include "store/store.hpp"

namespace dais::store {

namespace {
core::Error no_leases() {
  return core::make_error(core::ErrorCode::invalid, "this store has no node name: it keeps no leases");
}
}  // namespace

core::Result<Lease> Store::acquire_lease(const HearingId&, std::chrono::milliseconds) {
  return no_leases();
}
core::Result<std::vector<HearingId>> Store::renew_leases(std::chrono::milliseconds) {
  return no_leases();
}
core::Result<bool> Store::release_lease(const HearingId&) {
  return no_leases();
}
core::Result<std::optional<Lease>> Store::lease_of(const HearingId&) {
  return no_leases();
}

bool lost_lease(const core::Error& error) {
  return error.code == core::ErrorCode::storage_failed && error.params.contains("lease_epoch");
}

}  // namespace dais::store
