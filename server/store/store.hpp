#pragma once
// The durable home of hearings: one SQLite file (WAL, synchronous=FULL), or a PostgreSQL database when the
// path is a postgresql:// URL. One writer thread commits accepted commands in batches (group commit); reads
// use their own connection. See docs/storage.md.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/engine.hpp"

namespace dais::store {

using HearingId = std::string;

struct StoreOptions {
  std::filesystem::path path;
  std::int64_t snapshot_every = 10000;           // events between snapshots (and one at adjournment)
  std::size_t max_batch = 1024;                  // commands in one group commit at the most
  bool read_only = false;                        // open for verify/recount/export without writing
  std::chrono::milliseconds busy_timeout{5000};  // how long to wait for another process's lock on the file
  std::int64_t max_pages = 0;  // size limit of the file in pages (PRAGMA max_page_count); 0: none
  // The name of this `dais serve` node when several share one database (docs/scale-out.md). Empty: the only
  // node, no leases. Otherwise every command record must carry the epoch of a lease this node holds on its
  // hearing, and a commit whose epoch is no longer the hearing's is refused (lost_lease()).
  std::string node{};
};

// Who may commit a hearing's commands when several nodes share the database: the node holding its lease.
// Every acquisition raises the epoch, so a node that was paused past its lease and comes back commits
// nothing. Time is the database's clock, the one clock every node shares.
struct Lease {
  std::string owner;              // the node that holds (or last held) it
  std::int64_t epoch = 0;         // 1 for the first acquisition, then one more for each
  std::int64_t remaining_ms = 0;  // until it expires, by the database's clock; <= 0: expired
};

// One participant's join token, shown once at import or reissue. Only its SHA-256 is stored.
struct IssuedToken {
  core::ParticipantId participant;
  std::string token;  // >= 128 bits of randomness, URL-safe
};

struct TokenOwner {
  HearingId hearing;
  core::ParticipantId participant;
};

// A vote's idempotency record: (hearing, participant, key) → the ack that was sent. The ack never contains
// the receipt or the marks, so this table links a voter only to the fact that they voted.
struct Idempotency {
  core::ParticipantId participant;
  std::string key;
  std::string ack_json;
};

// Everything one accepted command made durable together: its events (secret ones go to the ballot box, the
// rest to the chained log) and, for votes, the idempotency record.
struct CommandRecord {
  HearingId hearing;
  std::vector<core::Event> events;
  std::optional<Idempotency> idempotency;
  std::optional<std::int64_t> lease_epoch{};  // required when StoreOptions::node is set: the lease it holds
};

struct CommitInfo {
  std::int64_t log_position = 0;  // events in the hearing's log after this command (the wire seq)
  std::string head_hash;          // hex SHA-256 of the last logged event
};

// An account of the secretariat for /organize (docs/operations.md, Organizer accounts). Organizers may change
// things; observers only read. The password is kept only as its Argon2id hash (store/passwords.hpp).
struct Account {
  std::string name;
  std::string role;  // "organizer" or "observer"
  std::string password_hash;
  std::int64_t created_ms = 0;
  std::optional<std::int64_t> last_sign_in_ms;
  std::int64_t failed_sign_ins = 0;  // in a row
  std::optional<std::int64_t> locked_until_ms;
};

// One commitment (承诺) made in the hall, as a hearing's state holds it: what the rectification ledger takes
// in. (hearing, inquiry, position) names it for good: commitments are only ever appended to an inquiry.
struct LedgerCommitment {
  HearingId hearing;
  core::InquiryId inquiry;
  std::int64_t position = 0;  // 1, 2, …: its place among the inquiry's commitments
  std::string unit;           // the presenter slot's title
  std::string presenter;      // the presenter's name
  std::string inquiry_text;   // the inquiry it answers
  std::string text;
  std::string due;  // YYYY-MM-DD, as promised in the hall
};

// A dated progress note by an organizer.
struct LedgerNote {
  std::string account;
  std::int64_t at_ms = 0;
  std::string text;
};

// One line of the rectification ledger (整改台账): the commitment, and what the secretariat tracks about it.
// Overdue is not stored: past `due` and not done, by the reader's clock.
struct LedgerEntry {
  std::int64_t id = 0;
  LedgerCommitment commitment;
  std::string due;                      // YYYY-MM-DD; the promised one until an organizer changes it
  std::string status = "open";          // open, in_progress or done
  std::optional<std::int64_t> done_ms;  // when it was last marked done
  std::vector<LedgerNote> notes;        // oldest first
};

class Store {
 public:
  static core::Result<std::unique_ptr<Store>> open(const StoreOptions& options);
  virtual ~Store() = default;

