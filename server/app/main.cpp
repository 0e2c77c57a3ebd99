// The `dais` executable: one binary, one subcommand per task (check, import, serve, verify, recount, backup,
// user). The subcommands live in the dais_app library (server/app/commands.hpp).
#include "app/commands.hpp"

int main(int argc, char** argv) {
  return dais::app::run(std::vector<std::string>(argv, argv + argc));
}
