// Tamper evidence: editing, deleting or inserting any row of the log, of a sealed ballot box or of the
// definition is found by verify, which names the hearing, the position and what is wrong. On both backends
// (backend_fixture.hpp): the same SQL edits a copy of the SQLite file or of the PostgreSQL database.
#include <functional>

#include "backend_fixture.hpp"
#include "store/audit.hpp"
#include "store/chain.hpp"

namespace dais::store::testing {
namespace {

// A copy of a database, made for one edit and removed afterwards: a file next to it, or a new database of the
// PostgreSQL cluster made from it as a template (nobody may be connected to the original meanwhile).
class Copy {
 public:
  Copy(const std::string& original, bool postgres, const std::filesystem::path& dir) : postgres_(postgres) {
    if (!postgres_) {
      location_ = (dir / "copy.db").string();
      std::filesystem::remove(location_);
      std::filesystem::copy_file(original, location_);
      return;
    }
    static int copies = 0;
    name_ = "tampered_" + std::to_string(++copies);
    pg::Connection cluster(PgCluster::shared().url());
    cluster.exec("CREATE DATABASE " + name_ + " TEMPLATE " + original.substr(original.rfind('/') + 1));
    location_ = PgCluster::shared().url(name_);
  }
  ~Copy() {
    if (!postgres_) return;
    try {
      pg::Connection(PgCluster::shared().url()).exec("DROP DATABASE " + name_ + " WITH (FORCE)");
    } catch (const pg::Error& e) {
      ADD_FAILURE() << "dropping the copy " << name_ << ": " << e.what();
    }
  }
  Copy(const Copy&) = delete;
  Copy& operator=(const Copy&) = delete;
  const std::string& location() const { return location_; }

 private:
  bool postgres_;
  std::string name_;
  std::string location_;
};

// Runs `sql`, statements separated by "; ", on the database at `location`; returns the rows the last one
// changed.
std::int64_t edit(const std::string& location, bool postgres, const std::string& sql) {
  std::vector<std::string> statements;
  for (std::size_t from = 0;;) {
    const std::size_t end = sql.find("; ", from);
    statements.push_back(sql.substr(from, end == std::string::npos ? std::string::npos : end - from));
    if (end == std::string::npos) break;
    from = end + 2;
  }
  std::int64_t changed = 0;
  if (postgres) {
    pg::Connection db(location);
    for (const std::string& statement : statements) {
      auto q = db.query(statement);
      q.run();
      changed = q.affected();
    }
  } else {
    sql::Database db(location, sql::OpenMode::read_write);
    for (const std::string& statement : statements) {
      db.exec(statement);
      changed = db.changes();
    }
  }
  return changed;
}

class TamperTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    {
      auto store = open();
      StoredHearing h(*store);
      h.start();
      const core::BallotId b = h.open_ballot("each");
      for (const char* v : {"V1", "V2", "V3", "Q1"}) h.cast(v, b, "good");
      h.run("chair", core::CloseBallot{b});
      h.run("chair", core::PublishBallot{b});
      h.run("chair", core::PauseSession{});
      head = h.engine.state.event_count;
      head_hash = store->head_hash(h.id());
    }  // closed: everything is in the main file, none of it in a WAL that a file copy would miss
  }

  // Applies `sql` to a fresh copy of the database and returns what verify says.
  std::optional<ChainBreak> tampered(const std::string& sql) {
    Copy copy(location(), postgres(), dir.path());
    EXPECT_GT(edit(copy.location(), postgres(), sql), 0) << "the edit changed nothing: " << sql;
    auto report = verify_file(copy.location(), std::nullopt);
    EXPECT_TRUE(report.ok()) << report.error().message;
    return report.ok() ? report->first_break : std::nullopt;
  }

  std::int64_t position_of(const std::string& type) { return position_where("type = '" + type + "'"); }

