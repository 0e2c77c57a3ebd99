// The chair as adversary, over real sockets: holding the chair's console and the hall screen, it knows who
// voted and in which order (it casts the voters one at a time and waits for each), and reads every count
// either screen shows. On every anonymous ballot it tries the differencing attacks: close right after the
// live count moves and one more voter casts; void a ballot after one more sheet and rerun it, then the same
// on the rerun. Every pair of counts it saw must differ by at least k voters' sheets. Beside it sit one
// observer of every other role (secretary, scrutineer, presenter, questioner, a voter who is not in the
// hall): every count any of them received in any frame, set against the chair's order, must keep the same
// distance.
#include <gtest/gtest.h>

#include "net/harness.hpp"
#include "security/linkage.hpp"

namespace dais::test {
namespace {

const json* ballot_item(const json& view, const std::string& id) {
  for (const auto& b : view["ballots"]["items"]) {
    if (b["id"] == id) return &b;
  }
  return nullptr;
}

std::int64_t voted(const json& view, const std::string& ballot) {
  const json* b = ballot_item(view, ballot);
  return b == nullptr ? -1 : (*b)["turnout"]["voted"].get<std::int64_t>();
}

class Adversary {
 public:
  explicit Adversary(Hall& hall) : hall_(hall) {
    chair_ = hall.join("chair");
    screen_ = hall.join("screen");
  }

  Client& chair() { return *chair_; }

  void ok(const json& command) {
    const json answer = chair_->request(command);
    ASSERT_EQ(answer["type"], "ack") << command.dump() << " → " << answer.dump();
  }

  void prepare(int present) {
    ok({{"type", "open_check_in"}});
    for (int i = 1; i <= present; ++i) ok({{"type", "check_in"}, {"participant", voter_id(i)}});
    ok({{"type", "start_session"}});
    for (const char* slot : {"s01", "s02"}) {
      ok({{"type", "call_slot"}, {"slot", slot}});
      ok({{"type", "begin_stage"}, {"slot", slot}, {"stage", "reporting"}});
      ok({{"type", "begin_stage"}, {"slot", slot}, {"stage", "questioning"}});
    }
  }

  std::string open(const json& create) {
    const json created = chair_->request(create);
    EXPECT_EQ(created["type"], "ack") << created.dump();
    const std::string id = created["result"]["ballot"];
    open_existing(id);
    return id;
  }

  // Opens the ballot and waits until the hall screen shows its (empty) live count: the count the adversary
  // watches move is read from there.
  void open_existing(const std::string& id) {
    ok({{"type", "open_ballot"}, {"ballot", id}});
    screen_->wait_view([&](const json& v) {
      for (const auto& t : v["tally"]["ballots"]) {
        if (t["ballot"] == id) return true;
      }
      return false;
    });
  }

  // Closing with one to k-1 sheets would give their aggregate: the engine refuses, and nothing changes.
  void try_to_close_early(const std::string& ballot, std::int64_t k) {
    const json refused = chair_->request({{"type", "close_ballot"}, {"ballot", ballot}});
    ASSERT_EQ(refused["type"], "error") << refused.dump();
    EXPECT_EQ(refused["code"], "too_few_sheets");
    EXPECT_EQ(refused["params"], json({{"sheets", record(ballot).order.size()}, {"k", k}}));
    read_screens(ballot, "after the refused close");
  }

  // The next voter casts; then both screens are read once they show that sheet in the turnout.
  void cast(const std::string& ballot, const json& marks) {
    const std::string voter = voter_id(++next_voter_);
    if (next_voter_ > present_) next_voter_ = 1;
    auto tablet = hall_.join(voter);
    const json answer = tablet->request({{"type", "cast_sheet"},
                                         {"ballot", ballot},
                                         {"marks", marks},
                                         {"receipt", random_receipt()},
                                         {"change_key", random_receipt()},
                                         {"idempotency_key", "k-" + ballot + "-" + voter}});
    ASSERT_EQ(answer["type"], "ack") << answer.dump();
    record(ballot).order.push_back(voter);
    read_screens(ballot, "after sheet " + std::to_string(record(ballot).order.size()));
  }

  // Casts until a live count appears or moves, then one sheet more: the sheet the chair would single out.
  void cast_until_the_count_moves_then_one_more(const std::string& ballot, const json& marks) {
    const std::int64_t before = live_sheets(ballot);
    for (int i = 0; i < 40 && live_sheets(ballot) == before; ++i) cast(ballot, marks);
    ASSERT_NE(live_sheets(ballot), before)
        << "the live count never moved: " << screen_->view()["tally"].dump();
    cast(ballot, marks);
  }

