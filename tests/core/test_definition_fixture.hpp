#pragma once
// A small, valid hearing definition for tests that change one thing in it and expect one error.
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace dais::test {

inline nlohmann::json small_definition() {
  return nlohmann::json::parse(R"({
    "id": "h1",
    "title": "测试述责述廉会",
    "date": "2021-02-20",
    "venue": "区会议中心",
    "voter_groups": [
      {"id": "g1", "name": "纪委委员", "weight": 1},
      {"id": "g2", "name": "群众代表", "weight": 0.5}
    ],
    "participants": [
      {"id": "chair", "name": "主持人甲", "roles": ["chair"]},
      {"id": "p1", "name": "张三", "post": "某镇党委书记", "roles": ["presenter"]},
      {"id": "p2", "name": "李四", "post": "区水务局局长", "roles": ["presenter"]},
      {"id": "v1", "name": "王五", "groups": ["g1"], "roles": ["voter", "questioner"]},
      {"id": "v2", "name": "赵六", "groups": ["g2"], "roles": ["voter"]}
    ],
    "agenda": [
      {"id": "s1", "presenter": "p1", "title": "某镇", "mode": "oral", "report_limit_s": 480, "qa_budget_s": 600},
      {"id": "s2", "presenter": "p2", "title": "区水务局", "mode": "written"}
    ],
    "ballot_templates": [
      {"id": "t1", "title": "民主测评表", "scope": "per_presenter", "rule": "r1",
       "dimensions": [{"id": "d1", "label": "廉洁自律", "grades": [
         {"id": "good", "label": "好", "points": 100},
         {"id": "fair", "label": "一般", "points": 60},
         {"id": "dk", "label": "不了解", "valid": false}]}]}
    ],
    "rules": [
      {"id": "r1", "name": "满意率", "satisfied_grades": ["good"],
       "flags": [{"metric": "satisfaction", "op": "less_than", "threshold": 0.6, "label": "约谈"}]}
    ],
    "settings": {"k_anonymity": 5}
  })");
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline nlohmann::json seed(const std::string& name) {
  return nlohmann::json::parse(read_text(std::string(DAIS_SOURCE_DIR) + "/seeds/" + name));
}

}  // namespace dais::test
