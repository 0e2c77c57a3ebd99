#pragma once
// The Store on a SQL database, written once for SQLite (sql::Database) and PostgreSQL (pg::Connection): a
// writer thread that commits queued records in batches (group commit) through the log writer, and a read
// connection for everything else. What differs, opening and backing up, is the subclass's. See
// docs/storage.md for the schema and the promises.
#include <openssl/crypto.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>

#include "store/chain.hpp"
#include "store/db.hpp"
#include "store/log_writer.hpp"
#include "store/recovery.hpp"
#include "store/storage_error.hpp"
#include "store/store.hpp"

namespace dais::store {

template <class Db>
class ConnectedStore : public Store {
 public:
  ConnectedStore(StoreOptions options, std::unique_ptr<Db> writer, std::unique_ptr<Db> reader)
      : options_(std::move(options)), writer_(std::move(writer)), reader_(std::move(reader)) {
    if (writer_) {
      log_writer_.emplace(*writer_, options_);
      thread_ = std::thread([this] { run_writer(); });
    }
  }

  ~ConnectedStore() override {
    {
      std::lock_guard lock(queue_mutex_);
      stopping_ = true;
    }
    queue_cv_.notify_all();
    if (thread_.joinable()) thread_.join();  // the writer drains the queue first
  }

  core::Result<std::vector<IssuedToken>> import_hearing(const core::HearingDefinition& def) override {
    if (!writer_) return read_only_error();
    if (def.id.empty()) return core::make_error(core::ErrorCode::invalid, "the definition has no id", "/id");
    auto stored = stored_form(def);
    if (!stored) return stored.error();
    const auto& [definition, genesis] = *stored;
    std::lock_guard lock(write_mutex_);
    try {
      typename DbTypes<Db>::Transaction tx(*writer_, DbTypes<Db>::TransactionKind::immediate);
      {
        auto q = writer_->query("SELECT 1 FROM hearings WHERE id = ?");
        q.with(def.id);
        if (q.next()) {
          return core::make_error(core::ErrorCode::conflict,
                                  "hearing " + def.id + " already exists in the file");
        }
      }
      writer_->query("INSERT INTO hearings(id, definition, genesis_hash) VALUES (?, ?, ?)")
          .with(def.id, definition, genesis)
          .run();
      writer_->query("INSERT INTO heads(hearing, position, hash) VALUES (?, 0, ?)")
          .with(def.id, genesis)
          .run();
      std::vector<IssuedToken> issued;
      for (const core::Participant& p : def.participants) issued.push_back(insert_token(def.id, p.id));
      tx.commit();
      return issued;
    } catch (const typename DbTypes<Db>::Error& e) {
      return storage_error(e, "importing hearing " + def.id);
    }
  }

  core::Result<std::vector<IssuedToken>> redefine_draft(const core::HearingDefinition& def) override {
    auto stored = stored_form(def);
    if (!stored) return stored.error();
    const std::string& definition = stored->first;
    const std::string& genesis = stored->second;
    using Issued = core::Result<std::vector<IssuedToken>>;
    return write("redefining hearing " + def.id, [&]() -> Issued {
      {
        auto q = writer_->query("SELECT position FROM heads WHERE hearing = ?");
        q.with(def.id);
        if (!q.next()) return no_hearing(def.id);
        if (q.int64(0) != 0) {
          return core::make_error(core::ErrorCode::conflict,
                                  "hearing " + def.id + " is no longer a draft: its log has begun");
        }
      }
      writer_->query("UPDATE hearings SET definition = ?, genesis_hash = ? WHERE id = ?")
          .with(definition, genesis, def.id)
          .run();
      writer_->query("UPDATE heads SET hash = ? WHERE hearing = ?").with(genesis, def.id).run();
      std::set<core::ParticipantId> had;
      {
        auto q = writer_->query("SELECT DISTINCT participant FROM tokens WHERE hearing = ?");
        q.with(def.id);
        while (q.next()) had.insert(q.text(0));
      }
      std::vector<IssuedToken> issued;
      for (const core::Participant& p : def.participants) {
        if (had.erase(p.id) == 0) issued.push_back(insert_token(def.id, p.id));
      }
      // Those left in `had` were removed: their rows go, so no link of theirs opens anything.
      for (const auto& gone : had) {
        writer_->query("DELETE FROM tokens WHERE hearing = ? AND participant = ?").with(def.id, gone).run();
      }
      log_writer_->forget(def.id);  // the writer's copy holds the old definition
      return issued;
    });
  }