  // Creates a hearing from a definition and issues every participant a join token.
  virtual core::Result<std::vector<IssuedToken>> import_hearing(const core::HearingDefinition& def) = 0;
  // Replaces the definition of a hearing whose log is still empty (a draft being prepared): participants
  // added get tokens (returned), those removed lose theirs. Refused (conflict) once anything was logged.
  virtual core::Result<std::vector<IssuedToken>> redefine_draft(const core::HearingDefinition& def) = 0;
  // Resets a rehearsal (settings.rehearsal) to a clean draft: its log is moved to rehearsal_events as run n
  // (returned), its boxes, held tallies, idempotency records and snapshots go, and the chain starts again
  // from the definition. Refused (not_allowed) for a hearing that is not a rehearsal.
  virtual core::Result<std::int64_t> reset_rehearsal(const HearingId& hearing) = 0;
  virtual std::vector<HearingId> hearings() = 0;
  // Rebuilds a hearing: the latest snapshot, the log after it, then the ballot boxes.
  virtual core::Result<core::HearingState> load(const HearingId& hearing) = 0;

  // Who a token belongs to (constant-time hash compare): nothing for an unknown or revoked token, an error
  // when the store could not be read — then the device should try again, not be told its link is void.
  virtual core::Result<std::optional<TokenOwner>> look_up_token(std::string_view token) = 0;
  // The same where an unreadable store may count as an unknown token (tools, tests).
  std::optional<TokenOwner> find_token(std::string_view token) {
    auto owner = look_up_token(token);
    return owner.ok() ? *owner : std::nullopt;
  }
  virtual core::Result<IssuedToken> reissue_token(const HearingId& hearing,
                                                  const core::ParticipantId& who) = 0;
  // Issues each of `who` a new token in one transaction, revoking their earlier ones (printing join cards).
  virtual core::Result<std::vector<IssuedToken>> reissue_tokens(
      const HearingId& hearing, const std::vector<core::ParticipantId>& who) = 0;
  virtual core::Result<bool> revoke_tokens(const HearingId& hearing, const core::ParticipantId& who) = 0;

  // Queues one accepted command for the writer thread. `done` runs on the writer thread after the batch
  // holding it committed (or failed: then nothing of it, nor of the same hearing's later records in that
  // batch, was stored, and the caller must reload the hearing). `done` should be quick and must not call
  // flush(); a read-only store calls it at once with an error. A record whose idempotency key is already
  // stored fails as a whole (the caller answers retries it has in flight itself).
  virtual void submit(CommandRecord record, std::function<void(core::Result<CommitInfo>)> done) = 0;
  // Waits until everything submitted so far is committed (shutdown, tests).
  virtual void flush() = 0;

