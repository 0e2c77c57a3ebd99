// Inquiries (质询): submitted → approved | rejected → asking → answered, or withdrawn by the author before
// they are asked; follow-ups (追问) hang under a parent in the same slot.
#include <algorithm>

#include "core/decide.hpp"

namespace dais::core {
namespace {

constexpr std::size_t kMaxInquiryChars = 2000;
constexpr std::size_t kMaxReasonChars = 500;
constexpr std::size_t kMaxSummaryChars = 4000;
constexpr std::size_t kMaxCommitmentChars = 1000;
// Inquiries one author may have waiting for moderation; keeps a flood from burying the chair's queue. What
// one author may submit in all is settings.inquiries_per_author.
constexpr std::int64_t kMaxAwaitingPerAuthor = 20;

// Inquiries are taken and moderated before and during the hearing, not after it.
std::optional<Error> require_not_adjourned(const HearingState& s) {
  return require_phase(s, {Phase::draft, Phase::check_in, Phase::in_session, Phase::paused});
}

Result<const Inquiry*> find_inquiry(const HearingState& s, const InquiryId& id,
                                    const std::string& field = "/inquiry") {
  const auto it = s.inquiries.find(id);
  if (it == s.inquiries.end()) return make_error(ErrorCode::not_found, "no inquiry '" + id + "'", field);
  return &it->second;
}

bool is_one_of(InquiryStatus status, std::initializer_list<InquiryStatus> allowed) {
  for (InquiryStatus a : allowed) {
    if (a == status) return true;
  }
  return false;
}

Error not_now(const Inquiry& q, const std::string& what) {
  return make_error(ErrorCode::wrong_stage, "inquiry " + q.id + " cannot be " + what + " now", "/inquiry");
}

struct AuthorCount {
  std::int64_t all = 0;       // in every status
  std::int64_t awaiting = 0;  // submitted, not yet moderated
};

AuthorCount inquiries_by(const HearingState& s, const ParticipantId& author) {
  AuthorCount count;
  for (const auto& [id, q] : s.inquiries) {
    if (q.author != author) continue;
    ++count.all;
    if (q.status == InquiryStatus::submitted) ++count.awaiting;
  }
  return count;
}

std::optional<Error> check_parent(const Context& ctx, const SubmitInquiry& cmd, const Inquiry& parent) {
  if (parent.slot != cmd.slot) {
    return make_error(ErrorCode::invalid, "a follow-up belongs to its parent's slot", "/parent");
  }
  // Questioners follow up on what is being asked or was answered; the chair may also follow up on a question
  // still in the queue.
  const bool chair = ctx.actor.roles.has(Role::chair);
  const bool open = chair ? is_one_of(parent.status, {InquiryStatus::approved, InquiryStatus::asking,
                                                      InquiryStatus::answered})
                          : is_one_of(parent.status, {InquiryStatus::asking, InquiryStatus::answered});
  if (!open)
    return make_error(ErrorCode::wrong_stage, "inquiry " + parent.id + " is not open to follow-ups",
                      "/parent");
  return std::nullopt;
}

}  // namespace

Decision decide_command(const Context& ctx, const SubmitInquiry& cmd) {
  if (auto e = require_not_adjourned(ctx.state)) return *e;
  const Slot* slot = ctx.state.slot(cmd.slot);
  if (slot == nullptr) return make_error(ErrorCode::not_found, "no slot '" + cmd.slot + "'", "/slot");
  if (auto e = require_presenter_slot(slot->def, "/slot", "takes no inquiries")) return *e;
  if (slot->stage == Stage::done || slot->stage == Stage::skipped) {
    return make_error(ErrorCode::wrong_stage, "slot " + cmd.slot + " takes no more inquiries", "/slot");
  }
  if (auto e = check_text(cmd.text, kMaxInquiryChars, "/text")) return *e;
  const AuthorCount count = inquiries_by(ctx.state, ctx.actor.id);
  const std::int64_t most = ctx.state.def.settings.inquiries_per_author;
  // The chair runs the hearing and follows up as it goes; the bound is on what a questioner can add.
  if (!ctx.actor.roles.has(Role::chair) && count.all >= most) {
    return make_error(ErrorCode::conflict, "you have submitted " + std::to_string(count.all) +
                                               " inquiries, the most one questioner may in this hearing "
                                               "(withdrawn and rejected ones count too)");
  }
  if (count.awaiting >= kMaxAwaitingPerAuthor) {
    return make_error(ErrorCode::conflict,
                      std::to_string(kMaxAwaitingPerAuthor) +
                          " of your inquiries are waiting for moderation; wait for the chair");
  }
  if (cmd.parent) {
    auto parent = find_inquiry(ctx.state, *cmd.parent, "/parent");
    if (!parent) return parent.error();
    if (auto e = check_parent(ctx, cmd, **parent)) return *e;
  }
  Inquiry q;
  q.id = "I" + std::to_string(ctx.state.next_inquiry);
  q.slot = cmd.slot;
  q.author = ctx.actor.id;
  q.text = trim(cmd.text);
  q.parent = cmd.parent;
  q.submitted_at = ctx.now;
  Events events{ctx.event(InquirySubmitted{q})};
  // The chair moderates; its own follow-up needs no moderation.
  if (cmd.parent && ctx.actor.roles.has(Role::chair)) events.push_back(ctx.event(InquiryApproved{q.id}));
  return events;
}

Decision decide_command(const Context& ctx, const WithdrawInquiry& cmd) {
  if (auto e = require_not_adjourned(ctx.state)) return *e;
  auto q = find_inquiry(ctx.state, cmd.inquiry);
  if (!q) return q.error();
  if ((*q)->author != ctx.actor.id) {
    return make_error(ErrorCode::not_allowed, "only its author may withdraw an inquiry", "/inquiry");
  }
  if (!is_one_of((*q)->status, {InquiryStatus::submitted, InquiryStatus::approved}))
    return not_now(**q, "withdrawn");
  return ctx.one(InquiryWithdrawn{cmd.inquiry});
}

Decision decide_command(const Context& ctx, const ApproveInquiry& cmd) {
  if (auto e = require_not_adjourned(ctx.state)) return *e;
  auto q = find_inquiry(ctx.state, cmd.inquiry);
  if (!q) return q.error();
  if ((*q)->status != InquiryStatus::submitted) return not_now(**q, "approved");
  return ctx.one(InquiryApproved{cmd.inquiry});
}

Decision decide_command(const Context& ctx, const RejectInquiry& cmd) {
  if (auto e = require_not_adjourned(ctx.state)) return *e;
  auto q = find_inquiry(ctx.state, cmd.inquiry);
  if (!q) return q.error();
  // An approved inquiry still waiting in the queue may be taken out again, with a reason.
  if (!is_one_of((*q)->status, {InquiryStatus::submitted, InquiryStatus::approved}))
    return not_now(**q, "rejected");
  if (auto e = check_text(cmd.reason, kMaxReasonChars, "/reason")) return *e;
  return ctx.one(InquiryRejected{cmd.inquiry, trim(cmd.reason)});
}

Decision decide_command(const Context& ctx, const OrderInquiries& cmd) {
  if (auto e = require_not_adjourned(ctx.state)) return *e;
  if (ctx.state.slot(cmd.slot) == nullptr) {
    return make_error(ErrorCode::not_found, "no slot '" + cmd.slot + "'", "/slot");
  }
  const auto it = ctx.state.queue.find(cmd.slot);
  const std::vector<InquiryId> none;
  if (!is_permutation_of(cmd.order, it == ctx.state.queue.end() ? none : it->second)) {
    return make_error(ErrorCode::invalid,
                      "the order must name every approved inquiry of the slot exactly once", "/order");
  }
  return ctx.one(QueueReordered{cmd.slot, cmd.order});
}

Decision decide_command(const Context& ctx, const AskInquiry& cmd) {
  if (auto e = require_phase(ctx.state, {Phase::in_session})) return *e;
  auto q = find_inquiry(ctx.state, cmd.inquiry);
  if (!q) return q.error();
  if ((*q)->status != InquiryStatus::approved) return not_now(**q, "asked");
  const Slot* slot = ctx.state.slot((*q)->slot);
  if (ctx.state.current_slot != (*q)->slot || slot == nullptr || slot->stage != Stage::questioning) {
    return make_error(ErrorCode::wrong_stage,
                      "inquiries are asked while their slot is current and questioning", "/inquiry");
  }
  if (ctx.state.asking) {
    return make_error(ErrorCode::conflict, "inquiry " + *ctx.state.asking + " is being asked", "/inquiry");
  }
  return ctx.one(InquiryAsked{cmd.inquiry});
}

Decision decide_command(const Context& ctx, const AnswerInquiry& cmd) {
  auto q = find_inquiry(ctx.state, cmd.inquiry);
  if (!q) return q.error();
  if ((*q)->status != InquiryStatus::asking) return not_now(**q, "answered");
  // A summary may follow later in the minutes; an empty one is allowed.
  if (auto e = check_text(cmd.summary, kMaxSummaryChars, "/summary", true)) return *e;
  return ctx.one(InquiryAnswered{cmd.inquiry, trim(cmd.summary)});
}

Decision decide_command(const Context& ctx, const RecordCommitment& cmd) {
  auto q = find_inquiry(ctx.state, cmd.inquiry);
  if (!q) return q.error();
  if (!is_one_of((*q)->status, {InquiryStatus::asking, InquiryStatus::answered})) {
    return not_now(**q, "given a commitment");
  }
  if (auto e = check_text(cmd.text, kMaxCommitmentChars, "/text")) return *e;
  if (!is_iso_date(cmd.due)) return make_error(ErrorCode::invalid, "the due date is YYYY-MM-DD", "/due");
  return ctx.one(CommitmentRecorded{cmd.inquiry, Commitment{trim(cmd.text), cmd.due}});
}

Decision decide_command(const Context& ctx, const UpvoteInquiry& cmd) {
  if (auto e = require_not_adjourned(ctx.state)) return *e;
  auto q = find_inquiry(ctx.state, cmd.inquiry);
  if (!q) return q.error();
  if ((*q)->author == ctx.actor.id)
    return make_error(ErrorCode::invalid, "cannot upvote one's own inquiry", "/inquiry");
  if (!is_one_of((*q)->status, {InquiryStatus::approved, InquiryStatus::asking}))
    return not_now(**q, "upvoted");
  if ((*q)->upvoters.contains(ctx.actor.id))
    return make_error(ErrorCode::conflict, "already upvoted", "/inquiry");
  return ctx.one(InquiryUpvoted{cmd.inquiry, ctx.actor.id});
}

}  // namespace dais::core