  core::Result<std::int64_t> reset_rehearsal(const HearingId& hearing) override {
    return write("resetting the rehearsal of hearing " + hearing, [&]() -> core::Result<std::int64_t> {
      std::string definition;
      std::string genesis;
      {
        auto q = writer_->query("SELECT definition, genesis_hash FROM hearings WHERE id = ?");
        q.with(hearing);
        if (!q.next()) return no_hearing(hearing);
        definition = q.text(0);
        genesis = q.text(1);
      }
      const auto def = core::parse_definition(nlohmann::json::parse(definition, nullptr, false));
      if (!def || !def->settings.rehearsal) {
        return core::make_error(core::ErrorCode::not_allowed,
                                "hearing " + hearing + " is not a rehearsal: its log is never reset");
      }
      std::int64_t run = 1;
      {
        auto q = writer_->query("SELECT COALESCE(MAX(run), 0) + 1 FROM rehearsal_events WHERE hearing = ?");
        q.with(hearing);
        if (q.next()) run = q.int64(0);
      }
      writer_
          ->query(
              "INSERT INTO rehearsal_events(hearing, run, position, type, body) "
              "SELECT hearing, ?, position, type, body FROM events WHERE hearing = ?")
          .with(run, hearing)
          .run();
      for (const char* table :
           {"events", "ballot_box", "held_tallies", "paper_entries", "idempotency", "snapshots"}) {
        writer_->query(std::string("DELETE FROM ") + table + " WHERE hearing = ?").with(hearing).run();
      }
      writer_->query("UPDATE heads SET position = 0, hash = ? WHERE hearing = ?")
          .with(genesis, hearing)
          .run();
      // Commitments a rehearsal made are no one's: none stays in the ledger (which also skips rehearsals).
      writer_->query("DELETE FROM ledger_notes WHERE entry IN (SELECT id FROM ledger WHERE hearing = ?)")
          .with(hearing)
          .run();
      writer_->query("DELETE FROM ledger WHERE hearing = ?").with(hearing).run();
      log_writer_->forget(hearing);  // the writer's copy holds the rehearsal's state
      return run;
    });
  }

  std::vector<HearingId> hearings() override {
    std::lock_guard lock(read_mutex_);
    std::vector<HearingId> out;
    try {
      auto q = reader_->query("SELECT id FROM hearings ORDER BY id");
      while (q.next()) out.push_back(q.text(0));
    } catch (const typename DbTypes<Db>::Error&) {
      out.clear();  // an unreadable file has no hearings to offer; load() reports why
    }
    return out;
  }

  core::Result<core::HearingState> load(const HearingId& hearing) override {
    std::lock_guard lock(read_mutex_);
    try {
      typename DbTypes<Db>::Transaction read(*reader_, DbTypes<Db>::TransactionKind::deferred);
      auto recovered = recover_hearing(*reader_, hearing);
      if (!recovered) return recovered.error();
      return std::move(recovered->state);
    } catch (const typename DbTypes<Db>::Error& e) {
      return storage_error(e, "loading hearing " + hearing);
    }
  }

  core::Result<std::optional<TokenOwner>> look_up_token(std::string_view token) override {
    const std::string hash = sha256_hex(token);
    std::lock_guard lock(read_mutex_);
    try {
      auto q = reader_->query(
          "SELECT hearing, participant, token_hash FROM tokens WHERE token_hash = ? AND revoked = 0");
      q.with(hash);
      if (!q.next()) return std::optional<TokenOwner>();
      // The index finds the row by hash; comparing in constant time anyway costs nothing and keeps the rule
      // simple.
      std::string_view stored = q.text_view(2);
      if (stored.size() != hash.size() || CRYPTO_memcmp(stored.data(), hash.data(), hash.size()) != 0) {
        return std::optional<TokenOwner>();
      }
      return std::optional<TokenOwner>(TokenOwner{q.text(0), q.text(1)});
    } catch (const typename DbTypes<Db>::Error& e) {
      return storage_error(e, "looking up a join token");  // no one gets in, and no one is told to give up
    }
  }

