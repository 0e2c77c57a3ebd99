#pragma once
// The differencing adversary's arithmetic, shared by the attack on the file at rest and the attack over the
// wire. It holds, for each anonymous ballot, the order in which voters took part (the log's sheet_recorded,
// or the chair's `voted` list watched over time) and every count it could read (live counts, the final one,
// the ballot box), each with the number of sheets it sums and whether it is split by voter group. Any two
// counts of one ballot differ by the sheets of the voters between their two prefixes of that order; a count
// split by group also isolates each group's members within its prefix. The attack succeeds wherever that
// leaves between 1 and k-1 identifiable voters: their sheet, or an aggregate of fewer than k sheets.
#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace dais::test::linkage {

struct Count {
  std::int64_t sheets = 0;  // how many sheets it sums: the first `sheets` voters of the order
  bool by_group = false;    // split by voter group
  std::string seen_in;      // where the adversary read it, for the report
};

struct BallotRecord {
  std::vector<std::string> order;  // voters in the order they took part (first sheets only)
  std::vector<Count> counts;
};

struct Finding {
  std::string ballot;
  std::string what;
};

class Adversary {
 public:
  Adversary(std::int64_t k, std::map<std::string, std::string> group_of)
      : k_(k), group_of_(std::move(group_of)) {}

  std::vector<Finding> attack(const std::map<std::string, BallotRecord>& ballots) const {
    std::vector<Finding> found;
    for (const auto& [id, b] : ballots) attack_ballot(id, b, found);
    return found;
  }

 private:
  bool too_few(std::int64_t n) const { return n >= 1 && n < k_; }

  void attack_ballot(const std::string& id, const BallotRecord& b, std::vector<Finding>& found) const {
    for (const Count& c : b.counts) {
      if (c.sheets > static_cast<std::int64_t>(b.order.size())) {
        found.push_back({id, c.seen_in + " sums more sheets than voters took part"});
        continue;
      }
      // A count split by group holds each group's aggregate on its own.
      if (c.by_group) {
        for (const auto& [group, n] : members_by_group(b.order, 0, c.sheets)) {
          if (too_few(n)) {
            found.push_back({id, c.seen_in + ": group " + group + " has " + std::to_string(n) + " voter(s)"});
          }
        }
      }
    }
    for (std::size_t i = 0; i < b.counts.size(); ++i) {
      for (std::size_t j = 0; j < b.counts.size(); ++j) {
        const Count& lo = b.counts[i];
        const Count& hi = b.counts[j];
        if (lo.sheets >= hi.sheets || hi.sheets > static_cast<std::int64_t>(b.order.size())) continue;
        const std::int64_t between = hi.sheets - lo.sheets;
        const std::string pair = hi.seen_in + " - " + lo.seen_in;
        if (too_few(between)) {
          found.push_back({id, pair + " isolates " + std::to_string(between) + " voter(s)"});
        } else if (lo.by_group && hi.by_group) {
          for (const auto& [group, n] : members_by_group(b.order, lo.sheets, hi.sheets)) {
            if (too_few(n)) {
              found.push_back({id, pair + " isolates " + std::to_string(n) + " voter(s) of group " + group});
            }
          }
        }
      }
    }
  }

  std::map<std::string, std::int64_t> members_by_group(const std::vector<std::string>& order,
                                                       std::int64_t from, std::int64_t to) const {
    std::map<std::string, std::int64_t> n;
    for (std::int64_t i = from; i < to; ++i) {
      const auto it = group_of_.find(order[static_cast<std::size_t>(i)]);
      ++n[it == group_of_.end() ? std::string() : it->second];
    }
    return n;
  }

  std::int64_t k_;
  std::map<std::string, std::string> group_of_;
};

}  // namespace dais::test::linkage
