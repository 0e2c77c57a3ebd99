#include <iostream>

#include "app/commands.hpp"

namespace dais::app {

void register_check(CLI::App& app) {
  auto* cmd = app.add_subcommand("check", "Validate a hearing definition file and print a summary");
  auto file = std::make_shared<std::string>();
  cmd->add_option("FILE", *file, "hearing definition (JSON)")->required();
  cmd->callback([file] {
    std::cerr << "check: not implemented yet\n";
    set_exit_code(2);
  });
}

}  // namespace dais::app