  core::Result<IssuedToken> reissue_token(const HearingId& hearing, const core::ParticipantId& who) override {
    if (!writer_) return read_only_error();
    std::lock_guard lock(write_mutex_);
    try {
      typename DbTypes<Db>::Transaction tx(*writer_, DbTypes<Db>::TransactionKind::immediate);
      if (!revoke(hearing, who)) return unknown_participant(hearing, who);
      IssuedToken issued = insert_token(hearing, who);
      tx.commit();
      return issued;
    } catch (const typename DbTypes<Db>::Error& e) {
      return storage_error(e, "issuing a token for " + who);
    }
  }

  core::Result<std::vector<IssuedToken>> reissue_tokens(
      const HearingId& hearing, const std::vector<core::ParticipantId>& who) override {
    return write("issuing tokens for hearing " + hearing, [&]() -> core::Result<std::vector<IssuedToken>> {
      std::vector<IssuedToken> issued;
      issued.reserve(who.size());
      for (const auto& p : who) {
        if (!revoke(hearing, p)) return unknown_participant(hearing, p);
        issued.push_back(insert_token(hearing, p));
      }
      return issued;
    });
  }

  core::Result<bool> revoke_tokens(const HearingId& hearing, const core::ParticipantId& who) override {
    if (!writer_) return read_only_error();
    std::lock_guard lock(write_mutex_);
    try {
      typename DbTypes<Db>::Transaction tx(*writer_, DbTypes<Db>::TransactionKind::immediate);
      if (!revoke(hearing, who)) return unknown_participant(hearing, who);
      tx.commit();
      return true;
    } catch (const typename DbTypes<Db>::Error& e) {
      return storage_error(e, "revoking the tokens of " + who);
    }
  }

  void submit(CommandRecord record, std::function<void(core::Result<CommitInfo>)> done) override {
    if (!writer_) {
      done(read_only_error());
      return;
    }
    {
      std::lock_guard lock(queue_mutex_);
      if (!stopping_) {
        queue_.push_back(Pending{std::move(record), std::move(done)});
        ++submitted_;
        queue_cv_.notify_one();
        return;
      }
    }
    done(storage_error("the store is shutting down; nothing was stored"));
  }

  void flush() override {
    std::unique_lock lock(queue_mutex_);
    const std::uint64_t target = submitted_;
    flushed_cv_.wait(lock, [&] { return completed_ >= target; });
  }

  std::optional<std::string> find_idempotent_ack(const HearingId& hearing,
                                                 const core::ParticipantId& participant,
                                                 const std::string& key) override {
    std::lock_guard lock(read_mutex_);
    try {
      auto q =
          reader_->query("SELECT ack FROM idempotency WHERE hearing = ? AND participant = ? AND key = ?");
      q.with(hearing, participant, key);
      if (q.next()) return q.text(0);
    } catch (const typename DbTypes<Db>::Error&) {
      // Unreadable: treated as unknown; a repeated vote is then refused by the engine (already voted).
    }
    return std::nullopt;
  }

  core::Result<bool> receipt_in_box(const HearingId& hearing, const core::BallotId& ballot,
                                    const core::ReceiptHash& receipt_hash) override {
    std::lock_guard lock(read_mutex_);
    try {
      typename DbTypes<Db>::Transaction read(*reader_, DbTypes<Db>::TransactionKind::deferred);
      if (!hearing_exists(*reader_, hearing)) return no_hearing(hearing);
      {
        auto q =
            reader_->query("SELECT 1 FROM ballot_box WHERE hearing = ? AND ballot = ? AND receipt_hash = ?");
        q.with(hearing, ballot, receipt_hash);
        if (q.next()) return true;
      }
      // A named sheet is logged with its voter; its receipt is in the log.
      auto q = reader_->query("SELECT body FROM events WHERE hearing = ? AND type = 'sheet_stored'");
      q.with(hearing);
      while (q.next()) {
        auto event = core::event_from_json(nlohmann::json::parse(q.text_view(0), nullptr, false));
        if (!event) continue;
        const auto& sheet = std::get<core::SheetStored>(event->body);
        if (sheet.ballot == ballot && sheet.receipt_hash == receipt_hash) return true;
      }
      return false;
    } catch (const typename DbTypes<Db>::Error& e) {
      return storage_error(e, "looking up a receipt");
    }
  }

