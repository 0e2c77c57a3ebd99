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

int run(const std::vector<std::string>& args) {
  CLI::App app{"Dais — live session manager for accountability hearings (述责述廉)", "dais"};
  app.set_version_flag("--version", std::string("dais ") + DAIS_VERSION);
  app.require_subcommand(1);
  register_commands(app);
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  set_exit_code(0);
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code();
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