  virtual std::optional<std::string> find_idempotent_ack(const HearingId& hearing,
                                                         const core::ParticipantId& participant,
                                                         const std::string& key) = 0;
  virtual core::Result<bool> receipt_in_box(const HearingId& hearing, const core::BallotId& ballot,
                                            const core::ReceiptHash& receipt_hash) = 0;
  // The logged events of a hearing after the first `from` ones (positions from + 1 on), for the minutes,
  // audits and clients resuming from seq `from`.
  virtual core::Result<std::vector<core::Event>> read_log(const HearingId& hearing,
                                                          std::int64_t from = 0) = 0;
  virtual std::string head_hash(const HearingId& hearing) = 0;
  // Organizer accounts. add_account refuses a name already taken (conflict); the others an unknown name
  // (not_found). set_password also lifts a lock and forgets failed sign-ins. A store without accounts keeps
  // these defaults: nobody can be added, nobody signs in.
  virtual core::Result<bool> add_account(const Account& account);
  virtual core::Result<bool> set_password(const std::string& name, const std::string& password_hash);
  virtual core::Result<bool> remove_account(const std::string& name);
  virtual std::vector<Account> accounts() { return {}; }  // by name
  virtual std::optional<Account> find_account(const std::string&) { return std::nullopt; }
  // A successful sign-in: remembered, and the failures in a row forgotten.
  virtual core::Result<bool> record_sign_in(const std::string& name, std::int64_t now_ms);
  // A failed one: counted; at `max_failures` in a row the account is locked until now + lockout_ms and the
  // count starts again. Returns the end of the lock when this failure set one.
  virtual core::Result<std::optional<std::int64_t>> record_failed_sign_in(const std::string& name,
                                                                          std::int64_t now_ms,
                                                                          std::int64_t max_failures,
                                                                          std::int64_t lockout_ms);
  // The rectification ledger. take_into_ledger adds the commitments it has not taken yet (the same one never
  // twice) and returns how many were new. update_ledger_entry sets the due date and/or the status (a status
  // of done remembers `now_ms`); it and add_ledger_note refuse an unknown entry (not_found).
  virtual core::Result<std::int64_t> take_into_ledger(const std::vector<LedgerCommitment>& commitments) = 0;
  virtual std::vector<LedgerEntry> ledger() = 0;  // by id, with their notes
  virtual std::optional<LedgerEntry> ledger_entry(std::int64_t id) = 0;
  virtual core::Result<bool> update_ledger_entry(std::int64_t id, const std::optional<std::string>& due,
                                                 const std::optional<std::string>& status,
                                                 std::int64_t now_ms) = 0;
  virtual core::Result<bool> add_ledger_note(std::int64_t id, const LedgerNote& note) = 0;
  // SQLite online backup to another file; consistent while the hearing goes on.
  virtual core::Result<bool> backup_to(const std::filesystem::path& target) = 0;

  // Leases (StoreOptions::node set). acquire_lease takes the hearing's lease for this node for `ttl` when no
  // node holds it, it expired, or this node held it (a restart), raising the epoch; it returns the lease as
  // it then stands, so owner != this node means another node holds it for remaining_ms more. renew_leases
  // extends every lease this node holds at the epochs it acquired and returns the hearings whose lease it
  // lost (taken over by another node). release_lease lets a hearing go at once (shutdown), so another node
  // need not wait for it to expire. Without a node name they refuse (invalid).
  virtual core::Result<Lease> acquire_lease(const HearingId& hearing, std::chrono::milliseconds ttl);
  virtual core::Result<std::vector<HearingId>> renew_leases(std::chrono::milliseconds ttl);
  virtual core::Result<bool> release_lease(const HearingId& hearing);
  virtual core::Result<std::optional<Lease>> lease_of(const HearingId& hearing);
};

// True for the error of a commit refused because its lease epoch is no longer the hearing's: the hearing has
// moved to another node, and this one must let it go (close its connections) instead of reloading it.
bool lost_lease(const core::Error& error);

// SHA-256 of a receipt secret or a token, as lower-case hex.
std::string sha256_hex(std::string_view data);
// `bytes` of OpenSSL randomness as URL-safe base64 without padding.
std::string random_token(std::size_t bytes = 18);

}  // namespace dais::store
