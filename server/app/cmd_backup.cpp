// `dais backup --db DB --to FILE`: an online copy of the file, consistent even while a hearing writes to it.
#include <iostream>

#include "app/commands.hpp"
#include "store/store.hpp"

namespace dais::app {

namespace {

struct BackupOptions {
  std::string db;
  std::string to;
};

int run_backup(const BackupOptions& o) {
  auto store = store::Store::open(store::StoreOptions{.path = o.db, .read_only = true});
  if (!store) {
    std::cerr << "dais backup: " << store.error().message << '\n';
    return 1;
  }
  auto done = (*store)->backup_to(o.to);
  if (!done) {
    std::cerr << "dais backup: " << done.error().message << '\n';
    return 1;
  }
  std::cout << "backed up " << o.db << " to " << o.to << '\n';
  return 0;
}

}  // namespace

void register_backup(CLI::App& app) {
  auto* cmd = app.add_subcommand("backup", "Copy a database file safely, also during a live hearing");
  auto o = std::make_shared<BackupOptions>();
  cmd->add_option("--db", o->db, "database file")->required();
  cmd->add_option("--to", o->to, "the copy (must not exist yet)")->required();
  cmd->callback([o] { set_exit_code(run_backup(*o)); });
}

}  // namespace dais::app
