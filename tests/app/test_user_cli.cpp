// `dais user add|passwd|list|remove`, run as the real binary on a real file, the password given on stdin.
#include "../store/store_fixture.hpp"
#include "run_dais.hpp"
#include "store/passwords.hpp"

namespace dais::store::testing {
namespace {

using test::cli::CliRun;

class UserCliTest : public ::testing::Test {
 protected:
  // Runs `dais user ARGS… --db FILE` with `input` on stdin.
  CliRun user(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), "user");
    args.push_back("--db");
    args.push_back(db.string());
    return test::cli::run_dais(dir.path(), args, input);
  }

  std::optional<Account> account(const std::string& name) {
    auto store = open_store(StoreOptions{.path = db, .read_only = true});
    return store->find_account(name);
  }

  TempDir dir;
  std::filesystem::path db = dir / "h.db";
};

constexpr const char* kPassword = "a long secret phrase 7";

TEST_F(UserCliTest, AddStoresOnlyAnArgon2idHash) {
  CliRun r = user({"add", "alice", "--password-stdin"}, std::string(kPassword) + "\n");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "added organizer alice\n");
  auto a = account("alice");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->role, "organizer");
  EXPECT_EQ(a->password_hash.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password(a->password_hash, kPassword));
  // Nowhere in the file or its WAL, in clear.
  for (const char* suffix : {"", "-wal"}) {
    auto path = db;
    path += suffix;
    if (std::filesystem::exists(path)) {
      EXPECT_EQ(read_bytes(path).find(kPassword), std::string::npos);
    }
  }
  EXPECT_EQ(r.err.find(kPassword), std::string::npos);
}

TEST_F(UserCliTest, AShortPasswordIsRefusedAndNothingIsCreated) {
  CliRun r = user({"add", "alice", "--password-stdin"}, "short\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("too short: at least 12 characters"), std::string::npos) << r.err;
  EXPECT_FALSE(account("alice"));
}

TEST_F(UserCliTest, WithoutATerminalThePasswordMustComeWithTheFlag) {
  CliRun r = user({"add", "alice"}, std::string(kPassword) + "\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("--password-stdin"), std::string::npos) << r.err;
  EXPECT_FALSE(account("alice"));
}

TEST_F(UserCliTest, ANameIsTakenOnce) {
  ASSERT_EQ(user({"add", "alice", "--password-stdin"}, std::string(kPassword) + "\n").code, 0);
  CliRun again = user({"add", "alice", "--role", "observer", "--password-stdin"}, "another long phrase\n");
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  EXPECT_EQ(account("alice")->role, "organizer");
}

TEST_F(UserCliTest, PasswdReplacesTheHashAndLiftsALock) {
  ASSERT_EQ(user({"add", "alice", "--password-stdin"}, std::string(kPassword) + "\n").code, 0);
  {
    auto store = open_store(db);
    ASSERT_TRUE(store->record_failed_sign_in("alice", 1000, 1, 60000));
  }
  ASSERT_TRUE(account("alice")->locked_until_ms);
  CliRun r = user({"passwd", "alice", "--password-stdin"}, "a brand new phrase 8\n");
  ASSERT_EQ(r.code, 0) << r.err;
  auto a = account("alice");
  EXPECT_TRUE(verify_password(a->password_hash, "a brand new phrase 8"));
  EXPECT_FALSE(verify_password(a->password_hash, kPassword));
  EXPECT_FALSE(a->locked_until_ms);
  EXPECT_EQ(user({"passwd", "nobody", "--password-stdin"}, "a brand new phrase 8\n").code, 1);
}

TEST_F(UserCliTest, ListShowsRoleAndLockAndRemoveDeletes) {
  ASSERT_EQ(user({"add", "alice", "--password-stdin"}, std::string(kPassword) + "\n").code, 0);
  ASSERT_EQ(
      user({"add", "olga", "--role", "observer", "--password-stdin"}, std::string(kPassword) + "\n").code, 0);
  {
    auto store = open_store(db);
    // Locked far into the future, so the list shows it whatever today's date.
    ASSERT_TRUE(store->record_failed_sign_in("olga", 4'102'444'800'000, 1, 60000));
  }
  CliRun list = user({"list"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find("name\trole\tcreated\tlast sign-in\tlocked until\n"), std::string::npos);
  EXPECT_NE(list.out.find("\nalice\torganizer\t"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("\t-\t-\n"), std::string::npos) << list.out;  // alice: never signed in, not locked
  EXPECT_NE(list.out.find("\nolga\tobserver\t"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("2100-01-01T00:01:00Z"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("$argon2id$"), std::string::npos);

  ASSERT_EQ(user({"remove", "alice"}).code, 0);
  EXPECT_FALSE(account("alice"));
  CliRun again = user({"remove", "alice"});
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("no account alice"), std::string::npos);
}

}  // namespace
}  // namespace dais::store::testing
