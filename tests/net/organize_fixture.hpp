#pragma once
// Signing in to /organize in the net tests: accounts put straight into the hall's store, and a browser's
// cookie and CSRF token from a real sign-in over loopback.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "harness.hpp"
#include "store/passwords.hpp"

namespace dais::test {

// The ledger's and the review's tests: a day that is the same date in every time zone, and the unit of the
// demo hearing's slot s01.
inline constexpr core::TimeMs kMarch1 = 1'772'366'400'000;  // 2026-03-01 12:00 UTC
inline const std::string kUnit = "区政府（分管领域）";

inline constexpr const char* kOrganizerPassword = "correct horse battery";

// What a signed-in browser holds: the session cookie (name=value) and the CSRF token it sends on changes.
struct Browser {
  std::string cookie;
  std::string csrf;
};

inline void add_account(Hall& hall, const std::string& name, const std::string& role) {
  store::Account a;
  a.name = name;
  a.role = role;
  a.password_hash = store::hash_password(kOrganizerPassword);
  a.created_ms = hall.clock().now();
  ASSERT_TRUE(hall.store().add_account(a));
}

inline HttpReply log_in(Hall& hall, const std::string& name, const std::string& password) {
  return http_request(hall.port(), "POST", "/organize/api/login",
                      json{{"name", name}, {"password", password}}.dump());
}

inline Browser sign_in(Hall& hall, const std::string& name) {
  HttpReply r = log_in(hall, name, kOrganizerPassword);
  EXPECT_EQ(r.status, 200) << r.body;
  const std::string set = r.headers["set-cookie"];
  return Browser{set.substr(0, set.find(';')), json::parse(r.body, nullptr, false).value("csrf", "")};
}

// A request as the browser sends it: its cookie always, its CSRF token on anything but GET.
inline HttpReply browse(Hall& hall, const Browser& b, std::string_view method, const std::string& target,
                        const std::string& body = "") {
  std::map<std::string, std::string> headers{{"Cookie", b.cookie}};
  if (method != "GET") headers["X-CSRF-Token"] = b.csrf;
  return http_request(hall.port(), method, target, body, headers);
}

// In session: s01 called and questioned, the inquiry approved, asked and answered with two commitments, due
// in February and in June — what the ledger and a review hearing (回头看) are made of.
inline void question_with_two_commitments(Client& chair, Client& secretary, Client& questioner) {
  expect_ack(chair.request({{"type", "call_slot"}, {"slot", "s01"}}));
  expect_ack(chair.request({{"type", "begin_stage"}, {"slot", "s01"}, {"stage", "reporting"}}));
  expect_ack(chair.request({{"type", "begin_stage"}, {"slot", "s01"}, {"stage", "questioning"}}));
  const json submitted =
      questioner.request({{"type", "submit_inquiry"}, {"slot", "s01"}, {"text", "河道整治何时完成？"}});
  expect_ack(submitted);
  const std::string inquiry = submitted["result"]["inquiry"];
  expect_ack(chair.request({{"type", "approve_inquiry"}, {"inquiry", inquiry}}));
  expect_ack(chair.request({{"type", "ask_inquiry"}, {"inquiry", inquiry}}));
  expect_ack(
      secretary.request({{"type", "answer_inquiry"}, {"inquiry", inquiry}, {"summary", "年内完成。"}}));
  expect_ack(secretary.request({{"type", "record_commitment"},
                                {"inquiry", inquiry},
                                {"text", "2月中旬前完成清淤"},
                                {"due", "2026-02-15"}}));
  expect_ack(secretary.request({{"type", "record_commitment"},
                                {"inquiry", inquiry},
                                {"text", "6月底前建立长效机制"},
                                {"due", "2026-06-30"}}));
}

}  // namespace dais::test
