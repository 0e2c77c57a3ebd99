// The protocol's server side without sockets: schemas, settings, paths, exports.
#include <gtest/gtest.h>

#include <dais/schemas.hpp>
#include <nlohmann/json.hpp>

#include "core/command.hpp"
#include "net/exports.hpp"
#include "net/http_routes.hpp"
#include "net/metrics.hpp"
#include "net/options.hpp"
#include "net/protocol.hpp"

namespace dais::net {
namespace {

using nlohmann::json;

std::shared_ptr<const MessageSchemas> schemas() {
  auto s = MessageSchemas::load();
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return *s;
}

TEST(MessageSchemas, EveryClientMessageHasOneWhoseTypeMatchesItsFileName) {
  auto s = schemas();
  for (auto name : core::all_command_names()) EXPECT_TRUE(s->knows(name)) << name;
  for (auto name : {"hello", "ping", "issue_tokens", "check_receipt"}) EXPECT_TRUE(s->knows(name)) << name;
  EXPECT_FALSE(s->knows("welcome"));  // server messages are not accepted from clients
  for (const auto& [file, text] : protocol::schema_files()) {
    const json doc = json::parse(text);
    if (!doc.contains("properties") || !doc["properties"].contains("type")) continue;
    EXPECT_EQ(doc["properties"]["type"]["const"].get<std::string>() + ".schema.json", file);
  }
}

// The engine's own encoding of each command, plus a request id, passes the command's schema: the two cannot
// drift apart unnoticed.
TEST(MessageSchemas, AcceptTheEnginesEncodingOfCommands) {
  auto s = schemas();
  const std::vector<core::Command> samples = {
      core::OpenCheckIn{},
      core::CheckIn{std::string("v001")},
      core::CallSlot{"s01"},
      core::BeginStage{"s01", core::Stage::reporting},
      core::ReorderAgenda{{"s02", "s01"}},
      core::InsertSlot{core::SlotDef{"s16", "p01", "区审计局", core::ReportMode::written, 480, 600}, 2},
      core::ExtendTimer{"s01", core::TimerKind::qa, 60},
      core::SubmitInquiry{"s01", "请说明整改时限。", std::string("I1")},
      core::RejectInquiry{"I2", "重复"},
      core::AnswerInquiry{"I2", ""},  // the engine takes an empty summary (it may follow in the minutes)
      core::OrderInquiries{"s01", {"I3", "I1"}},
      core::RecordCommitment{"I1", "30日内完成", "2026-03-31"},
      core::CreateBallot{"each", std::string("s01")},
      core::VoidBallot{"B1", "设备故障"},
      core::RevokeToken{"v001"},
      core::SetDisplay{core::DisplayMode::message, std::string("会议休息十分钟")},
      core::SetDisplay{core::DisplayMode::automatic, std::nullopt},
  };
  for (const auto& cmd : samples) {
    json j = core::to_json(cmd);
    j["id"] = "c1";
    Incoming in;
    const auto error = s->check(j.dump(), in);
    EXPECT_FALSE(error) << j.dump() << ": " << (error ? error->message + " at " + error->field : "");
  }
}

TEST(MessageSchemas, NameWhatIsWrong) {
  auto s = schemas();
  Incoming in;
  auto e = s->check("{not json", in);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "bad_message");
  e = s->check("[1,2]", in);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "bad_message");
  e = s->check(R"({"type":"open_the_pod_bay_doors","id":"c1"})", in);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "unknown_type");
  EXPECT_EQ(in.id, "c1");
  e = s->check(R"({"type":"welcome","id":"c1"})", in);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "unknown_type");
  e = s->check(R"({"type":"approve_inquiry","id":"c2","inquiry":7})", in);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "bad_message");
  EXPECT_EQ(e->field, "/inquiry");
  e = s->check(
      R"({"type":"cast_sheet","id":"c3","ballot":"B1","marks":{},"receipt":"xyz","idempotency_key":"k"})",
      in);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->field, "/receipt");
  e = s->check(R"({"type":"ping","id":"c4","extra":true})", in);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "bad_message");
  EXPECT_FALSE(s->check(R"({"type":"ping","id":"c5"})", in));
  EXPECT_EQ(in.type, "ping");
}