  std::int64_t position_where(const std::string& condition) {
    return on_database([&](auto& db) -> std::int64_t {
      auto q = db.query("SELECT position FROM events WHERE " + condition + " ORDER BY position LIMIT 1");
      return q.next() ? q.int64(0) : -1;
    });
  }

  TempDir dir;
  std::int64_t head = 0;
  std::string head_hash;
};
DAIS_ON_BOTH_BACKENDS(TamperTest);

void expect_break(const std::optional<ChainBreak>& b, std::int64_t position, const std::string& what) {
  ASSERT_TRUE(b.has_value()) << "the change was not detected (expected: " << what << ")";
  EXPECT_EQ(b->hearing, "test-hearing");
  EXPECT_EQ(b->position, position) << b->what;
  EXPECT_NE(b->what.find(what), std::string::npos) << b->what;
}

TEST_P(TamperTest, AnUntouchedFileVerifiesWithItsHeadHash) {
  auto report = verify_file(location(), std::nullopt);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->first_break.has_value());
  ASSERT_EQ(report->verified.size(), 1u);
  EXPECT_EQ(report->verified[0].head_hash, head_hash);
  EXPECT_EQ(report->verified[0].events, head);
  EXPECT_EQ(report->verified[0].sealed_boxes, 1);
}

TEST_P(TamperTest, EditingAnEventIsFound) {
  const std::string v1 = "type = 'participant_checked_in' AND body LIKE '%\"V1\"%'";
  const std::int64_t p = position_where(v1);
  ASSERT_GT(p, 0);
  expect_break(tampered("UPDATE events SET body = replace(body, '\"V1\"', '\"V2\"') WHERE " + v1), p,
               "hash does not match");
}

TEST_P(TamperTest, EditingAnEventsTimeIsFound) {
  expect_break(tampered("UPDATE events SET body = replace(body, '\"at\":', '\"at\":1') WHERE position = 3"),
               3, "hash does not match");
}

TEST_P(TamperTest, ReformattingAnEventIsFound) {
  expect_break(tampered("UPDATE events SET body = replace(body, ',', ', ') WHERE position = 2"), 2,
               "not canonical");
}

TEST_P(TamperTest, ChangingAStoredHashIsFoundAtTheNextEvent) {
  expect_break(tampered("UPDATE events SET hash = '" + std::string(64, 'f') + "' WHERE position = 4"), 4,
               "hash does not match");
  // Also when the next event's prev_hash is changed to match.
  expect_break(tampered("UPDATE events SET hash = '" + std::string(64, 'f') +
                        "' WHERE position = 4; UPDATE "
                        "events SET prev_hash = '" +
                        std::string(64, 'f') + "' WHERE position = 5"),
               4, "hash does not match");
}

TEST_P(TamperTest, DeletingAnEventInTheMiddleIsFound) {
  expect_break(tampered("DELETE FROM events WHERE position = 5"), 5, "is missing");
}

TEST_P(TamperTest, DeletingTheLastEventIsFound) {
  expect_break(tampered("DELETE FROM events WHERE position = " + std::to_string(head)), head - 1,
               "but the hearing's head is at");
}

TEST_P(TamperTest, DeletingTheLastEventAndMovingTheHeadIsFound) {
  expect_break(tampered("DELETE FROM events WHERE position = " + std::to_string(head) +
                        "; UPDATE heads SET position = position - 1"),
               head - 1, "head hash is not the hash of the last event");
}

TEST_P(TamperTest, InsertingAnEventIsFound) {
  // Appended after the head, copying the shape of a real row.
  expect_break(
      tampered("INSERT INTO events SELECT hearing, position + 1, type, body, box_digest, hash, hash FROM "
               "events WHERE position = " +
               std::to_string(head)),
      head + 1, "hash does not match");
  // In the middle: later events shifted up by one to make room.
  expect_break(
      tampered("UPDATE events SET position = -position WHERE position > 3; UPDATE events SET position = "
               "1 - position WHERE position < 0; INSERT INTO events SELECT hearing, 4, type, body, "
               "box_digest, hash, hash FROM events WHERE position = 3"),
      4, "hash does not match");
}

