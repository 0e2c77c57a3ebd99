// The store's subcommands, run as the real `dais` binary on real files: import, verify, recount, backup.
#include <sys/stat.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "../store/pg_cluster.hpp"
#include "../store/store_fixture.hpp"
#include "run_dais.hpp"

namespace dais::store::testing {
namespace {

using test::cli::CliRun;

class StoreCliTest : public ::testing::Test {
 protected:
  // Runs `dais ARGS…`, its output captured in files.
  CliRun dais(const std::vector<std::string>& args) { return test::cli::run_dais(dir.path(), args); }

  std::string write_definition() {
    const auto path = dir / "hearing.json";
    std::ofstream(path) << core::to_json(make_definition()).dump(2);
    return path.string();
  }

  // A file (or the database at `location`) with a closed anonymous ballot B1 (voters V1, V2, V3) and an open
  // one, B2.
  std::string make_voted_file(std::string location = {}) {
    if (location.empty()) location = (dir / "voted.db").string();
    auto store = open_store(StoreOptions{.path = location});
    StoredHearing h(*store);
    h.start();
    const core::BallotId b1 = h.open_ballot("each");
    for (const char* v : {"V1", "V2", "V3"}) h.cast(v, b1, "good");
    h.run("chair", core::CloseBallot{b1});
    h.open_ballot("each", "S2");
    head_hash = store->head_hash(h.id());
    return location;
  }