TEST(ServerMessages, ErrorsAndAcksAreWellFormed) {
  const json e = json::parse(error_text({"wrong_stage", "not now", "/inquiry"}, "c9"));
  EXPECT_EQ(e, json({{"type", "error"},
                     {"id", "c9"},
                     {"code", "wrong_stage"},
                     {"message", "not now"},
                     {"field", "/inquiry"}}));
  const std::string ack = ack_text("c1", 12, {{"ballot", "B1"}});
  const json again = json::parse(duplicate_ack_text(ack, "c7"));
  EXPECT_EQ(again["id"], "c7");
  EXPECT_EQ(again["seq"], 12);
  EXPECT_EQ(again["duplicate"], true);
  EXPECT_EQ(again["result"]["ballot"], "B1");
}

TEST(Options, ConfigThenEnvironmentThenFlags) {
  ServerOptions o;
  ASSERT_TRUE(
      apply_config(o, json{{"port", 9000}, {"bind", "0.0.0.0"}, {"tally_hz", 2}, {"max_queue_bytes", 4096}}));
  EXPECT_EQ(o.port, 9000);
  EXPECT_EQ(o.limits.max_queue_bytes, 4096u);
  auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "DAIS_PORT") return "9100";
    if (name == "DAIS_RATE_PER_S") return "7.5";
    return std::nullopt;
  };
  ASSERT_TRUE(apply_environment(o, env));
  EXPECT_EQ(o.port, 9100);
  EXPECT_DOUBLE_EQ(o.limits.rate_per_s, 7.5);
  EXPECT_EQ(o.bind, "0.0.0.0");
  ASSERT_TRUE(apply_setting(o, "port", json(0)));
  EXPECT_EQ(o.port, 0);
}

TEST(Options, RefuseUnknownNamesAndBadValues) {
  ServerOptions o;
  auto r = apply_config(o, json{{"prot", 1}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "prot");
  r = apply_setting(o, "port", json(70000));
  ASSERT_FALSE(r);
  EXPECT_EQ(o.port, 8080);
  r = apply_setting(o, "max_message_bytes", json("lots"));
  ASSERT_FALSE(r);
  auto env = [](const std::string& name) -> std::optional<std::string> {
    return name == "DAIS_THREADS" ? std::optional<std::string>("two") : std::nullopt;
  };
  r = apply_environment(o, env);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("DAIS_THREADS"), std::string::npos);
  EXPECT_GE(setting_names().size(), 20u);
}

TEST(SafePath, RefusesTraversalHoweverSpelled) {
  EXPECT_EQ(safe_path("/assets/app.js"), std::optional<std::string>("assets/app.js"));
  EXPECT_EQ(safe_path("/"), std::optional<std::string>(""));
  EXPECT_EQ(safe_path("/a%20b.txt"), std::optional<std::string>("a b.txt"));
  for (const char* bad : {"/../etc/passwd", "/assets/../../x", "/%2e%2e/etc/passwd", "/%2E%2E%2fetc", "/a/..",
                          "/x%00.js", "/a\\b", "/%5c..", "/%", "/%zz", "relative"}) {
    EXPECT_FALSE(safe_path(bad)) << bad;
  }
}

TEST(MimeTypes, ForTheClientsFiles) {
  EXPECT_EQ(mime_type("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(mime_type("assets/a.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mime_type("assets/a.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mime_type("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(mime_type("a.svg"), "image/svg+xml");
  EXPECT_EQ(mime_type("a.png"), "image/png");
  EXPECT_EQ(mime_type("favicon.ico"), "image/x-icon");
  EXPECT_EQ(mime_type("a.json"), "application/json");
  EXPECT_EQ(mime_type("a.woff2"), "font/woff2");
  EXPECT_EQ(mime_type("a.js.map"), "application/json");
  EXPECT_EQ(mime_type("README"), "application/octet-stream");
}

TEST(Exports, EscapeWhatTheyQuote) {
  EXPECT_EQ(html_escape("<script>alert('x')</script> & \""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;");
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("=SUM(A1)"), "'=SUM(A1)");
}

TEST(Metrics, RenderPrometheusText) {
  Metrics m;
  m.count_error("rate_limited");
  m.count_error("rate_limited");
  m.observe_commit(std::chrono::microseconds(1500));
  const std::string text = m.render();
  EXPECT_NE(text.find("dais_errors_total{code=\"rate_limited\"} 2"), std::string::npos);
  EXPECT_NE(text.find("dais_commit_latency_seconds_count 1"), std::string::npos);
  EXPECT_NE(text.find("dais_commit_latency_seconds_bucket{le=\"0.002\"} 1"), std::string::npos);
  EXPECT_NE(text.find("dais_commit_latency_seconds_bucket{le=\"0.001\"} 0"), std::string::npos);
  EXPECT_EQ(m.errors("rate_limited"), 2);
}

}  // namespace
}  // namespace dais::net
