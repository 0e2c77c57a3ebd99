// The hall's big screen: the chair chooses what it shows.
#include "core/decide.hpp"

namespace dais::core {
namespace {

constexpr std::size_t kMaxMessageChars = 200;  // read from the back of the hall: a line or two

}  // namespace

Decision decide_command(const Context& ctx, const SetDisplay& cmd) {
  // Any phase: the screen shows a welcome before check-in opens and a closing word after adjournment.
  const std::string message = trim(cmd.message.value_or(""));
  if (cmd.mode == DisplayMode::message) {
    if (auto e = check_text(message, kMaxMessageChars, "/message")) return *e;
  } else if (!message.empty()) {
    return make_error(ErrorCode::invalid, "a message goes only with the message mode", "/message");
  }
  if (ctx.state.display.mode == cmd.mode && ctx.state.display.message == message) {
    return make_error(ErrorCode::conflict, "the screen already shows that", "/mode");
  }
  return ctx.one(DisplaySet{cmd.mode, message});
}

}  // namespace dais::core
