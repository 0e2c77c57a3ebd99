#pragma once
// Store tests run on real SQLite files in a fresh temporary directory. A StoredHearing drives the real engine
// (tests/core/fixtures.hpp) and stores every command's events through the Store, as the live server does.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../core/fixtures.hpp"
#include "core/engine.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"

namespace dais::store::testing {

using namespace core::testing;  // NOLINT(google-build-using-namespace): the engine's test vocabulary

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "dais-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::unique_ptr<Store> open_store(const StoreOptions& options) {
  auto store = Store::open(options);
  if (!store) throw std::runtime_error("open failed: " + store.error().message);
  return std::move(store).value();
}

inline std::unique_ptr<Store> open_store(const std::filesystem::path& path) {
  return open_store(StoreOptions{.path = path});
}

// Submits one record and waits for its outcome.
inline core::Result<CommitInfo> commit(Store& store, CommandRecord record) {
  std::promise<core::Result<CommitInfo>> outcome;
  auto future = outcome.get_future();
  store.submit(std::move(record),
               [&outcome](core::Result<CommitInfo> r) { outcome.set_value(std::move(r)); });
  return future.get();
}

// The receipt hash a device's secret gives.
inline std::string receipt_of(const std::string& secret) {
  return sha256_hex(secret);
}

// A hearing played through the engine, each command's events stored as one record.
class StoredHearing {
 public:
  StoredHearing(Store& store, const FixtureOptions& options = {}) : store_(store), engine(options) {
    import_into(store);
  }
  StoredHearing(Store& store, core::HearingDefinition def) : store_(store), engine(std::move(def)) {
    import_into(store);
  }

  const std::string& id() const { return engine.state.def.id; }

  void import_into(Store& store) {
    auto issued = store.import_hearing(engine.state.def);
    if (!issued) throw std::runtime_error("import failed: " + issued.error().message);
    tokens = std::move(issued).value();
  }

  // Runs a command that must succeed and stores its events; returns the commit.
  CommitInfo run(const core::ParticipantId& actor, const core::Command& cmd,
                 std::optional<Idempotency> idempotency = std::nullopt) {
    std::vector<core::Event> events = engine.ok(actor, cmd);
    auto r = commit(store_, CommandRecord{id(), events, std::move(idempotency)});
    if (!r) {
      ADD_FAILURE() << "commit failed: " << r.error().message;
      return {};
    }
    return *r;
  }

  // Opens check-in, checks everyone in and starts the session.
  void start() {
    run("chair", core::OpenCheckIn{});
    for (const core::Participant& p : engine.state.def.participants) run(p.id, core::CheckIn{});
    run("chair", core::StartSession{});
  }

  // Creates and opens a ballot of `template_id` (per presenter: for slot S1); returns its id.
  core::BallotId open_ballot(const std::string& template_id, std::optional<core::SlotId> slot = "S1") {
    const core::BallotId id = "B" + std::to_string(engine.state.next_ballot);
    run("chair", core::CreateBallot{template_id, slot});
    run("chair", core::OpenBallot{id});
    return id;
  }

  // A voter casts a sheet marking `grade` in every dimension; the receipt secret is derived from the voter.
  CommitInfo cast(const core::ParticipantId& voter, const core::BallotId& ballot,
                  const core::GradeId& grade) {
    const core::Ballot& b = engine.state.ballots.at(ballot);
    const core::BallotTemplate* tpl = engine.state.def.ballot_template(b.template_id);
    std::vector<core::DimensionId> dims;
    for (const core::Dimension& d : tpl->dimensions) dims.push_back(d.id);
    return run(voter,
               core::CastSheet{ballot, marks_for(b.slots, dims, grade), receipt_of(secret(voter, ballot))},
               Idempotency{voter, "vote-" + ballot, R"({"type":"ack"})"});
  }

  static std::string secret(const core::ParticipantId& voter, const core::BallotId& ballot) {
    return "secret-of-" + voter + "-" + ballot;
  }

  Store& store_;
  TestHearing engine;
  std::vector<IssuedToken> tokens;
};

inline std::string canonical(const core::HearingState& state) {
  return core::state_to_json(state).dump();
}

}  // namespace dais::store::testing
