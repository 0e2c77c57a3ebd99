// Several `dais serve` nodes on one database (docs/scale-out.md): a hearing is served only by the node
// holding its lease, joins elsewhere are sent there (close 4012, reason node=<owner>), a stopped node lets
// its hearings go at once, and a node whose lease was taken over lets its hearing go and stores nothing more.
// Two real servers on loopback share one real SQLite file, or a PostgreSQL database (the tests named
// Postgres); a third store handle plays a node taking over.
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "net/server.hpp"
#include "organize_fixture.hpp"
#include "pgcluster/pg_cluster.hpp"
#include "store/pg.hpp"
#include "store/sqlite.hpp"

namespace dais::test {
namespace {

using namespace std::chrono_literals;

// One node: its own store handle (named) and server on the shared file.
struct Node {
  Node(const std::string& db, const std::string& name, std::int64_t lease_ms, net::ManualClock& clock,
       const net::ServerOptions& base) {
    auto opened = store::Store::open(store::StoreOptions{.path = db, .node = name});
    if (!opened) throw std::runtime_error("store " + name + ": " + opened.error().message);
    store = std::move(*opened);
    net::ServerOptions options = base;
    options.node = name;
    options.lease_ms = lease_ms;
    server = std::make_unique<net::Server>(*store, clock, options);
    auto bound = server->start();
    if (!bound) throw std::runtime_error("server " + name + ": " + bound.error().message);
    port = *bound;
  }
  ~Node() { stop(); }
  void stop() {
    if (server) server->stop();
    server.reset();
    store.reset();
  }

  std::unique_ptr<store::Store> store;
  std::unique_ptr<net::Server> server;
  std::uint16_t port = 0;
};

json sheet(const std::string& ballot, const std::string& key) {
  return {{"type", "cast_sheet"},
          {"ballot", ballot},
          {"marks", {{"s01", {{"zhuti", {"hao"}}, {"lianjie", {"hao"}}, {"zuofeng", {"jiaohao"}}}}}},
          {"receipt", random_receipt()},
          {"idempotency_key", key}};
}

bool voted_in(const json& me, const std::string& ballot) {
  for (const auto& b : me.value("ballots", json::array())) {
    if (b.value("ballot", "") == ballot) return b.value("voted", false);
  }
  return false;
}

class Multinode : public ::testing::Test {
 protected:
  // The nodes share a SQLite file of their own beside the Hall's (whose server never starts: it lends the
  // demo definition, the clock and the options); the Postgres tests a fresh PostgreSQL database instead.
  void SetUp() override { import_into((hall_.db_path().parent_path() / "nodes.db").string()); }
  void import_into(const std::string& db) {
    db_ = db;
    postgres_ = db.starts_with("postgresql://");
    auto st = open_store("");
    auto issued = st->import_hearing(hall_.definition());
    ASSERT_TRUE(issued.ok()) << issued.error().message;
    for (const auto& t : *issued) tokens_[t.participant] = t.token;
  }
  const std::string& token(const std::string& participant) const { return tokens_.at(participant); }
  std::unique_ptr<store::Store> open_store(const std::string& node_name) {
    auto st = store::Store::open(store::StoreOptions{.path = db_, .node = node_name});
    if (!st) throw std::runtime_error("store " + node_name + ": " + st.error().message);
    return std::move(*st);
  }
  std::unique_ptr<Node> node(const std::string& name, std::int64_t lease_ms = 60000) {
    return std::make_unique<Node>(db_, name, lease_ms, hall_.clock(), hall_.options);
  }
  std::shared_ptr<Client> connect(const Node& n) {
    auto c = std::make_shared<Client>(clients_.ioc());
    c->connect(n.port);
    return c;
  }
  std::shared_ptr<Client> join(const Node& n, const std::string& participant) {
    auto c = connect(n);
    const json welcome = c->hello(token(participant));
    EXPECT_EQ(welcome.value("type", ""), "welcome") << participant << ": " << welcome.dump().substr(0, 300);
    return c;
  }
  // A hello that is answered by a close, not a welcome.
  int join_refused(const Node& n, const std::string& participant, std::shared_ptr<Client>* out = nullptr) {
    auto c = connect(n);
    c->send({{"type", "hello"}, {"protocol", 1}, {"token", token(participant)}});
    const int code = c->wait_closed();
    if (out) *out = c;
    return code;
  }
  // The chair opens check-in, the desk checks in the quorum, the chair starts and opens a ballot for s01.
  std::string open_ballot(const Node& n, Client& chair) {
    EXPECT_EQ(chair.request({{"type", "open_check_in"}})["type"], "ack");
    auto desk = join(n, "sec1");
    for (int i = 1; i <= 100; ++i) {
      EXPECT_EQ(desk->request({{"type", "check_in"}, {"participant", voter_id(i)}})["type"], "ack");
    }
    EXPECT_EQ(chair.request({{"type", "start_session"}})["type"], "ack");
    const json created = chair.request({{"type", "create_ballot"}, {"template_id", "each"}, {"slot", "s01"}});
    const std::string ballot = created["result"].value("ballot", "");
    EXPECT_EQ(chair.request({{"type", "open_ballot"}, {"ballot", ballot}})["type"], "ack");
    return ballot;
  }
  // Runs SQL on the shared database, as an operator (or a node acting behind another's back) would.
  void sql(const std::string& statements) {
    if (postgres_) {
      store::pg::Connection(db_).exec(statements);
    } else {
      store::sql::Database(db_, store::sql::OpenMode::read_write).exec(statements);
    }
  }