  void read_screens(const std::string& ballot, const std::string& when) {
    const auto n = static_cast<std::int64_t>(record(ballot).order.size());
    for (auto* c : {chair_.get(), screen_.get()}) {
      const std::string who = c == chair_.get() ? "chair" : "hall screen";
      const json view = c->wait_view([&](const json& v) { return voted(v, ballot) == n; });
      for (const auto& t : view["tally"]["ballots"]) {
        if (t["ballot"] == ballot) add(ballot, t["sheets"].get<std::int64_t>(), who + " live count " + when);
      }
      for (const auto& r : view["results"]["ballots"]) {
        if (r["ballot"] != ballot) continue;
        for (const auto& p : r["presenters"]) {
          for (const auto& d : p["dimensions"]) add(ballot, d["cast"].get<std::int64_t>(), who + " result");
        }
      }
    }
  }

  // The chair closes or voids, and both screens are read once they show it.
  void end(const std::string& ballot, const json& command, const std::string& status) {
    ok(command);
    for (auto* c : {chair_.get(), screen_.get()}) {
      c->wait_view([&](const json& v) {
        const json* b = ballot_item(v, ballot);
        return b != nullptr && (*b)["status"] == status;
      });
    }
    read_screens(ballot, "at " + status);
  }

  std::int64_t live_sheets(const std::string& ballot) {
    const json view = screen_->view();
    for (const auto& t : view["tally"]["ballots"]) {
      if (t["ballot"] == ballot) return t["sheets"].get<std::int64_t>();
    }
    return -1;
  }

  const std::map<std::string, linkage::BallotRecord>& seen() const { return seen_; }
  void set_present(int n) { present_ = n; }

 private:
  linkage::BallotRecord& record(const std::string& ballot) { return seen_[ballot]; }
  void add(const std::string& ballot, std::int64_t sheets, const std::string& where) {
    auto& counts = record(ballot).counts;
    const bool known = std::any_of(counts.begin(), counts.end(),
                                   [&](const linkage::Count& c) { return c.sheets == sheets; });
    if (!known) counts.push_back({sheets, false, where});
  }