  core::Result<std::vector<core::Event>> read_log(const HearingId& hearing, std::int64_t from) override {
    std::lock_guard lock(read_mutex_);
    try {
      typename DbTypes<Db>::Transaction read(*reader_, DbTypes<Db>::TransactionKind::deferred);
      if (!hearing_exists(*reader_, hearing)) return no_hearing(hearing);
      std::vector<core::Event> out;
      auto q = reader_->query(
          "SELECT position, body FROM events WHERE hearing = ? AND position > ? ORDER BY position");
      q.with(hearing, from);
      while (q.next()) {
        auto event = core::event_from_json(nlohmann::json::parse(q.text_view(1), nullptr, false));
        if (!event) {
          return storage_error("event " + std::to_string(q.int64(0)) + " of hearing " + hearing +
                               " is damaged: " + event.error().message);
        }
        out.push_back(std::move(event).value());
      }
      return out;
    } catch (const typename DbTypes<Db>::Error& e) {
      return storage_error(e, "reading the log of " + hearing);
    }
  }

  std::string head_hash(const HearingId& hearing) override {
    {
      std::lock_guard lock(heads_mutex_);
      if (auto it = heads_.find(hearing); it != heads_.end()) return it->second;
    }
    std::lock_guard lock(read_mutex_);
    try {
      auto q = reader_->query("SELECT hash FROM heads WHERE hearing = ?");
      q.with(hearing);
      if (q.next()) return q.text(0);
    } catch (const typename DbTypes<Db>::Error&) {
    }
    return {};
  }

  core::Result<bool> add_account(const Account& account) override {
    return write("adding account " + account.name, [&]() -> core::Result<bool> {
      if (account_exists(account.name)) {
        return core::make_error(core::ErrorCode::conflict, "account " + account.name + " already exists");
      }
      writer_->query("INSERT INTO accounts(name, role, password_hash, created_ms) VALUES (?, ?, ?, ?)")
          .with(account.name, account.role, account.password_hash, account.created_ms)
          .run();
      return true;
    });
  }

  core::Result<bool> set_password(const std::string& name, const std::string& password_hash) override {
    return write("changing the password of " + name, [&]() -> core::Result<bool> {
      if (!account_exists(name)) return no_account(name);
      writer_
          ->query(
              "UPDATE accounts SET password_hash = ?, failed_sign_ins = 0, locked_until_ms = NULL WHERE name "
              "= "
              "?")
          .with(password_hash, name)
          .run();
      return true;
    });
  }

  core::Result<bool> remove_account(const std::string& name) override {
    return write("removing account " + name, [&]() -> core::Result<bool> {
      if (!account_exists(name)) return no_account(name);
      writer_->query("DELETE FROM accounts WHERE name = ?").with(name).run();
      return true;
    });
  }

  std::vector<Account> accounts() override {
    std::lock_guard lock(read_mutex_);
    std::vector<Account> out;
    try {
      auto q = reader_->query(std::string(kAccountColumns) + " ORDER BY name");
      while (q.next()) out.push_back(account_row(q));
    } catch (const typename DbTypes<Db>::Error&) {
      out.clear();  // an unreadable file lists no one, and lets no one in
    }
    return out;
  }

  std::optional<Account> find_account(const std::string& name) override {
    std::lock_guard lock(read_mutex_);
    try {
      auto q = reader_->query(std::string(kAccountColumns) + " WHERE name = ?");
      q.with(name);
      if (q.next()) return account_row(q);
    } catch (const typename DbTypes<Db>::Error&) {
    }
    return std::nullopt;
  }

  core::Result<bool> record_sign_in(const std::string& name, std::int64_t now_ms) override {
    return write("recording a sign-in", [&]() -> core::Result<bool> {
      writer_
          ->query(
              "UPDATE accounts SET last_sign_in_ms = ?, failed_sign_ins = 0, locked_until_ms = NULL WHERE "
              "name = "
              "?")
          .with(now_ms, name)
          .run();
      return true;
    });
  }

