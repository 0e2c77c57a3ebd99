#include "net/organize.hpp"

namespace dais::net {

bool answer_reports(OrganizeCall&) {
  return false;
}

}  // namespace dais::net
