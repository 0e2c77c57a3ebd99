// Replays every seed (corpus/<target>/) and every input a fuzzer ever crashed on (crashes/<target>/) through
// the same entry points as the libFuzzer targets, so a fixed bug stays fixed in the normal suite.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/definition.hpp"
#include "fuzz/entry.hpp"

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs(const std::string& dir) {
  std::vector<fs::path> files;
  const fs::path root = fs::path(DAIS_FUZZ_DIR) / dir;
  if (!fs::exists(root)) return files;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().filename() != "README.md") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(FuzzDecode, EverySeedHoldsTheInvariants) {
  const auto files = inputs("corpus/decode");
  ASSERT_GE(files.size(), 30u) << "the decoder's seed corpus went missing";
  for (const auto& f : files) EXPECT_EQ(dais::fuzz::decode_frame(read(f)), std::nullopt) << f;
}

TEST(FuzzDecode, EverySavedCrashStaysFixed) {
  for (const auto& f : inputs("crashes/decode"))
    EXPECT_EQ(dais::fuzz::decode_frame(read(f)), std::nullopt) << f;
}

TEST(FuzzEngine, EverySeedHoldsTheInvariants) {
  const auto files = inputs("corpus/engine");
  ASSERT_GE(files.size(), 5u) << "the engine's seed corpus went missing";
  for (const auto& f : files) {
    const std::string script = read(f);
    EXPECT_EQ(dais::fuzz::run_engine_script(bytes_of(script)), std::nullopt) << f;
  }
}

TEST(FuzzEngine, EverySavedCrashStaysFixed) {
  for (const auto& f : inputs("crashes/engine")) {
    const std::string script = read(f);
    EXPECT_EQ(dais::fuzz::run_engine_script(bytes_of(script)), std::nullopt) << f;
  }
}

TEST(FuzzEngine, TheFuzzHearingIsAValidDefinition) {
  auto parsed = dais::core::parse_definition(dais::core::to_json(dais::fuzz::fuzz_hearing()));
  ASSERT_TRUE(parsed.ok()) << parsed.error().field << ": " << parsed.error().message;
}

TEST(FuzzDecode, BrokenFramesAreRejectedQuietly) {
  // Inputs the decoder must turn away without tripping an invariant: not JSON, not an object, no type,
  // an unknown type, a schema mismatch, nesting as deep as a 64 KiB frame allows.
  const std::string deep = std::string(30000, '[') + std::string(30000, ']');
  const std::vector<std::string> frames = {
      "",
      "{",
      "[]",
      "null",
      "{\"type\":1}",
      "{\"type\":\"nope\"}",
      "{\"type\":\"approve_inquiry\",\"id\":\"c1\"}",
      "{\"type\":\"cast_sheet\",\"id\":\"c1\",\"ballot\":\"B1\",\"marks\":[]}",
      deep,
      "{\"type\":\"cast_sheet\",\"id\":\"c1\",\"ballot\":\"B1\",\"marks\":{\"S1\":{\"duty\":" + deep + "}}}"};
  for (const auto& frame : frames) {
    EXPECT_EQ(dais::fuzz::decode_frame(frame), std::nullopt) << frame.substr(0, 80);
  }
}

}  // namespace
