// The HTTP side of the port: the web client's files with their types and cache headers, join links, health,
// metrics, path traversal, request limits, and a clean stop.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "core/engine.hpp"
#include "core/view.hpp"
#include "harness.hpp"
#include "net/exports.hpp"

namespace dais::test {
namespace {

namespace fs = std::filesystem;

struct WebRoot {
  fs::path dir;
  WebRoot() {
    std::string pattern = (fs::temp_directory_path() / "dais-web-XXXXXX").string();
    dir = ::mkdtemp(pattern.data());
    fs::create_directories(dir / "assets");
    write("index.html", "<!doctype html><title>Dais</title>");
    write("assets/app-3f2a9c.js", "console.log('dais')");
    write("assets/app-3f2a9c.css", "body{}");
    write("assets/font-1.woff2", "wOF2");
    write("favicon.ico", "ico");
    fs::create_directories(dir.parent_path() / (dir.filename().string() + "-secret"));
    std::ofstream(dir.parent_path() / (dir.filename().string() + "-secret") / "db.txt") << "secret";
  }
  ~WebRoot() {
    std::error_code ec;
    fs::remove_all(dir.parent_path() / (dir.filename().string() + "-secret"), ec);
    fs::remove_all(dir, ec);
  }
  void write(const std::string& name, const std::string& text) const { std::ofstream(dir / name) << text; }
};

// Sends raw bytes and returns the status code of the answer (for targets an HTTP library would clean up).
int raw_status(std::uint16_t port, const std::string& request) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket s(ioc);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(s, boost::asio::buffer(request));
  std::string reply(12, '\0');
  boost::system::error_code ec;
  boost::asio::read(s, boost::asio::buffer(reply), ec);
  return reply.rfind("HTTP/1.1 ", 0) == 0 ? std::stoi(reply.substr(9, 3)) : -1;
}

TEST(Http, ServesTheClientWithTypesAndCacheHeaders) {
  WebRoot web;
  Hall hall;
  hall.options.web = web.dir;
  hall.start();
  HttpReply r = http_get(hall.port(), "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(r.headers["cache-control"], "no-cache");
  r = http_get(hall.port(), "/assets/app-3f2a9c.js");
  EXPECT_EQ(r.body, "console.log('dais')");
  EXPECT_EQ(r.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(r.headers["cache-control"], "public, max-age=31536000, immutable");
  EXPECT_EQ(http_get(hall.port(), "/assets/app-3f2a9c.css").headers["content-type"],
            "text/css; charset=utf-8");
  EXPECT_EQ(http_get(hall.port(), "/assets/font-1.woff2").headers["content-type"], "font/woff2");
  EXPECT_EQ(http_get(hall.port(), "/favicon.ico").headers["content-type"], "image/x-icon");
  EXPECT_EQ(http_get(hall.port(), "/nothing-here.js").status, 404);
  // A join link opens the client.
  r = http_get(hall.port(), "/j/" + hall.token("v001"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<!doctype html><title>Dais</title>");
  EXPECT_EQ(r.headers["cache-control"], "no-cache");
}

TEST(Http, RefusesPathTraversal) {
  WebRoot web;
  Hall hall;
  hall.options.web = web.dir;
  hall.start();
  const std::string secret = "/../" + web.dir.filename().string() + "-secret/db.txt";
  for (const std::string& target :
       {secret, std::string("/assets/../../etc/passwd"), std::string("/%2e%2e/%2e%2e/etc/passwd"),
        std::string("/assets/%2E%2E/%2e%2e/etc/passwd"), std::string("/a%5c..%5c..%5cetc")}) {
    const int status = raw_status(hall.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status, 400) << target;
  }
}

TEST(Http, HealthMetricsAndLimits) {
  Hall hall;
  hall.start();
  HttpReply r = http_get(hall.port(), "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
  auto c = hall.join("v001");
  ASSERT_EQ(c->request({{"type", "ping"}})["type"], "ack");
  c->send_text("garbage");
  c->wait_for([](const json& m) { return m["type"] == "error"; });
  r = http_get(hall.port(), "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("dais_connections 1"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("dais_errors_total{code=\"bad_message\"} 1"), std::string::npos);
  EXPECT_NE(r.body.find("dais_acks_total 1"), std::string::npos);
  EXPECT_NE(r.body.find("dais_commit_latency_seconds_bucket{le=\"+Inf\"}"), std::string::npos);
  EXPECT_NE(r.body.find("dais_slow_client_closes_total 0"), std::string::npos);
  // Without a web directory the client's files are simply not there.
  EXPECT_EQ(http_get(hall.port(), "/index.html").status, 404);
  EXPECT_EQ(http_get(hall.port(), "/ws").status, 400);  // not an upgrade
  EXPECT_EQ(raw_status(hall.port(), "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), 405);
  const std::string huge(40 * 1024, 'h');
  EXPECT_EQ(raw_status(hall.port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + huge + "\r\n\r\n"), 413);
}

// --- Exports
// ------------------------------------------------------------------------------------------------

using net::csv_field;
using net::html_escape;
using net::minutes_html;

const char* const kExports[] = {"/api/results.json", "/api/results.csv", "/api/results.xlsx",
                                "/api/minutes.html"};

std::string header(const HttpReply& r, const std::string& name) {
  const auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

HttpReply get_with(std::uint16_t port, const std::string& target, const std::string& authorization) {
  return http_get(port, target, {{"Authorization", authorization}});
}

// 401 says the request carries no credentials the server accepts; 403 that it does, and they are not enough.
TEST(Exports, NoValidTokenIs401AndAValidTokenWithoutTheRoleIs403) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  ASSERT_EQ(chair->request({{"type", "revoke_token"}, {"participant", "v002"}})["type"], "ack");
  for (const std::string target : kExports) {
    SCOPED_TRACE(target);
    const HttpReply none = http_get(hall.port(), target);
    EXPECT_EQ(none.status, 401);
    EXPECT_EQ(header(none, "www-authenticate"), "Bearer");
    for (const std::string& auth : {std::string("Bearer not-a-token"), "Basic " + hall.token("chair"),
                                    "Bearer " + hall.token("v002")}) {
      const HttpReply r = get_with(hall.port(), target, auth);
      EXPECT_EQ(r.status, 401) << auth;
      EXPECT_EQ(header(r, "www-authenticate"), "Bearer") << auth;
    }
    for (const char* who : {"sec1", "p01", "q01", "v001", "screen"}) {
      const HttpReply r = get_with(hall.port(), target, "Bearer " + hall.token(who));
      EXPECT_EQ(r.status, 403) << who;
      EXPECT_EQ(header(r, "www-authenticate"), "") << who;
    }
    for (const char* who : {"chair", "jpr"}) {
      EXPECT_EQ(get_with(hall.port(), target, "Bearer " + hall.token(who)).status, 200) << who;
    }
  }
}

// A cell a spreadsheet would run as a formula gets a leading ' (and is quoted as RFC 4180 asks when it holds
// a CR, LF, comma or quote); anything else is left as it is.
TEST(Exports, CsvCellsASpreadsheetWouldReadAsFormulasArePrefixed) {
  for (const char* formula : {"=1+2", "+1", "-1", "@SUM(A1)"}) {
    SCOPED_TRACE(formula);
    EXPECT_EQ(csv_field(formula), std::string("'") + formula);
    EXPECT_EQ(csv_field(std::string("  ") + formula),
              std::string("'  ") + formula);  // "trim spaces" on import
  }
  EXPECT_EQ(csv_field("\t=HYPERLINK(\"http://x\")"), "\"'\t=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(csv_field("\tplain"), "'\tplain");  // a leading TAB alone is refused too
  EXPECT_EQ(csv_field("\r=1"), "\"'\r=1\"");
  EXPECT_EQ(csv_field("\rplain"), "\"'\rplain\"");
  EXPECT_EQ(csv_field("\n@x"), "\"'\n@x\"");
  EXPECT_EQ(csv_field(" \t \r\n-x"), "\"' \t \r\n-x\"");
  EXPECT_EQ(csv_field(std::string("\0=1", 3)), std::string("'\0=1", 4));
  for (const char* text : {"", "plain", " plain", "a=b", "1+1", "区水务局", "  ", "e@mail"}) {
    EXPECT_EQ(csv_field(text), text) << text;
  }
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The demo hearing in session, with an inquiry in every status and follow-ups, one of them under a parent
// withdrawn after it.
class MinutesHearing {
 public:
  MinutesHearing()
      : state_(core::make_hearing(core::parse_definition(json::parse(read_text(fs::path(DAIS_SOURCE_DIR) /
                                                                               "seeds/demo-hearing.json")))
                                      .value())) {
    run("chair", core::OpenCheckIn{});
    for (const auto& p : state_.def.participants) run(p.id, core::CheckIn{});
    run("chair", core::StartSession{});
    submit("q01", "待审核的质询甲", std::nullopt);  // I1 submitted
    submit("q01", "已通过的质询乙", std::nullopt);  // I2 approved
    run("chair", core::ApproveInquiry{"I2"});
    submit("q02", "未采纳的质询丙", std::nullopt);  // I3 rejected
    run("chair", core::RejectInquiry{"I3", "与本议题无关的理由"});
    submit("q02", "撤回的质询丁", std::nullopt);  // I4 withdrawn
    run("q02", core::WithdrawInquiry{"I4"});
    submit("q03", "已答复的质询戊", std::nullopt);    // I5 answered
    submit("q03", "正在询问的质询己", std::nullopt);  // I6 asking
    run("chair", core::ApproveInquiry{"I5"});
    run("chair", core::ApproveInquiry{"I6"});
    run("chair", core::CallSlot{"s01"});
    run("chair", core::BeginStage{"s01", core::Stage::reporting});
    run("chair", core::BeginStage{"s01", core::Stage::questioning});
    run("chair", core::AskInquiry{"I5"});
    run("sec1", core::AnswerInquiry{"I5", "答复摘要：年内完成整改"});
    run("sec1", core::RecordCommitment{"I5", "承诺：六月底前销号", "2021-06-30"});
    submit("chair", "主持人的追问庚", "I5");          // I7 approved, under I5
    submit("q04", "待审核的追问辛", "I5");            // I8 submitted, under I5
    submit("q05", "将被撤回的质询壬", std::nullopt);  // I9 withdrawn after its follow-up
    run("chair", core::ApproveInquiry{"I9"});
    submit("chair", "父问题撤回后的追问癸", "I9");  // I10 approved, its parent withdrawn
    run("q05", core::WithdrawInquiry{"I9"});
    run("chair", core::AskInquiry{"I6"});
  }

  const core::HearingState& state() const { return state_; }
  core::RoleSet roles_of(const std::string& who) const { return state_.def.participant(who)->roles; }
  core::TimeMs now() const { return now_; }

 private:
  void run(const std::string& who, const core::Command& command) {
    auto r = core::execute(state_, who, command, now_ += 1000);
    if (!r) ADD_FAILURE() << who << ": " << r.error().message << " " << r.error().field;
  }
  void submit(const std::string& who, const std::string& text, std::optional<core::InquiryId> parent) {
    run(who, core::SubmitInquiry{"s01", text, std::move(parent)});
  }

  core::HearingState state_;
  core::TimeMs now_ = 1'614'000'000'000;
};

const json* item_with_id(const json& items, const json& id) {
  for (const json& item : items) {
    if (item["id"] == id) return &item;
  }
  return nullptr;
}

bool holds(const std::string& html, const json& text) {
  return html.find(html_escape(text.get<std::string>())) != std::string::npos;
}

// Every inquiry, and every text of it, is in a reader's minutes exactly when the reader's live view has it.
TEST(Exports, TheMinutesShowEachReaderWhatTheirLiveViewShowsFieldByField) {
  const MinutesHearing hearing;
  const json every = core::section_view(hearing.state(), core::Section::inquiries, hearing.roles_of("chair"));
  ASSERT_EQ(every["items"].size(), 10u);
  for (const char* reader : {"chair", "jpr"}) {
    SCOPED_TRACE(reader);
    const core::RoleSet roles = hearing.roles_of(reader);
    const std::string html = minutes_html(hearing.state(), roles, "head", hearing.now());
    const json seen = core::section_view(hearing.state(), core::Section::inquiries, roles)["items"];
    for (const json& q : every["items"]) {
      SCOPED_TRACE(q["id"].get<std::string>() + " " + q["status"].get<std::string>());
      const json* own = item_with_id(seen, q["id"]);
      EXPECT_EQ(holds(html, q["text"]), own != nullptr);
      if (!q["answer_summary"].get<std::string>().empty()) {
        EXPECT_EQ(holds(html, q["answer_summary"]), own != nullptr);
      }
      for (const json& c : q["commitments"]) {
        EXPECT_EQ(holds(html, c["text"]), own != nullptr);
        EXPECT_EQ(holds(html, c["due"]), own != nullptr);
      }
      if (!q["reject_reason"].get<std::string>().empty()) {
        EXPECT_EQ(holds(html, q["reject_reason"]), own != nullptr && own->contains("reject_reason"));
      }
      if (own != nullptr) {
        EXPECT_NE(html.find("<b>" + html_escape((*own)["id"].get<std::string>()) + "</b>"),
                  std::string::npos);
        // The demo hearing is zh-CN: its minutes name the status in Chinese.
        const std::map<std::string, std::string> status = {{"submitted", "待审核"}, {"approved", "已通过"},
                                                           {"rejected", "未通过"},  {"asking", "正在质询"},
                                                           {"answered", "已答复"},  {"withdrawn", "已撤回"}};
        EXPECT_NE(html.find("（" + status.at((*own)["status"].get<std::string>()) + "）"), std::string::npos);
      }
    }
  }
  // What that comes to: the chair's copy has all ten with the reason for rejecting; the scrutineer's holds
  // only what is approved, being asked or answered — the follow-up whose parent was withdrawn included.
  const std::string chair = minutes_html(hearing.state(), hearing.roles_of("chair"), "head", hearing.now());
  for (const char* text :
       {"待审核的质询甲", "未采纳的质询丙", "与本议题无关的理由", "撤回的质询丁", "待审核的追问辛",
        "将被撤回的质询壬", "父问题撤回后的追问癸", "已答复的质询戊", "答复摘要：年内完成整改"}) {
    EXPECT_NE(chair.find(text), std::string::npos) << text;
  }
  const std::string scrutineer =
      minutes_html(hearing.state(), hearing.roles_of("jpr"), "head", hearing.now());
  for (const char* text :
       {"待审核的质询甲", "未采纳的质询丙", "与本议题无关的理由", "撤回的质询丁", "待审核的追问辛",
        "将被撤回的质询壬", "(submitted)", "(rejected)", "(withdrawn)"}) {
    EXPECT_EQ(scrutineer.find(text), std::string::npos) << text;
  }
  for (const char* text : {"已通过的质询乙", "已答复的质询戊", "答复摘要：年内完成整改", "承诺：六月底前销号",
                           "正在询问的质询己", "主持人的追问庚", "父问题撤回后的追问癸"}) {
    EXPECT_NE(scrutineer.find(text), std::string::npos) << text;
  }
}

// Over HTTP, the minutes are the reader's own.
TEST(Exports, TheMinutesOverHttpFollowTheReadersRoles) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  auto questioner = hall.join("q01");
  const json first =
      questioner->request({{"type", "submit_inquiry"}, {"slot", "s01"}, {"text", "仅主持人可见的质询"}});
  const json second =
      questioner->request({{"type", "submit_inquiry"}, {"slot", "s01"}, {"text", "通过后公开的质询"}});
  ASSERT_EQ(second["type"], "ack");
  ASSERT_EQ(chair->request({{"type", "approve_inquiry"}, {"inquiry", second["result"]["inquiry"]}})["type"],
            "ack");
  ASSERT_EQ(first["type"], "ack");
  const HttpReply for_chair = get_with(hall.port(), "/api/minutes.html", "Bearer " + hall.token("chair"));
  const HttpReply for_scrutineer = get_with(hall.port(), "/api/minutes.html", "Bearer " + hall.token("jpr"));
  ASSERT_EQ(for_chair.status, 200);
  ASSERT_EQ(for_scrutineer.status, 200);
  EXPECT_NE(for_chair.body.find("仅主持人可见的质询"), std::string::npos);
  EXPECT_NE(for_chair.body.find("通过后公开的质询"), std::string::npos);
  EXPECT_EQ(for_scrutineer.body.find("仅主持人可见的质询"), std::string::npos);
  EXPECT_NE(for_scrutineer.body.find("通过后公开的质询"), std::string::npos);
}

TEST(Shutdown, PendingCommitsAreAcknowledgedAndClientsGet1001) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  auto display = hall.join("screen");
  const std::string id = chair->next_id();
  chair->send({{"type", "open_check_in"}, {"id", id}});
  chair->wait_answer(id);
  hall.stop();
  EXPECT_EQ(chair->wait_closed(), net::close_code::going_away);
  EXPECT_EQ(display->wait_closed(), net::close_code::going_away);
  hall.start();
  EXPECT_EQ(hall.join("screen")->view()["hearing"]["phase"], "check_in");
}

}  // namespace
}  // namespace dais::test