  core::Result<std::optional<std::int64_t>> record_failed_sign_in(const std::string& name,
                                                                  std::int64_t now_ms,
                                                                  std::int64_t max_failures,
                                                                  std::int64_t lockout_ms) override {
    std::optional<std::int64_t> locked_until;
    auto done = write("recording a failed sign-in", [&]() -> core::Result<bool> {
      std::int64_t failures = 0;
      {
        auto q = writer_->query("SELECT failed_sign_ins FROM accounts WHERE name = ?");
        q.with(name);
        if (!q.next()) return no_account(name);
        failures = q.int64(0) + 1;
      }
      if (failures >= max_failures) {
        locked_until = now_ms + lockout_ms;
        writer_->query("UPDATE accounts SET failed_sign_ins = 0, locked_until_ms = ? WHERE name = ?")
            .with(*locked_until, name)
            .run();
      } else {
        writer_->query("UPDATE accounts SET failed_sign_ins = ? WHERE name = ?").with(failures, name).run();
      }
      return true;
    });
    if (!done) return done.error();
    return locked_until;
  }

  core::Result<std::int64_t> take_into_ledger(const std::vector<LedgerCommitment>& commitments) override {
    if (commitments.empty()) return std::int64_t{0};
    std::int64_t taken = 0;
    auto done = write("taking commitments into the ledger", [&]() -> core::Result<bool> {
      taken = 0;  // a retried transaction counts afresh
      std::int64_t next = 1;
      {
        auto q = writer_->query("SELECT COALESCE(MAX(id), 0) + 1 FROM ledger");
        if (q.next()) next = q.int64(0);
      }
      for (const LedgerCommitment& c : commitments) {
        {
          auto q = writer_->query("SELECT 1 FROM ledger WHERE hearing = ? AND inquiry = ? AND position = ?");
          q.with(c.hearing, c.inquiry, c.position);
          if (q.next()) continue;
        }
        writer_
            ->query(
                "INSERT INTO ledger(id, hearing, inquiry, position, unit, presenter, inquiry_text, "
                "commitment, "
                "promised_due, due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .with(next++, c.hearing, c.inquiry, c.position, c.unit, c.presenter, c.inquiry_text, c.text,
                  c.due, c.due)
            .run();
        ++taken;
      }
      return true;
    });
    if (!done) return done.error();
    return taken;
  }

  std::vector<LedgerEntry> ledger() override { return read_ledger(std::nullopt); }

  std::optional<LedgerEntry> ledger_entry(std::int64_t id) override {
    auto found = read_ledger(id);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  }

  core::Result<bool> update_ledger_entry(std::int64_t id, const std::optional<std::string>& due,
                                         const std::optional<std::string>& status,
                                         std::int64_t now_ms) override {
    return write("changing ledger entry " + std::to_string(id), [&]() -> core::Result<bool> {
      if (!ledger_entry_exists(id)) return no_ledger_entry(id);
      if (due) writer_->query("UPDATE ledger SET due = ? WHERE id = ?").with(*due, id).run();
      if (status == "done") {
        // Marking it done again keeps the day it was first done.
        writer_->query("UPDATE ledger SET done_ms = ? WHERE id = ? AND status <> 'done'")
            .with(now_ms, id)
            .run();
      } else if (status) {
        writer_->query("UPDATE ledger SET done_ms = NULL WHERE id = ?").with(id).run();
      }
      if (status) writer_->query("UPDATE ledger SET status = ? WHERE id = ?").with(*status, id).run();
      return true;
    });
  }

  core::Result<bool> add_ledger_note(std::int64_t id, const LedgerNote& note) override {
    return write("adding a note to ledger entry " + std::to_string(id), [&]() -> core::Result<bool> {
      if (!ledger_entry_exists(id)) return no_ledger_entry(id);
      std::int64_t position = 1;
      {
        auto q = writer_->query("SELECT COALESCE(MAX(position), 0) + 1 FROM ledger_notes WHERE entry = ?");
        q.with(id);
        if (q.next()) position = q.int64(0);
      }
      writer_->query("INSERT INTO ledger_notes(entry, position, account, at_ms, text) VALUES (?, ?, ?, ?, ?)")
          .with(id, position, note.account, note.at_ms, note.text)
          .run();
      return true;
    });
  }

