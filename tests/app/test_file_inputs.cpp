// Hostile files given to the command line — nesting 100,000 levels deep, numbers beyond a double — run
// through the real `dais` binary: each is refused with the pointer of the value and an exit code, never a
// signal.
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_dais.hpp"

namespace {

namespace fs = std::filesystem;
using dais::test::cli::CliRun;
using dais::test::cli::slurp;
constexpr std::size_t kDeep = 100000;
constexpr std::size_t kMaxDepth = 64;  // the documented bound (docs/definition.md)

// `levels` arrays, one inside the other.
std::string nested(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

// A JSON pointer of `tokens` "/0" steps.
std::string zeros(std::size_t tokens) {
  std::string out;
  for (std::size_t i = 0; i < tokens; ++i) out += "/0";
  return out;
}

class FileInputs : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("dais-inputs-" + std::to_string(::getpid()) + "-" + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // Runs `dais ARGS…` with its output and error captured; says whether a signal ended it.
  CliRun dais(const std::vector<std::string>& args) const { return dais::test::cli::run_dais(dir_, args); }

  // `dais check`, `dais import` and `dais serve --config` on one file, with the exit codes they document.
  void expect_each_refuses(const fs::path& file, const std::string& field, const std::string& why) const {
    const std::string named = file.string() + ": " + field + ": " + why;
    const fs::path db = dir_ / "hall.db";
    struct Case {
      std::vector<std::string> args;
      int code;
      std::string err;
    };
    const std::vector<Case> cases = {
        {{"check", file.string()}, 1, named + "\n"},
        {{"import", file.string(), "--db", db.string()}, 1, "dais import: " + named + "\n"},
        {{"serve", "--config", file.string(), "--db", db.string(), "--port", "0"},
         2,
         "dais serve: " + named + "\n"},
    };
    for (const Case& c : cases) {
      SCOPED_TRACE(c.args.front());
      const CliRun r = dais(c.args);
      EXPECT_EQ(r.signal, 0) << "killed by signal " << r.signal;
      EXPECT_EQ(r.code, c.code);
      EXPECT_EQ(r.err, c.err);
      EXPECT_FALSE(fs::exists(db)) << "a refused file still created the database";
    }
  }

  fs::path dir_;
};

// The demo hearing with one member of it replaced by two equal arrays `levels` deep, which the uniqueItems
// check of groups and roles used to compare, recursing until the stack ran out (SIGSEGV).
std::string demo_with_twin_nesting(const std::string& member, std::size_t participant, std::size_t levels) {
  nlohmann::json demo =
      nlohmann::json::parse(slurp(fs::path(DAIS_SOURCE_DIR) / "seeds" / "demo-hearing.json"));
  demo["participants"][participant][member] = "@deep@";
  std::string text = demo.dump();
  const std::string twins = "[" + nested(levels) + ", " + nested(levels) + "]";
  return text.replace(text.find("\"@deep@\""), 8, twins);
}

TEST_F(FileInputs, NestingInGroupsAHundredThousandDeepIsRefusedAtItsStart) {
  const fs::path file = write("deep-groups.json", demo_with_twin_nesting("groups", 0, kDeep));
  // The container that opens level 65: three steps to the groups, then one per level inside them.
  expect_each_refuses(file, "/participants/0/groups" + zeros(kMaxDepth - 3),
                      "nested more than 64 levels deep");
}

TEST_F(FileInputs, NestingInRolesAHundredThousandDeepIsRefusedAtItsStart) {
  const fs::path file = write("deep-roles.json", demo_with_twin_nesting("roles", 1, kDeep));
  expect_each_refuses(file, "/participants/1/roles" + zeros(kMaxDepth - 3),
                      "nested more than 64 levels deep");
}

TEST_F(FileInputs, SixtyFourLevelsAreReadAndSixtyFiveAreNot) {
  // Sixty-four levels are read, and what reads the document next says what else is wrong with it.
  const fs::path deepest = write("deepest.json", R"({"a": )" + nested(kMaxDepth - 1) + "}");
  const CliRun check = dais({"check", deepest.string()});
  EXPECT_EQ(check.code, 1);
  EXPECT_EQ(check.err, deepest.string() + ": /id: is required\n");
  const CliRun serve = dais({"serve", "--config", deepest.string(), "--port", "0"});
  EXPECT_EQ(serve.code, 2);
  EXPECT_EQ(serve.err, "dais serve: " + deepest.string() + ": unknown setting 'a'\n");
  const fs::path deeper = write("deeper.json", R"({"a": )" + nested(kMaxDepth) + "}");
  expect_each_refuses(deeper, "/a" + zeros(kMaxDepth - 1), "nested more than 64 levels deep");
}

TEST_F(FileInputs, ANumberBeyondADoubleNamesItsField) {
  expect_each_refuses(write("huge.json", R"({"id": "h1", "settings": {"tally_hz": 1e400}})"),
                      "/settings/tally_hz", "number out of range");
  expect_each_refuses(write("config.json", R"({"port": 8080, "tally_hz": 1e400})"), "/tally_hz",
                      "number out of range");
  expect_each_refuses(write("in-array.json", R"({"agenda": [{"id": "s1"}, {"report_limit_s": -1e400}]})"),
                      "/agenda/1/report_limit_s", "number out of range");
  expect_each_refuses(write("key.json", R"({"a/b~c": [0, 1, 2e999]})"), "/a~1b~0c/2", "number out of range");
  expect_each_refuses(write("top.json", "1e400"), "/", "number out of range");
}

}  // namespace
