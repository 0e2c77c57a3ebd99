// `dais recount --db FILE --ballot ID [--hearing H] [--receipt SECRET]`: recounts a closed ballot from its
// box alone (named ballots: from the named sheets in the log) and compares with the result logged at close;
// or checks that the sheet of a receipt is in the box.
#include <iostream>
#include <optional>

#include "app/commands.hpp"
#include "store/audit.hpp"

namespace dais::app {

namespace {

struct RecountOptions {
  std::string db;
  std::string ballot;
  std::optional<std::string> hearing;
  std::optional<std::string> receipt;
};

void print_tally(const core::Tally& tally) {
  for (const auto& [slot, dimensions] : tally.sections) {
    for (const auto& [dimension, section] : dimensions) {
      std::cout << "  " << slot << " / " << dimension << ":";
      for (const auto& [grade, by_group] : section.marks) {
        std::int64_t n = 0;
        for (const auto& [group, count] : by_group) n += count;
        std::cout << ' ' << grade << ' ' << n << ',';
      }
      std::int64_t invalid = 0;
      for (const auto& [group, count] : section.invalid) invalid += count;
      std::cout << " invalid " << invalid << '\n';
    }
  }
}

int check_receipt(const RecountOptions& o) {
  auto store = store::Store::open(store::StoreOptions{.path = o.db, .read_only = true});
  if (!store) {
    std::cerr << "dais recount: " << store.error().message << '\n';
    return 2;
  }
  auto hearing = store::choose_hearing((*store)->hearings(), o.hearing);
  if (!hearing) {
    std::cerr << "dais recount: " << hearing.error().message << '\n';
    return 2;
  }
  auto found = (*store)->receipt_in_box(*hearing, o.ballot, store::sha256_hex(*o.receipt));
  if (!found) {
    std::cerr << "dais recount: " << found.error().message << '\n';
    return 2;
  }
  if (*found) {
    std::cout << "the receipt's sheet is in ballot " << o.ballot << '\n';
    return 0;
  }
  std::cout << "NOT FOUND: no sheet of ballot " << o.ballot << " has this receipt\n";
  return 1;
}

int run_recount(const RecountOptions& o) {
  if (o.receipt) return check_receipt(o);
  auto recount = store::recount_ballot(o.db, o.hearing, o.ballot);
  if (!recount) {
    std::cerr << "dais recount: " << recount.error().message << '\n';
    return 2;
  }
  std::cout << "ballot " << recount->ballot << " of hearing " << recount->hearing << ": " << recount->sheets
            << " sheets recounted from "
            << (recount->anonymous ? "the ballot box" : "the named sheets in the log") << "; "
            << recount->voters << " voters took part" << (recount->paper_handed_out > 0 ? " on tablets" : "")
            << '\n';
  if (recount->paper_handed_out > 0) {
    std::cout << "paper: " << recount->paper << " of the sheets came on paper (" << recount->paper_handed_out
              << " paper sheets handed out, " << recount->paper_handed_out - recount->paper
              << " never entered)\n";
  }
  print_tally(recount->recounted);
  if (recount->matches()) {
    std::cout << "ok: the recount matches the result logged at position " << recount->logged_position << '\n';
    return 0;
  }
  if (recount->sheets != recount->voters + recount->paper) {
    std::cout << "MISMATCH: " << recount->sheets << " sheets but " << recount->voters << " voters";
    if (recount->paper > 0) std::cout << " and " << recount->paper << " paper sheets";
    std::cout << '\n';
  }
  if (!recount->logged) {
    std::cout << "MISMATCH: the log holds no result for this ballot\n";
  } else {
    std::cout << "MISMATCH: the result logged at position " << recount->logged_position << " says\n";
    print_tally(*recount->logged);
  }
  return 1;
}

}  // namespace

void register_recount(CLI::App& app) {
  auto* cmd = app.add_subcommand("recount", "Recount a closed ballot from its box, or check a receipt");
  auto o = std::make_shared<RecountOptions>();
  cmd->add_option("--db", o->db, "database file (opened read-only)")->required();
  cmd->add_option("--ballot", o->ballot, "ballot id, e.g. B1")->required();
  cmd->add_option("--hearing", o->hearing, "hearing id (needed when the file holds several)");
  cmd->add_option("--receipt", o->receipt, "a voter's receipt secret: check that its sheet is in the box");
  cmd->callback([o] { set_exit_code(run_recount(*o)); });
}

}  // namespace dais::app