  // Leases (StoreOptions::node set; docs/storage.md, "Leases"). Each is one statement on the writer
  // connection outside any transaction, under the write mutex: serialised with this node's commits, and on
  // PostgreSQL free of the writer lock, so a takeover waits only for a commit that holds the hearing's lease
  // row.
  core::Result<Lease> acquire_lease(const HearingId& hearing, std::chrono::milliseconds ttl) override {
    if (options_.node.empty()) return Store::acquire_lease(hearing, ttl);
    if (!writer_) return read_only_error();
    std::lock_guard lock(write_mutex_);
    try {
      std::optional<Lease> lease;
      {
        auto q = writer_->query(by_the_clock(
            "INSERT INTO hearing_leases(hearing, owner, epoch, expires_at_ms) VALUES (?, ?, 1, NOW_MS + ?) "
            "ON CONFLICT(hearing) DO UPDATE SET owner = excluded.owner, epoch = hearing_leases.epoch + 1, "
            "expires_at_ms = excluded.expires_at_ms "
            "WHERE hearing_leases.expires_at_ms <= NOW_MS OR hearing_leases.owner = excluded.owner "
            "RETURNING owner, epoch, expires_at_ms - NOW_MS"));
        q.with(hearing, options_.node, static_cast<std::int64_t>(ttl.count()));
        if (q.next()) lease = Lease{q.text(0), q.int64(1), q.int64(2)};
      }
      if (!lease) lease = read_lease(*writer_, hearing);  // another node holds it
      if (!lease) return storage_error("the lease of hearing " + hearing + " was neither taken nor found");
      if (lease->owner == options_.node) {
        leases_held_[hearing] = lease->epoch;
      } else {
        leases_held_.erase(hearing);
      }
      return *lease;
    } catch (const typename DbTypes<Db>::Error& e) {
      return storage_error(e, "taking the lease of hearing " + hearing);
    }
  }

  core::Result<std::vector<HearingId>> renew_leases(std::chrono::milliseconds ttl) override {
    if (options_.node.empty()) return Store::renew_leases(ttl);
    if (!writer_) return read_only_error();
    std::lock_guard lock(write_mutex_);
    std::vector<HearingId> lost;
    try {
      for (const auto& [hearing, epoch] : leases_held_) {
        // Extended even when it expired meanwhile: expiry alone moves nothing, only a takeover does.
        auto q =
            writer_->query(by_the_clock("UPDATE hearing_leases SET expires_at_ms = NOW_MS + ? "
                                        "WHERE hearing = ? AND owner = ? AND epoch = ? RETURNING epoch"));
        q.with(static_cast<std::int64_t>(ttl.count()), hearing, options_.node, epoch);
        if (!q.next()) lost.push_back(hearing);
      }
    } catch (const typename DbTypes<Db>::Error& e) {
      return storage_error(e, "renewing the leases of node " + options_.node);
    }
    for (const HearingId& hearing : lost) leases_held_.erase(hearing);
    return lost;
  }

  core::Result<bool> release_lease(const HearingId& hearing) override {
    if (options_.node.empty()) return Store::release_lease(hearing);
    if (!writer_) return read_only_error();
    std::lock_guard lock(write_mutex_);
    const auto held = leases_held_.find(hearing);
    if (held == leases_held_.end()) return false;
    try {
      auto q =
          writer_->query(by_the_clock("UPDATE hearing_leases SET expires_at_ms = NOW_MS "
                                      "WHERE hearing = ? AND owner = ? AND epoch = ? RETURNING epoch"));
      q.with(hearing, options_.node, held->second);
      const bool released = q.next();
      leases_held_.erase(held);
      return released;
    } catch (const typename DbTypes<Db>::Error& e) {
      return storage_error(e, "releasing the lease of hearing " + hearing);
    }
  }

  core::Result<std::optional<Lease>> lease_of(const HearingId& hearing) override {
    if (options_.node.empty()) return Store::lease_of(hearing);
    std::lock_guard lock(read_mutex_);
    try {
      return read_lease(*reader_, hearing);
    } catch (const typename DbTypes<Db>::Error& e) {
      return storage_error(e, "reading the lease of hearing " + hearing);
    }
  }

  // backup_to is the subclass's.

 protected:
  const StoreOptions& options() const { return options_; }

 private:
  struct Pending {
    CommandRecord record;
    std::function<void(core::Result<CommitInfo>)> done;
  };

