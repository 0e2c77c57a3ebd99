#include "net/organize.hpp"

namespace dais::net {

bool answer_ledger(OrganizeCall&) {
  return false;
}

}  // namespace dais::net
