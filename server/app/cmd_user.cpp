// `dais user add|passwd|list|remove --db DB`: the secretariat's accounts for /organize. Passwords are asked
// twice on a terminal without echo, or read from stdin with --password-stdin (scripts); only their Argon2id
// hash reaches the file.
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <iostream>
#include <optional>

#include "app/commands.hpp"
#include "store/passwords.hpp"
#include "store/store.hpp"

namespace dais::app {

namespace {

struct UserOptions {
  std::string db;
  std::string name;
  std::string role = "organizer";
  bool password_stdin = false;
};

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string utc_text(std::optional<std::int64_t> ms) {
  if (!ms) return "-";
  const std::time_t t = static_cast<std::time_t>(*ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

// One line from stdin, echo off while it is typed on a terminal.
std::optional<std::string> read_secret_line(const char* prompt) {
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (tty) {
    std::cerr << prompt << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << '\n';
  }
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// The new password, checked; an empty result means the reason was printed.
std::optional<std::string> new_password(const UserOptions& o, const std::string& command) {
  auto first = read_secret_line("Password: ");
  if (!first) {
    std::cerr << "dais user " << command << ": no password given\n";
    return std::nullopt;
  }
  if (!o.password_stdin) {
    if (::isatty(STDIN_FILENO) == 0) {
      std::cerr << "dais user " << command << ": stdin is not a terminal; use --password-stdin\n";
      return std::nullopt;
    }
    auto again = read_secret_line("Password again: ");
    if (!again || *again != *first) {
      std::cerr << "dais user " << command << ": the two passwords differ; nothing was changed\n";
      return std::nullopt;
    }
  }
  if (auto problem = store::password_problem(*first); !problem.empty()) {
    std::cerr << "dais user " << command << ": " << problem << "; nothing was changed\n";
    return std::nullopt;
  }
  return first;
}

std::optional<std::unique_ptr<store::Store>> open_store(const std::string& db, const std::string& command,
                                                        bool read_only) {
  auto store = store::Store::open(store::StoreOptions{.path = db, .read_only = read_only});
  if (!store) {
    std::cerr << "dais user " << command << ": " << store.error().message << '\n';
    return std::nullopt;
  }
  return std::move(*store);
}

int report(const core::Result<bool>& done, const std::string& command, const std::string& success) {
  if (!done) {
    std::cerr << "dais user " << command << ": " << done.error().message << '\n';
    return 1;
  }
  std::cout << success << '\n';
  return 0;
}

int run_add(const UserOptions& o) {
  if (o.name.empty() || o.name.size() > 64) {
    std::cerr << "dais user add: a name of 1 to 64 bytes is needed\n";
    return 1;
  }
  auto store = open_store(o.db, "add", false);
  if (!store) return 1;
  if ((*store)->find_account(o.name)) {
    std::cerr << "dais user add: account " << o.name
              << " already exists (change its password with `dais user "
              << "passwd`)\n";
    return 1;
  }
  auto password = new_password(o, "add");
  if (!password) return 1;
  store::Account account;
  account.name = o.name;
  account.role = o.role;
  account.password_hash = store::hash_password(*password);
  account.created_ms = now_ms();
  return report((*store)->add_account(account), "add", "added " + o.role + " " + o.name);
}

int run_passwd(const UserOptions& o) {
  auto store = open_store(o.db, "passwd", false);
  if (!store) return 1;
  if (!(*store)->find_account(o.name)) {
    std::cerr << "dais user passwd: no account " << o.name << '\n';
    return 1;
  }
  auto password = new_password(o, "passwd");
  if (!password) return 1;
  return report((*store)->set_password(o.name, store::hash_password(*password)), "passwd",
                "changed the password of " + o.name + " (and lifted any lock)");
}

int run_list(const UserOptions& o) {
  auto store = open_store(o.db, "list", true);
  if (!store) return 1;
  const std::int64_t now = now_ms();
  std::cout << "name\trole\tcreated\tlast sign-in\tlocked until\n";
  for (const store::Account& a : (*store)->accounts()) {
    const bool locked = a.locked_until_ms && *a.locked_until_ms > now;
    std::cout << a.name << '\t' << a.role << '\t' << utc_text(a.created_ms) << '\t'
              << utc_text(a.last_sign_in_ms) << '\t' << (locked ? utc_text(a.locked_until_ms) : "-") << '\n';
  }
  return 0;
}

int run_remove(const UserOptions& o) {
  auto store = open_store(o.db, "remove", false);
  if (!store) return 1;
  return report((*store)->remove_account(o.name), "remove", "removed " + o.name);
}

CLI::App* subcommand(CLI::App* user, const char* name, const char* help, std::shared_ptr<UserOptions> o) {
  auto* cmd = user->add_subcommand(name, help);
  cmd->add_option("--db", o->db, "database file")->required();
  return cmd;
}

}  // namespace

void register_user(CLI::App& app) {
  auto* user = app.add_subcommand("user", "Organizer accounts for /organize: add, passwd, list, remove");
  user->require_subcommand(1);
  auto o = std::make_shared<UserOptions>();

  auto* add = subcommand(user, "add", "Create an account (asks for its password)", o);
  add->add_option("NAME", o->name, "account name")->required();
  add->add_option("--role", o->role, "organizer (may change things) or observer (reads only)")
      ->check(CLI::IsMember({"organizer", "observer"}));
  add->add_flag("--password-stdin", o->password_stdin, "read the password from stdin (one line)");
  add->callback([o] { set_exit_code(run_add(*o)); });

  auto* passwd = subcommand(user, "passwd", "Set a new password (also lifts a lock)", o);
  passwd->add_option("NAME", o->name, "account name")->required();
  passwd->add_flag("--password-stdin", o->password_stdin, "read the password from stdin (one line)");
  passwd->callback([o] { set_exit_code(run_passwd(*o)); });

  auto* list = subcommand(user, "list", "List the accounts: role, created, last sign-in, lock", o);
  list->callback([o] { set_exit_code(run_list(*o)); });

  auto* remove = subcommand(user, "remove", "Delete an account", o);
  remove->add_option("NAME", o->name, "account name")->required();
  remove->callback([o] { set_exit_code(run_remove(*o)); });
}

}  // namespace dais::app