  static core::Error read_only_error() {
    return storage_error("the store was opened read-only; nothing was stored");
  }
  static core::Error no_hearing(const HearingId& hearing) {
    return core::make_error(core::ErrorCode::not_found, "no hearing " + hearing + " in the file");
  }
  static core::Error unknown_participant(const HearingId& hearing, const core::ParticipantId& who) {
    return core::make_error(core::ErrorCode::not_found, "no participant " + who + " in hearing " + hearing);
  }
  static constexpr std::string_view kAccountColumns =
      "SELECT name, role, password_hash, created_ms, last_sign_in_ms, failed_sign_ins, locked_until_ms FROM "
      "accounts";
  template <class Query>
  static Account account_row(const Query& q) {
    Account a{q.text(0), q.text(1), q.text(2), q.int64(3), std::nullopt, q.int64(5), std::nullopt};
    if (!q.is_null(4)) a.last_sign_in_ms = q.int64(4);
    if (!q.is_null(6)) a.locked_until_ms = q.int64(6);
    return a;
  }
  static core::Error no_account(const std::string& name) {
    return core::make_error(core::ErrorCode::not_found, "no account " + name);
  }
  bool account_exists(const std::string& name) {
    auto q = writer_->query("SELECT 1 FROM accounts WHERE name = ?");
    q.with(name);
    return q.next();
  }
  static core::Error no_ledger_entry(std::int64_t id) {
    return core::make_error(core::ErrorCode::not_found, "no ledger entry " + std::to_string(id));
  }
  bool ledger_entry_exists(std::int64_t id) {
    auto q = writer_->query("SELECT 1 FROM ledger WHERE id = ?");
    q.with(id);
    return q.next();
  }
  // The whole ledger, or the one entry `only`, with notes, in one consistent read.
  std::vector<LedgerEntry> read_ledger(std::optional<std::int64_t> only) {
    std::lock_guard lock(read_mutex_);
    std::vector<LedgerEntry> out;
    try {
      typename DbTypes<Db>::Transaction read(*reader_, DbTypes<Db>::TransactionKind::deferred);
      const std::string where = only ? " WHERE id = ?" : "";
      std::map<std::int64_t, std::size_t> at;
      {
        auto q = reader_->query(
            "SELECT id, hearing, inquiry, position, unit, presenter, inquiry_text, commitment, promised_due, "
            "due, "
            "status, done_ms FROM ledger" +
            where + " ORDER BY id");
        if (only) q.with(*only);
        while (q.next()) {
          LedgerEntry e;
          e.id = q.int64(0);
          e.commitment = {q.text(1), q.text(2), q.int64(3), q.text(4),
                          q.text(5), q.text(6), q.text(7),  q.text(8)};
          e.due = q.text(9);
          e.status = q.text(10);
          if (!q.is_null(11)) e.done_ms = q.int64(11);
          at[e.id] = out.size();
          out.push_back(std::move(e));
        }
      }
      auto q = reader_->query("SELECT entry, account, at_ms, text FROM ledger_notes" +
                              std::string(only ? " WHERE entry = ?" : "") + " ORDER BY entry, position");
      if (only) q.with(*only);
      while (q.next()) {
        if (auto it = at.find(q.int64(0)); it != at.end())
          out[it->second].notes.push_back(LedgerNote{q.text(1), q.int64(2), q.text(3)});
      }
    } catch (const typename DbTypes<Db>::Error&) {
      out.clear();  // an unreadable file shows an empty ledger; the hearings' loads report why
    }
    return out;
  }
  // `sql` with each NOW_MS the database's clock in milliseconds: lease times are the database's, the one
  // clock every node sharing it agrees on.
  static std::string by_the_clock(std::string_view sql) {
    constexpr std::string_view marker = "NOW_MS";
    std::string out;
    for (std::size_t at = sql.find(marker); at != std::string_view::npos; at = sql.find(marker)) {
      out.append(sql.substr(0, at)).append(DbTypes<Db>::now_ms);
      sql.remove_prefix(at + marker.size());
    }
    return out.append(sql);
  }
  static std::optional<Lease> read_lease(Db& db, const HearingId& hearing) {
    auto q = db.query(
        by_the_clock("SELECT owner, epoch, expires_at_ms - NOW_MS FROM hearing_leases WHERE hearing = ?"));
    q.with(hearing);
    if (!q.next()) return std::nullopt;
    return Lease{q.text(0), q.int64(1), q.int64(2)};
  }
  // One change on the writer connection, in its own transaction, committed only when it succeeds.
  template <class Change>
  auto write(const std::string& doing, const Change& change) -> decltype(change()) {
    if (!writer_) return read_only_error();
    std::lock_guard lock(write_mutex_);
    try {
      typename DbTypes<Db>::Transaction tx(*writer_, DbTypes<Db>::TransactionKind::immediate);
      auto r = change();
      if (r) tx.commit();
      return r;
    } catch (const typename DbTypes<Db>::Error& e) {
      return storage_error(e, doing);
    }
  }

