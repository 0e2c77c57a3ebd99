// `dais import FILE --db DB [--tokens-out FILE]`: creates a hearing from its definition and issues every
// participant a join token. The tokens exist only in this command's output: the file keeps their hashes.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "app/json_file.hpp"
#include "core/text.hpp"
#include "store/store.hpp"

namespace dais::app {

namespace {

struct ImportOptions {
  std::string definition;
  std::string db;
  std::string tokens_out;
};

std::string tokens_table(const core::HearingDefinition& def, const std::vector<store::IssuedToken>& tokens) {
  std::string out = "participant\tname\troles\ttoken\n";
  for (const store::IssuedToken& t : tokens) {
    const core::Participant* p = def.participant(t.participant);
    out += t.participant + '\t' + (p ? p->name : "") + '\t' + (p ? core::roles_text(p->roles) : "") + '\t' +
           t.token + '\n';
  }
  return out;
}

// Created before the hearing is, with O_EXCL and mode 0600: if the tokens cannot be kept safely, nothing is
// imported (tokens that reach no one would have to be reissued).
int create_private_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd >= 0) ::fchmod(fd, S_IRUSR | S_IWUSR);  // whatever the umask did
  return fd;
}

bool write_all(int fd, const std::string& text) {
  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return ::fsync(fd) == 0;
}

int run_import(const ImportOptions& o) {
  auto doc = read_json_file(o.definition);
  if (!doc) {
    std::cerr << "dais import: " << doc.error().message << '\n';
    return 1;
  }
  auto def = core::parse_definition(*doc);
  if (!def) {
    std::cerr << "dais import: " << o.definition << ": "
              << (def.error().field.empty() ? "" : def.error().field + ": ") << def.error().message << '\n';
    return 1;
  }
  int fd = -1;
  if (!o.tokens_out.empty()) {
    fd = create_private_file(o.tokens_out);
    if (fd < 0) {
      std::cerr << "dais import: cannot create " << o.tokens_out << ": " << std::strerror(errno)
                << " (it must not exist yet)\n";
      return 1;
    }
  }
  auto fail = [&](const std::string& message) {
    if (fd >= 0) {
      ::close(fd);
      ::unlink(o.tokens_out.c_str());
    }
    std::cerr << "dais import: " << message << '\n';
    return 1;
  };
  auto store = store::Store::open(store::StoreOptions{.path = o.db});
  if (!store) return fail(store.error().message);
  auto tokens = (*store)->import_hearing(*def);
  if (!tokens) return fail(tokens.error().message);
  const std::string table = tokens_table(*def, *tokens);
  if (fd >= 0) {
    bool ok = write_all(fd, table);
    ::close(fd);
    if (!ok) {
      std::cerr << "dais import: hearing " << def->id << " was imported, but writing " << o.tokens_out
                << " failed: " << std::strerror(errno) << "; reissue the tokens\n";
      return 1;
    }
    std::cout << "imported hearing " << def->id << " with " << tokens->size() << " participants; tokens in "
              << o.tokens_out << '\n';
  } else {
    std::cerr << "imported hearing " << def->id << " with " << tokens->size()
              << " participants; the tokens below are shown once\n";
    std::cout << table;
  }
  return 0;
}

}  // namespace

void register_import(CLI::App& app) {
  auto* cmd = app.add_subcommand("import", "Create a hearing from a definition file and issue join tokens");
  auto o = std::make_shared<ImportOptions>();
  cmd->add_option("FILE", o->definition, "hearing definition (JSON)")->required();
  cmd->add_option("--db", o->db, "database file (created if missing)")->required();
  cmd->add_option("--tokens-out", o->tokens_out,
                  "write the tokens to this new file (mode 0600) instead of printing them");
  cmd->callback([o] { set_exit_code(run_import(*o)); });
}

}  // namespace dais::app
