#include "app/commands.hpp"

namespace dais::app {
namespace {
int g_exit_code = 0;
}

int exit_code() {
  return g_exit_code;
}
void set_exit_code(int code) {
  g_exit_code = code;
}

void register_commands(CLI::App& app) {
  register_check(app);
  register_import(app);
  register_verify(app);
  register_recount(app);
  register_backup(app);
  register_serve(app);
  register_user(app);
}

}  // namespace dais::app
