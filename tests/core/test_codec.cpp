// JSON of commands, events and the state: names, round trips, and errors that point at the bad field.
#include <set>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fixtures.hpp"

namespace dais::core {
namespace {

using nlohmann::json;
using testing::TestHearing;

template <class V, std::size_t... I>
std::vector<V> every_alternative(std::index_sequence<I...>) {
  return {V{std::in_place_index<I>}...};
}

TEST(CommandCodec, EveryCommandHasASnakeCaseNameAndRoundTrips) {
  const auto all = every_alternative<Command>(std::make_index_sequence<std::variant_size_v<Command>>{});
  std::set<std::string_view> names;
  for (const Command& c : all) {
    const json j = to_json(c);
    EXPECT_EQ(j.at("type"), command_name(c));
    auto back = command_from_json(j);
    ASSERT_TRUE(back) << j.dump() << ": " << back.error().message << " " << back.error().field;
    EXPECT_EQ(back->index(), c.index());
    EXPECT_EQ(to_json(*back), j);
    names.insert(command_name(c));
  }
  EXPECT_EQ(names.size(), all.size());
  EXPECT_EQ(all_command_names().size(), all.size());
  EXPECT_EQ(command_name(Command{SubmitInquiry{}}), "submit_inquiry");
  EXPECT_EQ(command_name(Command{OpenCheckIn{}}), "open_check_in");
  EXPECT_EQ(command_name(Command{CastSheet{}}), "cast_sheet");
}

TEST(CommandCodec, FieldsTravelUnderTheirMemberNames) {
  const json j = to_json(Command{CastSheet{"B1", {{"S1", {{"duty", {"good"}}}}}, testing::receipt(1)}});
  EXPECT_EQ(j, json::parse(
                   R"({"type":"cast_sheet","ballot":"B1","marks":{"S1":{"duty":["good"]}},"receipt_hash":")" +
                   testing::receipt(1) + "\"}"));
  const json stage = to_json(Command{BeginStage{"S2", Stage::questioning}});
  EXPECT_EQ(stage, json::parse(R"({"type":"begin_stage","slot":"S2","stage":"questioning"})"));
  // An absent optional is left out, and reads back as absent.
  EXPECT_EQ(to_json(Command{CheckIn{}}), json::parse(R"({"type":"check_in"})"));
  auto c = command_from_json(json::parse(R"({"type":"check_in","participant":null})"));
  ASSERT_TRUE(c);
  EXPECT_FALSE(std::get<CheckIn>(*c).participant.has_value());
}

TEST(CommandCodec, ErrorsNameTheOffendingField) {
  auto field_of = [](const char* text) {
    auto r = command_from_json(json::parse(text));
    EXPECT_FALSE(r) << text;
    if (r) return std::string("accepted");
    EXPECT_EQ(r.error().code, ErrorCode::invalid);
    return r.error().field;
  };
  EXPECT_EQ(field_of(R"({"type":"launch_rocket"})"), "/type");
  EXPECT_EQ(field_of(R"({"inquiry":"I1"})"), "/type");
  EXPECT_EQ(field_of(R"([1,2])"), "/");
  EXPECT_EQ(field_of(R"({"type":"approve_inquiry"})"), "/inquiry");
  EXPECT_EQ(field_of(R"({"type":"approve_inquiry","inquiry":7})"), "/inquiry");
  EXPECT_EQ(field_of(R"({"type":"begin_stage","slot":"S1","stage":"singing"})"), "/stage");
  EXPECT_EQ(field_of(R"({"type":"extend_timer","slot":"S1","timer":"qa","seconds":1.5})"), "/seconds");
  EXPECT_EQ(field_of(R"({"type":"cast_sheet","ballot":"B1","receipt_hash":"x","marks":{"S1":{"duty":[3]}}})"),
            "/marks/S1/duty/0");
  EXPECT_EQ(
      field_of(R"({"type":"cast_sheet","ballot":"B1","receipt_hash":"x","marks":{"a/b":{"duty":[3]}}})"),
      "/marks/a~1b/duty/0");
  EXPECT_EQ(field_of(R"({"type":"reorder_agenda","order":"S1"})"), "/order");
  // A remark or a break has no presenter, so the wire asks for the title first; the engine asks a presenter's
  // slot for its presenter (test_agenda_kinds.cpp).
  EXPECT_EQ(field_of(R"({"type":"insert_slot","position":0,"slot":{"id":"S9"}})"), "/slot/title");
}

TEST(EventCodec, EveryEventRoundTripsWithItsTime) {
  const auto all = every_alternative<EventBody>(std::make_index_sequence<std::variant_size_v<EventBody>>{});
  std::set<std::string_view> names;
  for (const EventBody& body : all) {
    Event e{1234, body};
    if (auto* stored = std::get_if<SheetStored>(&e.body)) stored->voter = "V1";  // the logged, named kind
    if (is_secret(e)) {  // a held count: never logged, no time
      EXPECT_FALSE(to_json(e).contains("at"));
      names.insert(event_name(e.body));
      continue;
    }
    const json j = to_json(e);
    EXPECT_EQ(j.at("type"), event_name(e.body));
    EXPECT_EQ(j.at("at"), 1234);
    auto back = event_from_json(j);
    ASSERT_TRUE(back) << j.dump() << ": " << back.error().message;
    EXPECT_EQ(back->at, 1234);
    EXPECT_EQ(to_json(*back), j);
    names.insert(event_name(e.body));
  }
  EXPECT_EQ(names.size(), all.size());
  EXPECT_EQ(event_name(EventBody{InquirySubmitted{}}), "inquiry_submitted");
  EXPECT_EQ(event_name(EventBody{LiveTallyRefreshed{}}), "live_tally_refreshed");
}

TEST(EventCodec, AnAnonymousSheetIsSecretAndCarriesNeitherTimeNorVoter) {
  const Event secret{0, SheetStored{"B1", std::nullopt, testing::receipt(7), BoxEntry{"members", {}}}};
  EXPECT_TRUE(is_secret(secret));
  const json j = to_json(secret);
  EXPECT_FALSE(j.contains("at"));
  EXPECT_FALSE(j.contains("voter"));
  auto back = event_from_json(j);
  ASSERT_TRUE(back);
  EXPECT_TRUE(is_secret(*back));
  // A time on a secret event is refused rather than silently dropped.
  json timed = j;
  timed["at"] = 5;
  EXPECT_EQ(event_from_json(timed).error().field, "/at");

  EXPECT_FALSE(is_secret(Event{0, SheetStored{"B1", "V1", testing::receipt(7), {}}}));
  EXPECT_FALSE(is_secret(Event{0, SheetRecorded{"B1", "V1", false}}));
  json untimed = to_json(Event{5, SheetRecorded{"B1", "V1", false}});
  untimed.erase("at");
  EXPECT_EQ(event_from_json(untimed).error().field, "/at");
}

TEST(StateCodec, ARunningHearingRoundTripsByteForByte) {
  TestHearing h;
  h.start();
  h.ok("Q1", SubmitInquiry{"S1", "请谈谈整改落实情况", std::nullopt});
  h.ok("chair", ApproveInquiry{"I1"});
  h.to_questioning("S1");
  const TimeMs questioning_since = h.now;
  h.ok("chair", AskInquiry{"I1"});
  h.ok("chair", CreateBallot{"each", "S1"});
  h.ok("chair", OpenBallot{"B1"});
  h.ok("V1", CastSheet{"B1", testing::marks_for({"S1"}, {"duty", "integrity"}, "good"), testing::receipt(1)});

  const json j = state_to_json(h.state);
  auto back = state_from_json(j);
  ASSERT_TRUE(back) << back.error().message << " at " << back.error().field;
  EXPECT_EQ(*back, h.state);
  EXPECT_EQ(state_to_json(*back).dump(), j.dump());
  EXPECT_EQ(j.at("agenda").at(0).at("qa").at("running_since"), questioning_since);
}

TEST(StateCodec, APublicCopyHoldsNoBoxAndRebuildsFromIt) {
  TestHearing h;
  h.start();
  h.ok("chair", CreateBallot{"combined", std::nullopt});
  h.ok("chair", OpenBallot{"B1"});
  std::vector<Event> secret;
  for (int i = 1; i <= 5; ++i) {
    const std::string v = "V" + std::to_string(i);
    for (const Event& e :
         h.ok(v, CastSheet{"B1", testing::marks_for({"S1", "S2", "S3"}, {"overall"}, "satisfied"),
                           testing::receipt(i)})) {
      if (is_secret(e)) secret.push_back(e);
    }
  }
  ASSERT_EQ(secret.size(), 6u);  // five sheets and the count held at the step of k = 3
  const json pub = state_to_json(h.state, false);
  EXPECT_FALSE(pub.at("ballots").at("B1").contains("box"));
  EXPECT_FALSE(pub.at("ballots").at("B1").contains("held"));
  EXPECT_FALSE(pub.at("ballots").at("B1").contains("tally"));
  EXPECT_TRUE(pub.at("ballots").at("B1").contains("live"));
  auto back = state_from_json(pub);
  ASSERT_TRUE(back) << back.error().message << " at " << back.error().field;
  EXPECT_NE(*back, h.state);
  for (const Event& e : secret) apply(*back, e);
  EXPECT_EQ(state_to_json(*back).dump(), state_to_json(h.state).dump());
}

TEST(StateCodec, ASnapshotThatDoesNotHoldTogetherIsRefused) {
  TestHearing h;
  h.start();
  h.ok("Q1", SubmitInquiry{"S1", "问题", std::nullopt});
  h.ok("chair", CreateBallot{"each", "S1"});
  const json good = state_to_json(h.state);
  auto broken = [&](const char* pointer, json value) {
    json j = good;
    j[json::json_pointer(pointer)] = std::move(value);
    auto r = state_from_json(j);
    EXPECT_FALSE(r) << pointer;
    return r ? std::string("accepted") : r.error().field;
  };
  EXPECT_EQ(broken("/ballots/B1/template_id", "gone"), "/ballots/B1/template_id");
  EXPECT_EQ(broken("/ballots/B1/slots/0", "S99"), "/ballots/B1/slots");
  EXPECT_EQ(broken("/inquiries/I1/slot", "S99"), "/inquiries/I1/slot");
  EXPECT_EQ(broken("/current_slot", "S99"), "/current_slot");
  EXPECT_EQ(broken("/asking", "I9"), "/asking");
  EXPECT_EQ(broken("/ballot_order/0", "B9"), "/ballot_order");
  EXPECT_EQ(broken("/agenda/0/def/presenter", "nobody"), "/agenda/0/def/presenter");
}

TEST(StateCodec, ABrokenSnapshotNamesTheField) {
  TestHearing h;
  json j = state_to_json(h.state);
  j["phase"] = "lunch";
  EXPECT_EQ(state_from_json(j).error().field, "/phase");
  j = state_to_json(h.state);
  j["definition"].erase("title");
  auto r = state_from_json(j);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field.rfind("/definition", 0), 0u) << r.error().field;
  j = state_to_json(h.state);
  j.erase("event_count");
  EXPECT_EQ(state_from_json(j).error().field, "/event_count");
}

}  // namespace
}  // namespace dais::core