  TempDir dir;
  std::string head_hash;
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST_F(StoreCliTest, ImportWritesTheTokensOnceToAPrivateFile) {
  const std::string db = (dir / "h.db").string();
  const std::string tokens = (dir / "tokens.tsv").string();
  CliRun r = dais({"import", write_definition(), "--db", db, "--tokens-out", tokens});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("imported hearing test-hearing"), std::string::npos) << r.out;
  struct stat st {};
  ASSERT_EQ(stat(tokens.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::vector<std::string> lines = lines_of(read_bytes(tokens));
  const core::HearingDefinition def = make_definition();
  ASSERT_EQ(lines.size(), def.participants.size() + 1);
  EXPECT_EQ(lines[0], "participant\tname\troles\ttoken");
  auto store = open_store(StoreOptions{.path = db, .read_only = true});
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string token = lines[i].substr(lines[i].rfind('\t') + 1);
    auto owner = store->find_token(token);
    ASSERT_TRUE(owner.has_value()) << lines[i];
    EXPECT_EQ(lines[i].substr(0, lines[i].find('\t')), owner->participant);
    EXPECT_EQ(r.out.find(token), std::string::npos) << "a token was printed as well";
  }
}

TEST_F(StoreCliTest, ImportPrintsTheTokensWhenNoFileIsGiven) {
  CliRun r = dais({"import", write_definition(), "--db", (dir / "h.db").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out).size(), make_definition().participants.size() + 1);
  EXPECT_NE(r.err.find("shown once"), std::string::npos);
}

TEST_F(StoreCliTest, ImportRefusesAnExistingTokensFileAndImportsNothing) {
  const auto tokens = dir / "tokens.tsv";
  std::ofstream(tokens) << "old";
  CliRun r =
      dais({"import", write_definition(), "--db", (dir / "h.db").string(), "--tokens-out", tokens.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("must not exist yet"), std::string::npos) << r.err;
  EXPECT_EQ(read_bytes(tokens), "old");
  EXPECT_FALSE(std::filesystem::exists(dir / "h.db"));
}

TEST_F(StoreCliTest, ImportOfABadDefinitionNamesTheFieldAndCreatesNoFile) {
  nlohmann::json doc = core::to_json(make_definition());
  doc["agenda"][1]["presenter"] = "nobody";
  std::ofstream(dir / "bad.json") << doc.dump();
  CliRun r = dais({"import", (dir / "bad.json").string(), "--db", (dir / "h.db").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("/agenda/1/presenter"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "h.db"));
  std::ofstream(dir / "broken.json") << "{\"id\": ";
  r = dais({"import", (dir / "broken.json").string(), "--db", (dir / "h.db").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("not valid JSON"), std::string::npos) << r.err;
}

TEST_F(StoreCliTest, ImportingTheSameHearingTwiceFails) {
  const std::string def = write_definition();
  ASSERT_EQ(dais({"import", def, "--db", (dir / "h.db").string()}).code, 0);
  CliRun r =
      dais({"import", def, "--db", (dir / "h.db").string(), "--tokens-out", (dir / "t2.tsv").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "t2.tsv")) << "the tokens file of a failed import is removed";
}

TEST_F(StoreCliTest, VerifyPrintsOkWithTheHeadHashOrTheFirstBreak) {
  const std::string db = make_voted_file();
  CliRun ok = dais({"verify", "--db", db});
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_EQ(ok.out.rfind("ok " + head_hash + " test-hearing", 0), 0u) << ok.out;
  {
    sql::Database file(db, sql::OpenMode::read_write);
    file.exec("UPDATE events SET body = replace(body, '\"V2\"', '\"V9\"') WHERE type = 'sheet_recorded'");
  }
  CliRun broken = dais({"verify", "--db", db});
  EXPECT_EQ(broken.code, 1);
  EXPECT_NE(broken.out.find("BROKEN hearing test-hearing at position "), std::string::npos) << broken.out;
  EXPECT_NE(broken.out.find("the hash does not match the event"), std::string::npos) << broken.out;
  CliRun missing = dais({"verify", "--db", (dir / "missing.db").string()});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("no such file"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "missing.db"));
}

// A ballot with two paper sheets entered and one kept by its voter: both commands say what came on paper.
TEST_F(StoreCliTest, VerifyAndRecountSayHowManySheetsCameOnPaper) {
  const auto path = dir / "paper.db";
  {
    auto store = open_store(path);
    StoredHearing h(*store);
    h.start();
    const core::BallotId b = h.open_ballot("each");
    for (const char* v : {"V1", "V2", "V3"}) h.run("secretary", core::HandOutPaperSheet{b, v});
    for (int sheet = 1; sheet <= 2; ++sheet) {
      for (const char* staff : {"chair", "secretary"}) {
        h.run(staff, core::EnterPaperSheet{b, sheet, marks_for({"S1"}, {"duty", "integrity"}, "good"),
                                           receipt(sheet * 10 + staff[0])});
      }
    }
    h.cast("Q1", b, "fair");
    h.run("chair", core::CloseBallot{b});
  }
  CliRun verified = dais({"verify", "--db", path.string()});
  ASSERT_EQ(verified.code, 0) << verified.err;
  EXPECT_NE(verified.out.find("1 sealed ballot boxes, 2 sheets counted from paper)"), std::string::npos)
      << verified.out;
  CliRun r = dais({"recount", "--db", path.string(), "--ballot", "B1"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("3 sheets recounted from the ballot box; 1 voters took part on tablets"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("paper: 2 of the sheets came on paper (3 paper sheets handed out, 1 never entered)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("ok: the recount matches"), std::string::npos) << r.out;
}

// On PostgreSQL: verify and recount read the database itself, and backup exports it into a new SQLite file
// that verifies and recounts alike.
TEST_F(StoreCliTest, PostgresVerifyRecountAndBackupTakeTheDatabasesUrl) {
  const std::string url = make_voted_file(PgCluster::shared().create_database());
  CliRun verified = dais({"verify", "--db", url});
  ASSERT_EQ(verified.code, 0) << verified.err;
  EXPECT_EQ(verified.out.rfind("ok " + head_hash + " test-hearing", 0), 0u) << verified.out;
  CliRun recounted = dais({"recount", "--db", url, "--ballot", "B1"});
  ASSERT_EQ(recounted.code, 0) << recounted.out << recounted.err;
  EXPECT_NE(recounted.out.find("ok: the recount matches"), std::string::npos) << recounted.out;

  const std::string copy = (dir / "copy.db").string();
  CliRun backed_up = dais({"backup", "--db", url, "--to", copy});
  ASSERT_EQ(backed_up.code, 0) << backed_up.err;
  EXPECT_EQ(dais({"verify", "--db", copy}).out, verified.out);
  EXPECT_EQ(dais({"recount", "--db", copy, "--ballot", "B1"}).out, recounted.out);
  CliRun again = dais({"backup", "--db", url, "--to", copy});
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
}

TEST_F(StoreCliTest, RecountComparesTheBoxWithTheLoggedResult) {
  const std::string db = make_voted_file();
  CliRun r = dais({"recount", "--db", db, "--ballot", "B1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("3 sheets recounted from the ballot box; 3 voters took part"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("S1 / duty: good 3, invalid 0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok: the recount matches"), std::string::npos) << r.out;
  CliRun open = dais({"recount", "--db", db, "--ballot", "B2"});
  EXPECT_EQ(open.code, 2);
  EXPECT_NE(open.err.find("not closed"), std::string::npos) << open.err;
  {
    sql::Database file(db, sql::OpenMode::read_write);
    file.exec("DELETE FROM ballot_box WHERE receipt_hash = (SELECT min(receipt_hash) FROM ballot_box)");
  }
  CliRun changed = dais({"recount", "--db", db, "--ballot", "B1", "--hearing", "test-hearing"});
  EXPECT_EQ(changed.code, 1);
  EXPECT_NE(changed.out.find("MISMATCH"), std::string::npos) << changed.out;
}

TEST_F(StoreCliTest, RecountChecksAReceiptAgainstTheBox) {
  const std::string db = make_voted_file();
  CliRun found =
      dais({"recount", "--db", db, "--ballot", "B1", "--receipt", StoredHearing::secret("V2", "B1")});
  EXPECT_EQ(found.code, 0) << found.err;
  EXPECT_NE(found.out.find("is in ballot B1"), std::string::npos);
  CliRun absent = dais({"recount", "--db", db, "--ballot", "B1", "--receipt", "a-secret-nobody-had"});
  EXPECT_EQ(absent.code, 1);
  EXPECT_NE(absent.out.find("NOT FOUND"), std::string::npos);
}

TEST_F(StoreCliTest, BackupMakesACopyThatVerifies) {
  const std::string db = make_voted_file();
  const std::string copy = (dir / "copy.db").string();
  CliRun r = dais({"backup", "--db", db, "--to", copy});
  ASSERT_EQ(r.code, 0) << r.err;
  CliRun verified = dais({"verify", "--db", copy});
  EXPECT_EQ(verified.code, 0) << verified.out << verified.err;
  EXPECT_NE(verified.out.find(head_hash), std::string::npos);
  CliRun again = dais({"backup", "--db", db, "--to", copy});
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("already exists"), std::string::npos);
}

// A database URL may hold a password: when the database cannot be reached, serve says so without it. (Port 1
// on loopback: nothing listens there, so the connection is refused at once.)
TEST_F(StoreCliTest, ServeNamesAnUnreachableDatabaseWithoutItsPassword) {
  const CliRun r = dais({"serve", "--db", "postgresql://dais:s3cret-pw@127.0.0.1:1/dais", "--port", "0"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("postgresql://dais:***@127.0.0.1:1/dais"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("s3cret-pw"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace dais::store::testing
