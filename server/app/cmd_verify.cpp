// `dais verify --db FILE [--hearing H]`: checks the hash chain of every hearing and every sealed ballot box.
// Prints `ok <head hash> <hearing>` per hearing (exit 0), or the first break (exit 1); 2 when unreadable.
#include <iostream>
#include <optional>

#include "app/commands.hpp"
#include "store/audit.hpp"

namespace dais::app {

namespace {

struct VerifyOptions {
  std::string db;
  std::optional<std::string> hearing;
};

int run_verify(const VerifyOptions& o) {
  auto report = store::verify_file(o.db, o.hearing);
  if (!report) {
    std::cerr << "dais verify: " << report.error().message << '\n';
    return 2;
  }
  for (const store::VerifiedHearing& h : report->verified) {
    std::cout << "ok " << h.head_hash << ' ' << h.hearing << " (" << h.events << " events, " << h.sealed_boxes
              << " sealed ballot boxes";
    if (h.paper_sheets > 0) std::cout << ", " << h.paper_sheets << " sheets counted from paper";
    std::cout << ")\n";
  }
  if (const auto& b = report->first_break) {
    std::cout << "BROKEN hearing " << b->hearing << " at position " << b->position << ": " << b->what << '\n';
    return 1;
  }
  return 0;
}

}  // namespace

void register_verify(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("verify", "Check the tamper-evident log and the sealed ballot boxes of a file");
  auto o = std::make_shared<VerifyOptions>();
  cmd->add_option("--db", o->db, "database file (opened read-only)")->required();
  cmd->add_option("--hearing", o->hearing, "check only this hearing");
  cmd->callback([o] { set_exit_code(run_verify(*o)); });
}

}  // namespace dais::app
