#pragma once
// Every enum's wire names, in one table per enum and one way to use them: name_of(value) and
// value_named<E>(name). The wire codecs (wire.hpp), the definition reader, the views and the roles all read
// these tables; the schemas (protocol/) list the same names, and tests hold each table to its schema.
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "core/definition.hpp"
#include "core/roles.hpp"
#include "core/state.hpp"

namespace dais::core::wire {

template <class E>
using EnumNames = std::span<const std::pair<E, std::string_view>>;

inline constexpr std::pair<Role, std::string_view> kRoleNames[] = {
    {Role::chair, "chair"},           {Role::secretary, "secretary"}, {Role::presenter, "presenter"},
    {Role::questioner, "questioner"}, {Role::voter, "voter"},         {Role::display, "display"},
    {Role::scrutineer, "scrutineer"}};
inline constexpr std::pair<Phase, std::string_view> kPhaseNames[] = {{Phase::draft, "draft"},
                                                                     {Phase::check_in, "check_in"},
                                                                     {Phase::in_session, "in_session"},
                                                                     {Phase::paused, "paused"},
                                                                     {Phase::adjourned, "adjourned"}};
inline constexpr std::pair<Stage, std::string_view> kStageNames[] = {
    {Stage::waiting, "waiting"},       {Stage::reporting, "reporting"}, {Stage::questioning, "questioning"},
    {Stage::evaluating, "evaluating"}, {Stage::done, "done"},           {Stage::skipped, "skipped"}};
inline constexpr std::pair<TimerKind, std::string_view> kTimerNames[] = {{TimerKind::report, "report"},
                                                                         {TimerKind::qa, "qa"}};
inline constexpr std::pair<ReportMode, std::string_view> kReportModeNames[] = {
    {ReportMode::oral, "oral"}, {ReportMode::written, "written"}};
inline constexpr std::pair<SlotKind, std::string_view> kSlotKindNames[] = {
    {SlotKind::presenter, "presenter"}, {SlotKind::remark, "remark"}, {SlotKind::recess, "break"}};
inline constexpr std::pair<InquiryStatus, std::string_view> kInquiryStatusNames[] = {
    {InquiryStatus::submitted, "submitted"}, {InquiryStatus::approved, "approved"},
    {InquiryStatus::rejected, "rejected"},   {InquiryStatus::asking, "asking"},
    {InquiryStatus::answered, "answered"},   {InquiryStatus::withdrawn, "withdrawn"}};
inline constexpr std::pair<BallotStatus, std::string_view> kBallotStatusNames[] = {
    {BallotStatus::pending, "pending"},
    {BallotStatus::open, "open"},
    {BallotStatus::closed, "closed"},
    {BallotStatus::published, "published"},
    {BallotStatus::voided, "voided"}};
inline constexpr std::pair<DisplayMode, std::string_view> kDisplayModeNames[] = {
    {DisplayMode::automatic, "auto"},  {DisplayMode::current, "current"},
    {DisplayMode::asking, "asking"},   {DisplayMode::tally, "tally"},
    {DisplayMode::results, "results"}, {DisplayMode::attendance, "attendance"},
    {DisplayMode::message, "message"}, {DisplayMode::blank, "blank"}};
// The definition's settings and ballot templates.
inline constexpr std::pair<BallotScope, std::string_view> kBallotScopeNames[] = {
    {BallotScope::per_presenter, "per_presenter"}, {BallotScope::combined, "combined"}};
inline constexpr std::pair<ChangePolicy, std::string_view> kChangePolicyNames[] = {
    {ChangePolicy::first_press, "first_press"}, {ChangePolicy::until_close, "until_close"}};
inline constexpr std::pair<Comparison, std::string_view> kComparisonNames[] = {
    {Comparison::at_least, "at_least"},
    {Comparison::more_than, "more_than"},
    {Comparison::less_than, "less_than"},
    {Comparison::at_most, "at_most"}};
inline constexpr std::pair<ShareBase, std::string_view> kShareBaseNames[] = {
    {ShareBase::valid, "valid"}, {ShareBase::cast, "cast"}, {ShareBase::members, "members"}};
inline constexpr std::pair<Metric, std::string_view> kMetricNames[] = {{Metric::satisfaction, "satisfaction"},
                                                                       {Metric::points, "points"}};
inline constexpr std::pair<LiveResults, std::string_view> kLiveResultsNames[] = {
    {LiveResults::everyone, "everyone"},
    {LiveResults::chair_and_display, "chair_and_display"},
    {LiveResults::chair, "chair"},
    {LiveResults::nobody, "nobody"}};
inline constexpr std::pair<ResultsRelease, std::string_view> kResultsReleaseNames[] = {
    {ResultsRelease::on_site, "on_site"}, {ResultsRelease::later, "later"}};

// One overload per enum. An enum of another header adds its own in namespace dais::core, found by argument-
// dependent lookup (view.cpp: Section).
constexpr EnumNames<Role> names_of(Role) {
  return kRoleNames;
}
constexpr EnumNames<Phase> names_of(Phase) {
  return kPhaseNames;
}
constexpr EnumNames<Stage> names_of(Stage) {
  return kStageNames;
}
constexpr EnumNames<TimerKind> names_of(TimerKind) {
  return kTimerNames;
}
constexpr EnumNames<ReportMode> names_of(ReportMode) {
  return kReportModeNames;
}
constexpr EnumNames<SlotKind> names_of(SlotKind) {
  return kSlotKindNames;
}
constexpr EnumNames<InquiryStatus> names_of(InquiryStatus) {
  return kInquiryStatusNames;
}
constexpr EnumNames<BallotStatus> names_of(BallotStatus) {
  return kBallotStatusNames;
}
constexpr EnumNames<DisplayMode> names_of(DisplayMode) {
  return kDisplayModeNames;
}
constexpr EnumNames<BallotScope> names_of(BallotScope) {
  return kBallotScopeNames;
}
constexpr EnumNames<ChangePolicy> names_of(ChangePolicy) {
  return kChangePolicyNames;
}
constexpr EnumNames<Comparison> names_of(Comparison) {
  return kComparisonNames;
}
constexpr EnumNames<ShareBase> names_of(ShareBase) {
  return kShareBaseNames;
}
constexpr EnumNames<Metric> names_of(Metric) {
  return kMetricNames;
}
constexpr EnumNames<LiveResults> names_of(LiveResults) {
  return kLiveResultsNames;
}
constexpr EnumNames<ResultsRelease> names_of(ResultsRelease) {
  return kResultsReleaseNames;
}

template <class E>
constexpr std::string_view name_of(E value) {
  for (const auto& [v, name] : names_of(value)) {
    if (v == value) return name;
  }
  return "unknown";
}

template <class E>
constexpr std::optional<E> value_named(std::string_view name) {
  for (const auto& [v, n] : names_of(E{})) {
    if (n == name) return v;
  }
  return std::nullopt;
}

}  // namespace dais::core::wire
