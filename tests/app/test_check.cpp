// `dais check` on the seeds and on broken files, called in-process through dais::app::run with its standard
// output and error captured (the spawn tests in test_file_inputs.cpp hold the real binary to the same
// contract).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "run_dais.hpp"

namespace {

namespace fs = std::filesystem;
using dais::test::cli::slurp;
using ::testing::HasSubstr;

// Sends a stream's output into a string until the end of the scope.
class Capture {
 public:
  explicit Capture(std::ostream& stream) : stream_(stream), saved_(stream.rdbuf(text_.rdbuf())) {}
  ~Capture() { stream_.rdbuf(saved_); }
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;
  std::string text() const { return text_.str(); }

 private:
  std::ostream& stream_;
  std::ostringstream text_;
  std::streambuf* saved_;
};

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class CheckCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("dais-check-" + std::to_string(::getpid()) + "-" + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Outcome check(const fs::path& file) const {
    Capture out(std::cout), err(std::cerr);
    Outcome r;
    r.exit_code = dais::app::run({"dais", "check", file.string()});
    r.out = out.text();
    r.err = err.text();
    return r;
  }

  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  static nlohmann::json demo() {
    return nlohmann::json::parse(slurp(fs::path(DAIS_SOURCE_DIR) / "seeds" / "demo-hearing.json"));
  }

  fs::path dir_;
};

TEST_F(CheckCommand, DemoSeedPrintsTheSummary) {
  const Outcome r = check(fs::path(DAIS_SOURCE_DIR) / "seeds" / "demo-hearing.json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, HasSubstr("中共临河区纪委二届六次全会述责述廉会议"));
  EXPECT_THAT(r.out, HasSubstr("date: 2021-02-23   venue: 临河区行政中心第一会议室"));
  EXPECT_THAT(r.out, HasSubstr("Agenda (15 presenters)"));
  EXPECT_THAT(r.out, HasSubstr("区水务局  [oral, report 8:00, Q&A 10:00]"));
  EXPECT_THAT(r.out, HasSubstr("[written, Q&A 10:00]"));
  EXPECT_THAT(r.out, HasSubstr("by role: chair 1, secretary 2, presenter 15, questioner 40, voter 150"));
  EXPECT_THAT(r.out, HasSubstr("区纪委委员  weight 0.4"));
  EXPECT_THAT(r.out,
              HasSubstr("one sheet for all presenters, anonymous, changeable until the ballot closes"));
  EXPECT_THAT(r.out, HasSubstr("不了解 (not a valid vote)"));
  EXPECT_THAT(r.out, HasSubstr("廉洁 if 廉洁 ≥ 2/3 of valid votes; 不廉洁 if 不廉洁 > 1/3 of valid votes"));
  EXPECT_THAT(r.out, HasSubstr("flag 诫勉谈话 when satisfaction < 60%"));
  EXPECT_THAT(r.out, HasSubstr("anonymous live tallies move by at least 5 sheets"));
}

TEST_F(CheckCommand, RemarksAndBreaksAreListedAsSuchAndNotCountedAsPresenters) {
  const Outcome r = check(fs::path(DAIS_SOURCE_DIR) / "seeds" / "sample-with-remarks.json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Agenda (3 presenters, 2 remarks or breaks)"));
  EXPECT_THAT(r.out, HasSubstr("1. r0  remark — 开幕讲话（区纪委书记）  [5:00]"));
  EXPECT_THAT(r.out, HasSubstr("3. b1  break — 休息  [10:00]"));
}

TEST_F(CheckCommand, PeoplesCongressSeedPrintsTheMajorityRule) {
  const Outcome r = check(fs::path(DAIS_SOURCE_DIR) / "seeds" / "npc-satisfaction.json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("满意 if 满意 > 1/2 of all members (voted or not)"));
  EXPECT_THAT(r.out, HasSubstr("eligible: 区人大常委会组成人员"));
}

TEST_F(CheckCommand, ABrokenReferenceNamesTheField) {
  nlohmann::json doc = demo();
  doc["agenda"][3]["presenter"] = "p99";
  const fs::path file = write("broken.json", doc.dump(2));
  const Outcome r = check(file);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, file.string() + ": /agenda/3/presenter: 'p99' is not a participant\n");
  EXPECT_EQ(r.out, "");
}

TEST_F(CheckCommand, ASchemaViolationNamesTheField) {
  nlohmann::json doc = demo();
  doc["ballot_templates"][0]["change"] = "last_press";
  const fs::path file = write("broken.json", doc.dump());
  const Outcome r = check(file);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, file.string() +
                       R"(: /ballot_templates/0/change: must be one of "first_press", "until_close")" + "\n");
}

TEST_F(CheckCommand, NotJsonSaysWhere) {
  const fs::path file = write("garbage.json", "{\n  \"id\": \"h1\",\n  oops\n}\n");
  const Outcome r = check(file);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(file.string() + ": not valid JSON: parse error at line 3, column 3"));
  EXPECT_THAT(r.err, HasSubstr("(byte 19)"));
}

TEST_F(CheckCommand, AMissingFileIsAClearError) {
  const Outcome r = check(dir_ / "no-such-file.json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no-such-file.json: cannot read: No such file or directory"));
}

}  // namespace
