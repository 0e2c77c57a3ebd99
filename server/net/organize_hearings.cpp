#include "net/organize.hpp"

namespace dais::net {

bool answer_hearing_prep(OrganizeCall&) {
  return false;
}

}  // namespace dais::net
