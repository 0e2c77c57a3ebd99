// `dais serve`: the live server. Settings come from the config file, then the environment (DAIS_PORT, …),
// then the flags; docs/operations.md lists them all. With --demo it imports the demo hearing into an empty
// database and prints join links for the main roles; restarted on that database it prints the same links.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "app/json_file.hpp"
#include "core/text.hpp"
#include "net/server.hpp"
#include "net/static_files.hpp"
#include "store/pg.hpp"
#include "store/store.hpp"

namespace dais::app {
namespace {

namespace fs = std::filesystem;

struct ServeFlags {
  std::optional<std::string> db, bind, web, tls_cert, tls_key, config, seed, public_url, node;
  std::optional<std::int64_t> port, threads, lease_ms;
  bool demo = false;
  bool fresh_links = false;  // --demo on an existing database: new tokens instead of the ones in the file
};

// The demo seed: --seed, else seeds/demo-hearing.json in the working directory or in a parent of the binary's
// directory (so it is found from the source tree and from a build tree inside it).
std::optional<fs::path> find_seed(const std::optional<std::string>& flag) {
  if (flag) return fs::path(*flag);
  const fs::path relative = fs::path("seeds") / "demo-hearing.json";
  std::error_code ec;
  if (fs::exists(relative, ec)) return relative;
  fs::path dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  for (int up = 0; up < 6 && !ec && !dir.empty(); ++up, dir = dir.parent_path()) {
    if (fs::exists(dir / relative, ec)) return dir / relative;
    if (dir == dir.root_path()) break;
  }
  return std::nullopt;
}

// One participant per role the demo shows, plus a few voters.
std::vector<core::ParticipantId> demo_participants(const core::HearingDefinition& def) {
  std::vector<core::ParticipantId> out;
  for (core::Role role : {core::Role::chair, core::Role::secretary, core::Role::presenter,
                          core::Role::questioner, core::Role::display, core::Role::scrutineer}) {
    for (const auto& p : def.participants) {
      if (p.roles.has(role)) {
        out.push_back(p.id);
        break;
      }
    }
  }
  int voters = 0;
  for (const auto& p : def.participants) {
    if (voters == 3) break;
    if (p.roles == core::RoleSet{core::Role::voter}) {
      out.push_back(p.id);
      ++voters;
    }
  }
  return out;
}

// Tokens are secrets: written only to a file only the owner can read, never logged.
bool write_private(const fs::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0) return false;
  ::fchmod(fd, S_IRUSR | S_IWUSR);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return done == text.size();
}

struct DemoLinks {
  core::HearingDefinition def;
  std::vector<store::IssuedToken> shown;  // printed as links
  std::vector<store::IssuedToken> all;    // written to the tokens file
};

// The tokens of the demo tokens file (participant, name, roles, link per line) that still open `hearing` as
// the participant the line names.
std::vector<store::IssuedToken> kept_demo_tokens(store::Store& store, const store::HearingId& hearing,
                                                 const fs::path& file) {
  std::vector<store::IssuedToken> out;
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    const auto id_end = line.find('\t');
    const auto link_start = line.rfind("/j/");
    if (id_end == std::string::npos || link_start == std::string::npos) continue;
    store::IssuedToken t{line.substr(0, id_end), line.substr(link_start + 3)};
    const auto owner = store.find_token(t.token);
    if (owner && owner->hearing == hearing && owner->participant == t.participant)
      out.push_back(std::move(t));
  }
  return out;
}

core::Result<DemoLinks> prepare_demo(store::Store& store, const ServeFlags& flags, const fs::path& db) {
  DemoLinks out;
  auto hearings = store.hearings();
  if (hearings.empty()) {
    const auto seed = find_seed(flags.seed);
    if (!seed)
      return core::make_error(core::ErrorCode::not_found,
                              "seeds/demo-hearing.json not found; pass --seed FILE");
    auto doc = read_json_file(*seed);
    if (!doc) return doc.error();
    auto def = core::parse_definition(*doc);
    if (!def)
      return core::make_error(def.error().code,
                              seed->string() + ": " + def.error().field + ": " + def.error().message);
    auto tokens = store.import_hearing(*def);
    if (!tokens) return tokens.error();
    out.def = std::move(*def);
    out.all = std::move(*tokens);
    const auto wanted = demo_participants(out.def);
    for (const auto& id : wanted) {
      for (const auto& t : out.all) {
        if (t.participant == id) out.shown.push_back(t);
      }
    }
    return out;
  }
  // An existing database: the links printed before keep working. The store holds only token hashes, so the
  // tokens come back from the demo tokens file; any that no longer open this hearing (reissued, revoked, a
  // missing file) and every one under --fresh-links are replaced.
  const store::HearingId& hearing = hearings.front();
  auto state = store.load(hearing);
  if (!state) return state.error();
  out.def = state->def;
  if (!flags.fresh_links) out.all = kept_demo_tokens(store, hearing, net::demo_tokens_file(db));
  for (const auto& id : demo_participants(out.def)) {
    auto kept =
        std::find_if(out.all.begin(), out.all.end(), [&](const auto& t) { return t.participant == id; });
    if (kept != out.all.end()) {
      out.shown.push_back(*kept);
      continue;
    }
    auto t = store.reissue_token(hearing, id);
    if (!t) return t.error();
    out.shown.push_back(*t);
    out.all.push_back(*t);
  }
  return out;
}

// Prints why `dais serve` cannot go on and returns the exit code.
int complain(const std::string& why, int code) {
  std::cerr << "dais serve: " << why << '\n';
  return code;
}

