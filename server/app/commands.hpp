#pragma once
// Each subcommand lives in its own cmd_<name>.cpp and registers itself here.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace dais::app {

// `dais` with `args` (args[0] the program name): parses, runs the subcommand, returns the exit code. main()
// is this; tests call it in-process for what needs no process of its own.
int run(const std::vector<std::string>& args);

void register_commands(CLI::App& app);
int exit_code();  // the exit code chosen by the subcommand that ran
void set_exit_code(int code);

// One registration function per subcommand file.
void register_check(CLI::App& app);
void register_import(CLI::App& app);
void register_verify(CLI::App& app);
void register_recount(CLI::App& app);
void register_backup(CLI::App& app);
void register_serve(CLI::App& app);
void register_user(CLI::App& app);

}  // namespace dais::app