  void stopped_node_lets_its_hearing_go();
  void commit_after_a_takeover_is_refused();

  Hall hall_;
  std::string db_;
  bool postgres_ = false;
  std::map<std::string, std::string> tokens_;
  ClientThread clients_;
};

class MultinodePostgres : public Multinode {
 protected:
  void SetUp() override { import_into(store::testing::PgCluster::shared().create_database()); }
};

TEST_F(Multinode, JoinIsServedByTheNodeHoldingTheHearingAndSentThereFromAnother) {
  auto a = node("a");
  auto b = node("b");
  auto voter = connect(*a);
  const json welcome = voter->hello(token(voter_id(1)));
  ASSERT_EQ(welcome.value("type", ""), "welcome") << welcome.dump().substr(0, 300);
  EXPECT_EQ(welcome.value("node", ""), "a");

  std::shared_ptr<Client> elsewhere;
  EXPECT_EQ(join_refused(*b, voter_id(2), &elsewhere), net::close_code::elsewhere);
  EXPECT_EQ(elsewhere->close_reason(), "node=a");
  const auto lease = a->store->lease_of(hall_.hearing_id());
  ASSERT_TRUE(lease.ok() && lease->has_value());
  EXPECT_EQ((*lease)->owner, "a");
}

void Multinode::stopped_node_lets_its_hearing_go() {
  auto a = node("a");
  auto b = node("b");
  auto chair = join(*a, "chair");
  const std::string ballot = open_ballot(*a, *chair);
  auto voter = join(*a, voter_id(7));
  const json vote = sheet(ballot, "k-7");
  const json acked = voter->request(vote);
  ASSERT_EQ(acked.value("type", ""), "ack") << acked.dump();

  a->stop();  // graceful: drained, then the lease released
  EXPECT_EQ(voter->wait_closed(), net::close_code::going_away);

  // With a 60 s lease, only the release lets b serve this join within the wait.
  auto again = connect(*b);
  const json welcome = again->hello(token(voter_id(7)));
  ASSERT_EQ(welcome.value("type", ""), "welcome") << welcome.dump().substr(0, 300);
  EXPECT_EQ(welcome.value("node", ""), "b");
  EXPECT_TRUE(voted_in(welcome["view"]["me"], ballot)) << welcome["view"]["me"].dump();
  // The vote retried after the move is the same vote: answered as a duplicate, not counted twice.
  const json answer = again->request(vote);
  EXPECT_EQ(answer.value("type", ""), "ack") << answer.dump();
  EXPECT_TRUE(answer.value("duplicate", false)) << answer.dump();
}

void Multinode::commit_after_a_takeover_is_refused() {
  auto a = node("a");  // a 60 s lease: a's renewal does not come round during the test
  auto chair = join(*a, "chair");
  const std::string ballot = open_ballot(*a, *chair);
  auto voter = join(*a, voter_id(9));

  // Node c takes the hearing over once a's lease has run out (set expired behind a's back).
  sql("UPDATE hearing_leases SET expires_at_ms = 0");
  auto c = open_store("c");
  const auto taken = c->acquire_lease(hall_.hearing_id(), 60s);
  ASSERT_TRUE(taken.ok()) << taken.error().message;
  ASSERT_EQ(taken->owner, "c");

  const std::size_t from = voter->count();
  json vote = sheet(ballot, "k-9");
  vote["id"] = "v9";
  voter->send(vote);
  const json refused = voter->wait_answer("v9", from);
  EXPECT_EQ(refused.value("type", ""), "error") << refused.dump();
  EXPECT_EQ(refused.value("code", ""), "storage_failed") << refused.dump();
  EXPECT_EQ(voter->wait_closed(), net::close_code::elsewhere);
  EXPECT_EQ(voter->close_reason(), "node=c");
  EXPECT_EQ(chair->wait_closed(), net::close_code::elsewhere);

  // Nothing of the vote was stored; a no longer serves the hearing and sends a new join on to c.
  const auto state = c->load(hall_.hearing_id());
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->ballots.at(ballot).voted.count(voter_id(9)), 0u);
  std::shared_ptr<Client> late;
  EXPECT_EQ(join_refused(*a, voter_id(9), &late), net::close_code::elsewhere);
  EXPECT_EQ(late->close_reason(), "node=c");
}

TEST_F(Multinode, StoppedNodeLetsItsHearingGoAndAnotherServesItWithEveryAckedVote) {
  stopped_node_lets_its_hearing_go();
}
TEST_F(MultinodePostgres, StoppedNodeLetsItsHearingGoAndAnotherServesItWithEveryAckedVote) {
  stopped_node_lets_its_hearing_go();
}
TEST_F(Multinode, CommitAfterATakeoverIsRefusedAndTheNodeSendsItsClientsToTheNewOwner) {
  commit_after_a_takeover_is_refused();
}
TEST_F(MultinodePostgres, CommitAfterATakeoverIsRefusedAndTheNodeSendsItsClientsToTheNewOwner) {
  commit_after_a_takeover_is_refused();
}

TEST_F(Multinode, RenewalThatFindsTheLeaseTakenLetsTheHearingGo) {
  auto a = node("a", 500);  // renewed every ~166 ms
  auto voter = join(*a, voter_id(3));
  // Another node takes the lease over (a new epoch under its name, for an hour).
  sql("UPDATE hearing_leases SET owner = 'c', epoch = epoch + 1, expires_at_ms = expires_at_ms + 3600000");
  EXPECT_EQ(voter->wait_closed(), net::close_code::elsewhere);
  EXPECT_EQ(voter->close_reason(), "node=c");
}

TEST_F(Multinode, JoinIsHeldWhileTheOwnerFadesAndServedOnceItsLeaseExpires) {
  // A node that took the hearing for a short lease and then went silent.
  auto ghost = open_store("ghost");
  ASSERT_EQ(ghost->acquire_lease(hall_.hearing_id(), 1000ms)->owner, "ghost");
  auto b = node("b", 3000);  // 1 s left is under half of b's lease: the owner may be gone, so b waits
  auto voter = connect(*b);
  const json welcome = voter->hello(token(voter_id(4)));
  ASSERT_EQ(welcome.value("type", ""), "welcome") << welcome.dump().substr(0, 300);
  EXPECT_EQ(welcome.value("node", ""), "b");
  EXPECT_EQ((*b->store->lease_of(hall_.hearing_id()))->owner, "b");
}

TEST_F(Multinode, JoinHeldForAFadingOwnerIsSentThereOnceItRenews) {
  auto ghost = open_store("ghost");
  ASSERT_EQ(ghost->acquire_lease(hall_.hearing_id(), 2500ms)->owner, "ghost");
  auto b = node("b", 6000);  // 2.5 s left is under half of b's lease: b holds the join and polls
  auto voter = connect(*b);
  voter->send({{"type", "hello"}, {"protocol", 1}, {"token", token(voter_id(5))}});
  // A request before the welcome is refused while the join is held: b is polling the lease now.
  const json held = voter->request({{"type", "ping"}});
  ASSERT_EQ(held.value("code", ""), "not_joined") << held.dump();
  EXPECT_NE(held.value("message", "").find("taken over"), std::string::npos) << held.dump();
  ASSERT_EQ(ghost->acquire_lease(hall_.hearing_id(), 60s)->owner, "ghost");  // it was alive after all
  EXPECT_EQ(voter->wait_closed(), net::close_code::elsewhere);
  EXPECT_EQ(voter->close_reason(), "node=ghost");
}

TEST_F(Multinode, OrganizerOnAnotherNodeListsTheHearingAndIsToldWhichNodeServesIt) {
  store::Account clerk;
  clerk.name = "clerk";
  clerk.role = "organizer";
  clerk.password_hash = store::hash_password(kOrganizerPassword);
  ASSERT_TRUE(open_store("")->add_account(clerk));
  auto a = node("a");
  auto b = node("b");
  auto voter = join(*a, voter_id(1));  // a holds the hearing now
  const auto signed_in = [&](const Node& n) {
    HttpReply r = http_request(n.port, "POST", "/organize/api/login",
                               json{{"name", "clerk"}, {"password", kOrganizerPassword}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    const std::string set = r.headers["set-cookie"];
    return std::map<std::string, std::string>{{"Cookie", set.substr(0, set.find(';'))}};
  };
  const auto at_b = signed_in(*b);
  const HttpReply list = http_request(b->port, "GET", "/organize/api/hearings", "", at_b);
  ASSERT_EQ(list.status, 200) << list.body;
  const json rows = json::parse(list.body)["hearings"];
  ASSERT_EQ(rows.size(), 1u) << list.body;
  EXPECT_EQ(rows[0]["id"], hall_.hearing_id());
  EXPECT_EQ(rows[0]["title"], hall_.definition().title);

  const std::string definition = "/organize/api/hearings/" + hall_.hearing_id() + "/definition";
  const HttpReply there = http_request(b->port, "GET", definition, "", at_b);
  EXPECT_EQ(there.status, 409) << there.body;
  const json refusal = json::parse(there.body, nullptr, false);
  EXPECT_EQ(refusal.value("error", ""), "elsewhere") << there.body;
  EXPECT_EQ(refusal.value("node", ""), "a") << there.body;
  EXPECT_EQ(http_request(a->port, "GET", definition, "", signed_in(*a)).status, 200);
}

TEST(MultinodeSettings, NodeNameAndLeaseAreCheckedWhereverTheyComeFrom) {
  net::ServerOptions o;
  EXPECT_TRUE(net::apply_setting(o, "node", "n-1"));
  EXPECT_EQ(o.node, "n-1");
  for (const char* bad : {"N1", "-n1", "n_1", "n 1", "n1234567890123456789012345678901x"}) {
    const auto r = net::apply_setting(o, "node", bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().field, "node");
  }
  EXPECT_EQ(o.node, "n-1");
  EXPECT_EQ(o.lease_ms, 3000);
  EXPECT_FALSE(net::apply_setting(o, "lease_ms", 499));
  EXPECT_FALSE(net::apply_setting(o, "lease_ms", 60001));
  const auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "DAIS_NODE") return "n2";
    if (name == "DAIS_LEASE_MS") return "500";
    return std::nullopt;
  };
  ASSERT_TRUE(net::apply_environment(o, env));
  EXPECT_EQ(o.node, "n2");
  EXPECT_EQ(o.lease_ms, 500);
}

}  // namespace
}  // namespace dais::test
