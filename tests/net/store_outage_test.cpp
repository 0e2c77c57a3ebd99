// The database server goes away under a live hearing (docs/operations.md, On PostgreSQL): the command whose
// commit failed is refused, and so is everything after it until the hearing could be read back from the
// store — nothing is decided on, or shown from, a state that may hold what was never stored. Once the server
// is back the hearing goes on from what the store holds. A real PostgreSQL server of the test's own, stopped
// and started again on the same port.
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "net/server.hpp"
#include "pgcluster/pg_cluster.hpp"

namespace dais::test {
namespace {

class StoreOutagePostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = store::testing::PgCluster::start_own();
    auto opened = store::Store::open(store::StoreOptions{.path = cluster_->create_database()});
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(*opened);
    auto issued = store_->import_hearing(hall_.definition());
    ASSERT_TRUE(issued.ok()) << issued.error().message;
    for (const auto& t : *issued) tokens_[t.participant] = t.token;
    server_ = std::make_unique<net::Server>(*store_, hall_.clock(), hall_.options);
    auto port = server_->start();
    ASSERT_TRUE(port.ok()) << port.error().message;
    port_ = *port;
  }
  void TearDown() override {
    if (server_) server_->stop();
    server_.reset();
    store_.reset();
  }

  std::shared_ptr<Client> connect() {
    auto c = std::make_shared<Client>(clients_.ioc());
    c->connect(port_);
    return c;
  }
  json hello(const std::string& participant, std::shared_ptr<Client>& c) {
    c = connect();
    return c->hello(tokens_.at(participant));
  }

  Hall hall_;  // never started: it lends the demo definition, the clock and the options
  std::unique_ptr<store::testing::PgCluster> cluster_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<net::Server> server_;
  std::uint16_t port_ = 0;
  std::map<std::string, std::string> tokens_;
  ClientThread clients_;
};

TEST_F(StoreOutagePostgres, NothingIsDecidedOrShownUntilTheHearingIsReadBackThenItGoesOnFromTheStore) {
  std::shared_ptr<Client> chair;
  ASSERT_EQ(hello("chair", chair)["type"], "welcome");

  cluster_->stop_server();
  const json failed = chair->request({{"type", "open_check_in"}});
  EXPECT_EQ(failed.value("code", ""), "storage_failed") << failed.dump();
  // Applied in memory but never stored: deciding on that state would call check-in open already.
  const json again = chair->request({{"type", "open_check_in"}});
  EXPECT_EQ(again.value("code", ""), "storage_failed") << again.dump();
  // A device joining now is not shown that state either: it is asked to come back.
  std::shared_ptr<Client> desk = connect();
  desk->send({{"type", "hello"}, {"protocol", 1}, {"token", tokens_.at("sec1")}});
  EXPECT_EQ(desk->wait_closed(), net::close_code::server_full);

  cluster_->restart_server();
  const json opened = chair->request({{"type", "open_check_in"}});
  EXPECT_EQ(opened.value("type", ""), "ack") << opened.dump();
  std::shared_ptr<Client> desk_again;
  const json welcome = hello("sec1", desk_again);
  ASSERT_EQ(welcome.value("type", ""), "welcome") << welcome.dump().substr(0, 300);
  const json checked = desk_again->request({{"type", "check_in"}, {"participant", voter_id(1)}});
  EXPECT_EQ(checked.value("type", ""), "ack") << checked.dump();
  server_->stop();
  server_.reset();
  // The log holds check-in opened once and the one check-in: nothing of the outage.
  const auto log = store_->read_log(hall_.hearing_id());
  ASSERT_TRUE(log.ok()) << log.error().message;
  int opens = 0;
  for (const auto& e : *log) opens += std::holds_alternative<core::CheckInOpened>(e.body) ? 1 : 0;
  EXPECT_EQ(opens, 1);
}

}  // namespace
}  // namespace dais::test
