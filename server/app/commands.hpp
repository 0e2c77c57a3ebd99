#pragma once
// Each subcommand lives in its own cmd_<name>.cpp and registers itself here.
#include <CLI/CLI.hpp>

namespace dais::app {

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