  Hall& hall_;
  std::shared_ptr<Client> chair_;
  std::shared_ptr<Client> screen_;
  std::map<std::string, linkage::BallotRecord> seen_;
  int next_voter_ = 0;
  int present_ = 0;
};

// Every count tied to a ballot anywhere in a frame: live tallies (`sheets`) and results (`cast` per
// dimension).
void collect_counts(const json& node, const std::string& where,
                    std::map<std::string, linkage::BallotRecord>& out) {
  if (node.is_array()) {
    for (const auto& item : node) collect_counts(item, where, out);
    return;
  }
  if (!node.is_object()) return;
  if (node.contains("ballot") && node["ballot"].is_string()) {
    const std::string ballot = node["ballot"];
    if (node.contains("sheets") && node["sheets"].is_number_integer()) {
      out[ballot].counts.push_back({node["sheets"].get<std::int64_t>(), false, where + " live count"});
    }
    for (const auto& p : node.value("presenters", json::array())) {
      for (const auto& d : p.value("dimensions", json::array())) {
        if (d.contains("cast"))
          out[ballot].counts.push_back({d["cast"].get<std::int64_t>(), false, where + " result"});
      }
    }
  }
  for (const auto& [key, value] : node.items()) collect_counts(value, where, out);
}

json each_marks(const std::string& slot, const std::string& grade) {
  return {{slot, {{"zhuti", {grade}}, {"lianjie", {grade}}, {"zuofeng", {grade}}}}};
}

json final_marks(const Hall& hall, const std::string& grade) {
  json marks = json::object();
  for (const auto& slot : hall.definition().agenda) marks[slot.id] = {{"lianjie", {grade}}};
  return marks;
}

TEST(Differencing, TheChairAndTheHallScreenNeverSeeTwoCountsFewerThanKSheetsApart) {
  Hall hall;
  hall.start();
  const std::int64_t k = hall.definition().settings.k_anonymity;
  ASSERT_EQ(k, 5);
  Adversary chair(hall);
  // Observers of every other role: a secretary, the scrutineer, a presenter, a questioner, a voter.
  std::map<std::string, std::shared_ptr<Client>> observers;
  for (const char* who : {"sec1", "jpr", "p01", "q01", "v110"}) observers[who] = hall.join(who);
  chair.set_present(110);  // quorum: two thirds of 150
  chair.prepare(110);

  // 1. A per-presenter ballot: the chair tries to close it after one sheet and after k-1, then closes it one
  // sheet after the live count moves.
  const std::string b1 = chair.open({{"type", "create_ballot"}, {"template_id", "each"}, {"slot", "s01"}});
  chair.cast(b1, each_marks("s01", "cha"));
  chair.try_to_close_early(b1, k);
  for (int i = 2; i < k; ++i) chair.cast(b1, each_marks("s01", "cha"));
  chair.try_to_close_early(b1, k);
  chair.cast_until_the_count_moves_then_one_more(b1, each_marks("s01", "cha"));
  chair.end(b1, {{"type", "close_ballot"}, {"ballot", b1}}, "closed");

  // 2. The combined sheet, voided one sheet after the count moved, and its rerun closed the same way.
  const std::string b2 = chair.open({{"type", "create_ballot"}, {"template_id", "final"}});
  chair.cast_until_the_count_moves_then_one_more(b2, final_marks(hall, "bulianjie"));
  chair.end(b2, {{"type", "void_ballot"}, {"ballot", b2}, {"reason", "重新表决"}}, "voided");
  std::string rerun;
  const json after_void = chair.chair().view();
  for (const auto& b : after_void["ballots"]["items"]) {
    if (b["rerun_of"] == b2) rerun = b["id"];
  }
  ASSERT_FALSE(rerun.empty());
  chair.open_existing(rerun);
  chair.cast_until_the_count_moves_then_one_more(rerun, final_marks(hall, "jiben"));
  chair.cast_until_the_count_moves_then_one_more(rerun, final_marks(hall, "lianjie"));
  chair.end(rerun, {{"type", "close_ballot"}, {"ballot", rerun}}, "closed");

  // 3. Another per-presenter ballot, closed right after a step (a multiple of k sheets).
  const std::string b4 = chair.open({{"type", "create_ballot"}, {"template_id", "each"}, {"slot", "s02"}});
  for (int i = 0; i < 3 * k; ++i) chair.cast(b4, each_marks("s02", i % 2 == 0 ? "hao" : "yiban"));
  chair.end(b4, {{"type", "close_ballot"}, {"ballot", b4}}, "closed");

  // The adversary saw counts to set against each other on every ballot...
  for (const auto& [id, b] : chair.seen()) {
    EXPECT_GE(b.counts.size(), id == b2 ? 1u : 2u) << id;
  }
  // ...and none isolates fewer than k voters.
  std::map<std::string, std::string> no_groups;  // the screens never split a count by group
  const linkage::Adversary adversary(k, no_groups);
  for (const linkage::Finding& f : adversary.attack(chair.seen()))
    ADD_FAILURE() << f.ballot << ": " << f.what;
  // Every frame every other role received, set against the chair's order: no pair of counts closer than k.
  // The observers have seen the end once the scrutineer, who sees the most, shows the last close.
  observers["jpr"]->wait_view([&](const json& v) {
    const json* b = ballot_item(v, b4);
    return b != nullptr && (*b)["status"] == "closed";
  });
  // The coalition of all roles: what the chair and the screen saw, and every other role's frames.
  std::map<std::string, linkage::BallotRecord> frames = chair.seen();
  std::size_t from_others = 0;
  for (const auto& [who, client] : observers) {
    std::map<std::string, linkage::BallotRecord> seen;
    const auto messages = client->messages();
    for (std::size_t i = 0; i < messages.size(); ++i) {
      collect_counts(messages[i], who + " frame " + std::to_string(i), seen);
    }
    for (auto& [ballot, record] : seen) {
      ASSERT_EQ(chair.seen().count(ballot), 1u) << who << " saw a count of a ballot the chair never opened";
      record.order = chair.seen().at(ballot).order;
      for (const auto& c : record.counts) EXPECT_GE(c.sheets, 0) << c.seen_in;
      from_others += record.counts.size();
      auto& all = frames[ballot];
      all.order = record.order;
      all.counts.insert(all.counts.end(), record.counts.begin(), record.counts.end());
    }
  }
  EXPECT_GT(from_others, 0u) << "no role but the chair and the screen saw any count";
  for (const linkage::Finding& f : adversary.attack(frames))
    ADD_FAILURE() << "other roles: " << f.ballot << ": " << f.what;
  // A voided ballot shows no count beyond its last live one: nobody sees its box.
  const json last = chair.chair().view();
  for (const auto& r : last["results"]["ballots"]) EXPECT_NE(r["ballot"], b2);
}

}  // namespace
}  // namespace dais::test
