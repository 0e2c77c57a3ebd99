#include "net/live_hearing.hpp"

#include <algorithm>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>

namespace dais::net {
namespace asio = boost::asio;

LiveHearing::LiveHearing(asio::io_context& ioc, HearingContext context, store::HearingId id,
                         core::HearingState state, std::optional<NodeLease> lease)
    : session_(context, std::move(id), std::move(state), std::move(lease)),
      strand_(asio::make_strand(ioc)),
      tally_timer_(strand_),
      batch_timer_(strand_) {}

void LiveHearing::join(std::shared_ptr<Connection> connection, core::ParticipantId participant,
                       std::optional<std::int64_t> resume_from) {
  asio::post(strand_,
             [self = shared_from_this(), c = std::move(connection), p = std::move(participant), resume_from] {
               self->when_idle([self, c, p, resume_from] {
                 self->session_.join(c, p, resume_from, self->context().clock.now());
               });
             });
}

void LiveHearing::leave(const Connection* connection) {
  asio::post(strand_, [self = shared_from_this(), connection] { self->session_.leave(connection); });
}

void LiveHearing::submit(Request request) {
  asio::post(strand_, [self = shared_from_this(), r = std::move(request)]() mutable {
    self->session_.enqueue(std::move(r));
    self->next_batch();
  });
}

void LiveHearing::inspect(std::function<void(const core::HearingState&)> fn) {
  asio::post(strand_, [self = shared_from_this(), fn = std::move(fn)] {
    self->when_idle([self, fn] { fn(self->session_.state()); });
  });
}

void LiveHearing::drain(std::function<void()> done) {
  asio::post(strand_, [self = shared_from_this(), done = std::move(done)] {
    self->drained_.push_back(done);
    self->check_drained();
  });
}

void LiveHearing::close_all(std::uint16_t code, const std::string& reason) {
  asio::post(strand_, [self = shared_from_this(), code, reason] { self->session_.close_all(code, reason); });
}

void LiveHearing::let_go(const std::string& owner) {
  asio::post(strand_, [self = shared_from_this(), owner] {
    self->session_.let_go(owner);
    self->next_batch();  // what is still queued is refused
  });
}

void LiveHearing::redefine(core::HearingDefinition def, std::function<void(core::Result<bool>)> done) {
  replace_state(
      [this, def]() -> core::Result<bool> {
        const core::HearingState& state = session_.state();
        if (state.event_count != 0 || state.phase != core::Phase::draft) {
          return core::make_error(core::ErrorCode::conflict,
                                  "hearing " + id() + " is no longer a draft: its log has begun");
        }
        if (auto stored = context().store.redefine_draft(def); !stored) return stored.error();
        return true;
      },
      std::move(done));
}

void LiveHearing::reset_rehearsal(std::function<void(core::Result<bool>)> done) {
  replace_state(
      [this]() -> core::Result<bool> {
        if (!session_.state().def.settings.rehearsal) {
          return core::make_error(core::ErrorCode::not_allowed,
                                  "hearing " + id() + " is not a rehearsal: its log is never reset");
        }
        if (auto reset = context().store.reset_rehearsal(id()); !reset) return reset.error();
        return true;
      },
      std::move(done));
}

void LiveHearing::replace_state(std::function<core::Result<bool>()> change,
                                std::function<void(core::Result<bool>)> done) {
  asio::post(strand_, [self = shared_from_this(), change = std::move(change), done = std::move(done)] {
    self->when_idle([self, change, done] {
      if (const auto& owner = self->session_.moved_to()) {
        return done(core::make_error(core::ErrorCode::conflict,
                                     "hearing " + self->id() + " moved to node " + *owner));
      }
      if (auto changed = change(); !changed) return done(changed);
      self->session_.replaced();
      self->schedule();
      done(true);
    });
  });
}

void LiveHearing::when_idle(std::function<void()> fn) {
  if (session_.busy()) {
    idle_tasks_.push_back(std::move(fn));
  } else {
    fn();
  }
}

void LiveHearing::check_drained() {
  if (session_.busy() || !session_.queue_empty() || store_calls_in_flight_ != 0) return;
  auto done = std::move(drained_);
  drained_.clear();
  for (auto& fn : done) fn();
}

void LiveHearing::next_batch() {
  auto records = session_.take_batch(context().clock.now());
  if (!records.empty()) {
    batch_started_ = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < records.size(); ++i) {
      context().store.submit(
          std::move(records[i]), [self = shared_from_this(), i](core::Result<store::CommitInfo> o) {
            // The store calls back on its writer thread; the session belongs to the strand.
            asio::post(self->strand_,
                       [self, i, o = std::move(o)]() mutable { self->on_committed(i, std::move(o)); });
          });
    }
  }
  check_drained();
  schedule();
}