TEST_P(TamperTest, EditingASealedBoxIsFound) {
  const std::int64_t closed = position_of("ballot_closed");
  expect_break(
      tampered("UPDATE ballot_box SET marks = replace(marks, 'good', 'poor') WHERE receipt_hash = (SELECT "
               "min(receipt_hash) FROM ballot_box)"),
      closed, "changed after it was sealed");
  expect_break(tampered("UPDATE ballot_box SET tally_group = 'nobody' WHERE receipt_hash = (SELECT "
                        "max(receipt_hash) FROM ballot_box)"),
               closed, "changed after it was sealed");
}

TEST_P(TamperTest, DeletingOrAddingASheetOfASealedBoxIsFound) {
  const std::int64_t closed = position_of("ballot_closed");
  expect_break(
      tampered("DELETE FROM ballot_box WHERE receipt_hash = (SELECT min(receipt_hash) FROM ballot_box)"),
      closed, "changed after it was sealed");
  expect_break(tampered("INSERT INTO ballot_box SELECT hearing, ballot, '" + std::string(64, '0') +
                        "', tally_group, marks, NULL FROM ballot_box LIMIT 1"),
               closed, "changed after it was sealed");
}

TEST_P(TamperTest, SheetsOfABallotThatNeverExistedAreFound) {
  expect_break(tampered("INSERT INTO ballot_box SELECT hearing, 'B7', receipt_hash, tally_group, marks, NULL "
                        "FROM ballot_box LIMIT 1"),
               0, "a ballot the log never created");
}

TEST_P(TamperTest, EditingTheSealItselfIsFound) {
  const std::int64_t closed = position_of("ballot_closed");
  expect_break(
      tampered("UPDATE events SET box_digest = '" + std::string(64, 'a') + "' WHERE type = 'ballot_closed'"),
      closed, "hash does not match");
  expect_break(tampered("UPDATE events SET box_digest = NULL WHERE type = 'ballot_closed'"), closed,
               "without its box digest");
}

TEST_P(TamperTest, EditingTheDefinitionIsFound) {
  expect_break(tampered("UPDATE hearings SET definition = replace(definition, '测评人1', '测评人X')"), 0,
               "does not match the chain's start");
}

TEST_P(TamperTest, AChainRewrittenFromScratchShowsADifferentHeadHash) {
  // Whoever recomputes every hash after an edit is caught only against a head hash published before (the
  // minutes print it): verify then passes, but reports a different head.
  Copy copy(location(), postgres(), dir.path());
  auto rewrite = [&](auto& db) {
    db.query(
          "UPDATE events SET body = replace(body, '\"V1\"', '\"V2\"') WHERE type = 'participant_checked_in'")
        .run();
    std::string prev;
    {
      auto q = db.query("SELECT genesis_hash FROM hearings");
      q.next();
      prev = q.text(0);
    }
    for (std::int64_t p = 1; p <= head; ++p) {
      auto q = db.query("SELECT body, box_digest FROM events WHERE position = ?");
      q.with(p);
      ASSERT_TRUE(q.next());
      const std::string hash = event_hash(prev, "test-hearing", p, q.text(0), q.optional_text(1));
      db.query("UPDATE events SET prev_hash = ?, hash = ? WHERE position = ?").with(prev, hash, p).run();
      prev = hash;
    }
    db.query("UPDATE heads SET hash = ?").with(prev).run();
  };
  if (postgres()) {
    pg::Connection db(copy.location());
    rewrite(db);
  } else {
    sql::Database db(copy.location(), sql::OpenMode::read_write);
    rewrite(db);
  }
  auto report = verify_file(copy.location(), std::nullopt);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->first_break.has_value());
  EXPECT_NE(report->verified[0].head_hash, head_hash);
}

}  // namespace
}  // namespace dais::store::testing
