// The `dais` executable: one binary, one subcommand per task (check, import, serve, verify, recount, backup,
// user).
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Dais — live session manager for accountability hearings (述责述廉)", "dais"};
  app.set_version_flag("--version", std::string("dais ") + DAIS_VERSION);
  app.require_subcommand(1);
  dais::app::register_commands(app);
  CLI11_PARSE(app, argc, argv);
  return dais::app::exit_code();
}