void LiveHearing::on_committed(std::size_t index, core::Result<store::CommitInfo> outcome) {
  const auto end = session_.committed(index, std::move(outcome), context().clock.now());
  if (end == HearingSession::BatchEnd::pending) return;
  if (end == HearingSession::BatchEnd::stored) {
    context().metrics.observe_commit(std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - batch_started_));
  }
  if (end == HearingSession::BatchEnd::lost && lost_) lost_(*session_.moved_to());
  auto tasks = std::move(idle_tasks_);
  idle_tasks_.clear();
  for (auto& fn : tasks) fn();
  next_batch();
}

// The store calls the session hands out (reads, and token issues on the writer connection) run on any I/O
// thread but the hearing's strand: a call blocks only that thread. `then` takes the result back on the
// strand. Each call is counted until it is back, so a drain waits for it.
template <class Work, class Then>
void LiveHearing::off_strand(Work work, Then then) {
  ++store_calls_in_flight_;
  asio::post(strand_.get_inner_executor(), [self = shared_from_this(), work = std::move(work),
                                            then = std::move(then)]() mutable {
    auto result = work(*self);
    asio::post(self->strand_, [self, then = std::move(then), result = std::move(result)]() mutable {
      --self->store_calls_in_flight_;
      then(*self, std::move(result));
      self->next_batch();  // what it queued, if anything; and a drain waiting for it
    });
  });
}

// Arms `timer` (once: `armed` says it is) for `due` on the server's clock; `then` runs on the strand when it
// fires. Nothing when the session wants nothing.
template <class Then>
void LiveHearing::arm(boost::asio::steady_timer& timer, bool& armed, std::optional<core::TimeMs> due,
                      Then then) {
  if (!due || armed) return;
  armed = true;
  timer.expires_after(std::chrono::milliseconds(std::max<core::TimeMs>(0, *due - context().clock.now())));
  timer.async_wait(asio::bind_executor(
      strand_, [self = shared_from_this(), &armed, then = std::move(then)](boost::system::error_code ec) {
        armed = false;
        if (!ec) then(*self);
      }));
}

void LiveHearing::schedule() {
  for (auto& lookup : session_.take_vote_lookups()) {
    off_strand(
        [lookup](LiveHearing& h) { return HearingSession::stored_vote_ack(h.context(), h.id(), lookup); },
        [lookup](LiveHearing& h, std::optional<std::string> ack) mutable {
          h.session_.looked_up(std::move(lookup), std::move(ack));
        });
  }
  for (auto& issue : session_.take_token_issues()) {
    off_strand([issue](LiveHearing& h) { return HearingSession::issue_tokens(h.context(), h.id(), issue); },
               [issue](LiveHearing& h, core::Result<std::vector<store::IssuedToken>> issued) {
                 h.session_.tokens_issued(issue, issued);
               });
  }
  for (auto& check : session_.take_receipt_checks()) {
    off_strand(
        [check](LiveHearing& h) {
          HearingSession::answer_receipt_check(h.context(), h.id(), check);
          return true;
        },
        [](LiveHearing&, bool) {});
  }
  arm(tally_timer_, tally_timer_armed_, session_.tick_due(), [](LiveHearing& h) {
    h.session_.tick(h.context().clock.now());
    h.schedule();
  });
  arm(batch_timer_, batch_timer_armed_, session_.batch_due(), [](LiveHearing& h) { h.next_batch(); });
  if (session_.spreading() && !spread_posted_) {
    spread_posted_ = true;
    // Posted, not run on: the slice just queued and whatever else waits (reads, commits, acks) go first.
    asio::post(strand_, [self = shared_from_this()] {
      self->spread_posted_ = false;
      self->session_.spread();
      self->schedule();
    });
  }
}

}  // namespace dais::net
