#pragma once
// Reading a workbook back with a reader that shares nothing with the writer: openpyxl (Debian's
// python3-openpyxl, through tests/tools/read_xlsx.py), and a test's own temporary directory.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace dais::net::testing {

namespace fs = std::filesystem;
using nlohmann::json;

inline std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A directory of the test's own, removed at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "dais-workbook-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The workbook's sheets as openpyxl reads them (Debian's python3-openpyxl, for Debian's own python3).
inline json read_workbook(const std::string& bytes, const fs::path& dir) {
  const fs::path file = dir / "read-back.xlsx";
  std::ofstream(file, std::ios::binary) << bytes;
  const std::string command = "/usr/bin/python3 " +
                              (fs::path(DAIS_SOURCE_DIR) / "tests/tools/read_xlsx.py").string() + " '" +
                              file.string() + "'";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + command);
  std::string out;
  char buf[4096];
  while (const std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  if (status != 0) throw std::runtime_error(command + " failed: " + out);
  return json::parse(out);
}

// One sheet's cells by (row, column).
class Grid {
 public:
  explicit Grid(const json& sheet) : sheet_(sheet) {
    for (const json& c : sheet.at("cells")) cells_[{c.at("r").get<int>(), c.at("c").get<int>()}] = c;
  }
  const json* at(int r, int c) const {
    auto it = cells_.find({r, c});
    return it == cells_.end() ? nullptr : &it->second;
  }
  json value(int r, int c) const {
    const json* cell = at(r, c);
    return cell == nullptr ? json(nullptr) : cell->at("v");
  }
  // The first cell, row by row, holding `text`.
  std::pair<int, int> find(const std::string& text) const {
    for (const auto& [rc, cell] : cells_) {
      if (cell.at("v") == text) return rc;
    }
    ADD_FAILURE() << "no cell " << text << " on " << sheet_.at("name");
    return {-1, -1};
  }
  bool merged(int r1, int c1, int r2, int c2) const {
    return std::find(sheet_.at("merged").begin(), sheet_.at("merged").end(), json{r1, c1, r2, c2}) !=
           sheet_.at("merged").end();
  }
  std::set<std::string> texts() const {
    std::set<std::string> out;
    for (const auto& [rc, cell] : cells_) {
      if (cell.at("v").is_string()) out.insert(cell.at("v").get<std::string>());
    }
    return out;
  }
  const json& sheet() const { return sheet_; }

 private:
  const json& sheet_;
  std::map<std::pair<int, int>, json> cells_;
};

}  // namespace dais::net::testing