  static bool hearing_exists(Db& db, const HearingId& hearing) {
    auto q = db.query("SELECT 1 FROM hearings WHERE id = ?");
    q.with(hearing);
    return q.next();
  }

  // The definition as stored (its JSON text) and the chain's start (the hash of that text). What cannot be
  // read back could never be loaded again: the stored form must parse as it is.
  static core::Result<std::pair<std::string, std::string>> stored_form(const core::HearingDefinition& def) {
    const nlohmann::json doc = core::to_json(def);
    if (auto again = core::parse_definition(doc); !again) return again.error();
    std::string definition = doc.dump();
    std::string genesis = genesis_hash(definition);
    return std::pair{std::move(definition), std::move(genesis)};
  }

  IssuedToken insert_token(const HearingId& hearing, const core::ParticipantId& who) {
    IssuedToken issued{who, random_token()};
    writer_->query("INSERT INTO tokens(token_hash, hearing, participant) VALUES (?, ?, ?)")
        .with(sha256_hex(issued.token), hearing, who)
        .run();
    return issued;
  }

  // Revokes every token of the participant; false when they have none (not a participant of the hearing).
  bool revoke(const HearingId& hearing, const core::ParticipantId& who) {
    {
      auto q = writer_->query("SELECT 1 FROM tokens WHERE hearing = ? AND participant = ?");
      q.with(hearing, who);
      if (!q.next()) return false;
    }
    writer_->query("UPDATE tokens SET revoked = 1 WHERE hearing = ? AND participant = ?")
        .with(hearing, who)
        .run();
    return true;
  }

  std::vector<core::Result<CommitInfo>> commit_batch(const std::vector<Pending>& batch) {
    std::vector<const CommandRecord*> records;
    records.reserve(batch.size());
    for (const Pending& p : batch) records.push_back(&p.record);
    std::vector<core::Result<CommitInfo>> results;
    {
      std::lock_guard lock(write_mutex_);
      results = log_writer_->commit(records);
    }
    std::lock_guard heads_lock(heads_mutex_);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (results[i].ok()) {
        heads_[batch[i].record.hearing] = results[i]->head_hash;
      } else {
        heads_.erase(batch[i].record.hearing);  // read from the file when next asked
      }
    }
    return results;
  }

  void run_writer() {
    for (;;) {
      std::vector<Pending> batch;
      {
        std::unique_lock lock(queue_mutex_);
        queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and everything is written
        while (!queue_.empty() && batch.size() < options_.max_batch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      std::vector<core::Result<CommitInfo>> results = commit_batch(batch);
      for (std::size_t i = 0; i < batch.size(); ++i) {
        try {
          batch[i].done(std::move(results[i]));
        } catch (...) {
          // A caller's callback must not take the writer down with it; the record's fate is already decided.
        }
      }
      {
        std::lock_guard lock(queue_mutex_);
        completed_ += batch.size();
      }
      flushed_cv_.notify_all();
    }
  }

  StoreOptions options_;
  std::mutex write_mutex_;  // the writer connection: the writer thread, import and tokens
  std::unique_ptr<Db> writer_;
  std::optional<BasicLogWriter<Db>> log_writer_;   // on writer_, under write_mutex_
  std::map<HearingId, std::int64_t> leases_held_;  // hearing -> epoch this node acquired, under write_mutex_
  std::mutex read_mutex_;
  std::unique_ptr<Db> reader_;
  std::mutex heads_mutex_;
  std::map<HearingId, std::string> heads_;  // committed head hashes, for head_hash()

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::condition_variable flushed_cv_;
  std::deque<Pending> queue_;
  std::uint64_t submitted_ = 0;
  std::uint64_t completed_ = 0;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace dais::store