int run_serve(const ServeFlags& flags) {
  net::ServerOptions options;
  if (flags.config) {
    auto config = read_json_file(*flags.config);
    if (!config) return complain(config.error().message, 2);
    if (auto r = net::apply_config(options, *config); !r) {
      return complain(*flags.config + ": " + r.error().message, 2);
    }
  }
  auto env = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    return v != nullptr ? std::optional<std::string>(v) : std::nullopt;
  };
  if (auto r = net::apply_environment(options, env); !r) {
    return complain(r.error().message, 2);
  }
  auto flag = [&](const char* name, const auto& value) -> bool {
    if (!value) return true;
    auto r = net::apply_setting(options, name, nlohmann::json(*value));
    if (!r) std::cerr << "dais serve: --" << name << ": " << r.error().message << '\n';
    return r.ok();
  };
  if (!flag("db", flags.db) || !flag("bind", flags.bind) || !flag("port", flags.port) ||
      !flag("web", flags.web) || !flag("threads", flags.threads) || !flag("tls_cert", flags.tls_cert) ||
      !flag("tls_key", flags.tls_key) || !flag("public_url", flags.public_url) || !flag("node", flags.node) ||
      !flag("lease_ms", flags.lease_ms)) {
    return 2;
  }
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return complain("--tls-cert and --tls-key go together", 2);
  }
  if (auto secret = net::web_root_exposes_secret(options)) return complain(*secret, 2);

  auto store = store::Store::open(store::StoreOptions{.path = options.db, .node = options.node});
  // A PostgreSQL URL may carry a password: the message shows it as ***.
  if (!store) return complain(store::pg::redacted(options.db.string()) + ": " + store.error().message, 1);

  std::optional<DemoLinks> demo;
  if (flags.demo) {
    auto d = prepare_demo(**store, flags, options.db);
    if (!d) return complain("--demo: " + d.error().message, 1);
    demo = std::move(*d);
  }

  net::SystemClock clock;
  net::Server server(**store, clock, options);
  auto port = server.start();
  if (!port) return complain(port.error().message, 1);

  const std::string host = options.bind == "0.0.0.0" || options.bind == "::" ? "127.0.0.1" : options.bind;
  const std::string scheme = options.tls_cert.empty() ? "http" : "https";
  const std::string local = scheme + "://" + host + ":" + std::to_string(*port);
  server.catch_signals();  // the line below tells scripts and tests they may stop it now
  std::cout << "listening on " << local << std::endl;
  const std::string base = options.public_url.empty() ? local : options.public_url;
  if (demo) {
    std::string file_text = "participant\tname\troles\tlink\n";
    for (const auto& t : demo->all) {
      const core::Participant* p = demo->def.participant(t.participant);
      file_text += t.participant + '\t' + (p ? p->name : "") + '\t' + (p ? core::roles_text(p->roles) : "") +
                   '\t' + base + "/j/" + t.token + '\n';
    }
    const fs::path tokens_file = net::demo_tokens_file(options.db);
    std::cout << "demo hearing: " << demo->def.title << "\n";
    for (const auto& t : demo->shown) {
      const core::Participant* p = demo->def.participant(t.participant);
      std::cout << "  " << (p ? core::roles_text(p->roles) : "") << "\t" << (p ? p->name : t.participant)
                << "\t" << base << "/j/" << t.token << "\n";
    }
    if (write_private(tokens_file, file_text)) {
      std::cout << "all join links: " << tokens_file.string() << " (mode 0600)\n";
    } else {
      std::cerr << "dais serve: cannot write " << tokens_file.string() << ": " << std::strerror(errno)
                << '\n';
    }
    if (host != options.bind && options.public_url.empty())
      std::cout << "(other devices: use this machine's address instead of " << host << ")\n";
    std::cout << std::flush;
  }
  server.run_until_signal();
  std::cout << "stopped\n";
  return 0;
}

}  // namespace

void register_serve(CLI::App& app) {
  auto* cmd = app.add_subcommand("serve", "Run the live server: WebSocket protocol, web client, exports");
  auto f = std::make_shared<ServeFlags>();
  auto text = [&](const char* name, std::optional<std::string>& out, const char* help) {
    cmd->add_option_function<std::string>(
        name, [&out](const std::string& v) { out = v; }, help);
  };
  text("--db", f->db, "database file (default dais.db)");
  text("--bind", f->bind, "address to listen on (default 127.0.0.1)");
  cmd->add_option_function<std::int64_t>(
      "--port", [f](std::int64_t v) { f->port = v; }, "port (default 8080; 0 picks a free one)");
  text("--web", f->web, "directory of the built web client (client-web/dist)");
  cmd->add_flag("--demo", f->demo,
                "import the demo hearing into an empty database and print join links (kept across restarts)");
  cmd->add_flag("--fresh-links", f->fresh_links, "with --demo on an existing database: issue new demo links");
  text("--public-url", f->public_url,
       "the address devices use, e.g. http://192.168.1.20:8080 (QR codes, links)");
  text("--seed", f->seed, "the hearing definition --demo imports (default seeds/demo-hearing.json)");
  text("--tls-cert", f->tls_cert, "TLS certificate chain (PEM); serves https and wss");
  text("--tls-key", f->tls_key, "TLS private key (PEM)");
  text("--config", f->config, "JSON file of settings (see docs/operations.md)");
  text("--node", f->node, "this server's name when several share one database (see docs/scale-out.md)");
  cmd->add_option_function<std::int64_t>(
      "--lease-ms", [f](std::int64_t v) { f->lease_ms = v; },
      "with --node: how long a hearing's lease lasts unless renewed (default 3000)");
  cmd->add_option_function<std::int64_t>(
      "--threads", [f](std::int64_t v) { f->threads = v; }, "I/O threads (default: one per core)");
  cmd->callback([f] { set_exit_code(run_serve(*f)); });
}

}  // namespace dais::app
