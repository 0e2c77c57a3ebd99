#include "bench/bench.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/definition.hpp"

namespace dais::bench {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

double client_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

fs::path make_temp_dir(const std::string& prefix) {
  std::string pattern = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::map<std::string, std::string> read_tokens(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read tokens file " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  std::map<std::string, std::string> tokens;
  // JSON: [{"participant": …, "token": …}, …] or {"tokens": [...]} or {participant: token}.
  const json doc = json::parse(text.str(), nullptr, false);
  if (!doc.is_discarded()) {
    const json& list = doc.is_object() && doc.contains("tokens") ? doc["tokens"] : doc;
    if (list.is_array()) {
      for (const auto& e : list)
        tokens[e.at("participant").get<std::string>()] = e.at("token").get<std::string>();
    } else if (list.is_object()) {
      for (const auto& [k, v] : list.items()) tokens[k] = v.get<std::string>();
    }
    return tokens;
  }
  // A table with a header line naming the columns, tab-separated (dais import --tokens-out):
  // participant, name, roles, token.
  std::istringstream lines(text.str());
  std::string line;
  std::size_t participant_col = 0, token_col = 1;
  bool header = true;
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, '\t');) cells.push_back(cell);
    if (header) {
      header = false;
      const auto at = [&](const std::string& name, std::size_t fallback) {
        const auto it = std::find(cells.begin(), cells.end(), name);
        return it == cells.end() ? fallback : static_cast<std::size_t>(it - cells.begin());
      };
      participant_col = at("participant", 0);
      token_col = at("token", cells.size() - 1);
      continue;
    }
    if (cells.size() > std::max(participant_col, token_col))
      tokens[cells[participant_col]] = cells[token_col];
  }
  return tokens;
}

std::optional<std::uint16_t> listening_port(const std::string& line) {
  static const std::regex pattern(R"(listening on https?://[^:/\s]+:([0-9]+))");
  std::smatch m;
  if (!std::regex_search(line, m, pattern)) return std::nullopt;
  return static_cast<std::uint16_t>(std::stoi(m[1]));
}

std::optional<std::string> import_hearing(const std::string& dais, const fs::path& definition,
                                          const fs::path& db, const fs::path& tokens) {
  const auto out = run_command(
      {dais, "import", definition.string(), "--db", db.string(), "--tokens-out", tokens.string()}, 120s);
  if (out.exit_code != 0) return "dais import failed (" + std::to_string(out.exit_code) + "): " + out.output;
  return std::nullopt;
}

// ---- TallyWatch ----

namespace {

std::optional<std::int64_t> number_in(const json& object, const std::string& key) {
  // The figure itself, or one level down (e.g. "turnout": {"voted": n}, "tally": {"sheets": n}).
  if (auto v = object.find(key); v != object.end() && v->is_number_integer()) return v->get<std::int64_t>();
  for (const auto& [k, v] : object.items()) {
    if (!v.is_object()) continue;
    if (auto inner = v.find(key); inner != v.end() && inner->is_number_integer())
      return inner->get<std::int64_t>();
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::int64_t> ballot_figure(const json& section, const std::string& ballot,
                                          const std::string& key) {
  // The ballot's object is keyed by its id ({"B1": {…}}) or names it ({"id": "B1", …} / {"ballot": "B1", …}).
  if (section.is_object()) {
    for (const char* name : {"ballot", "id"}) {
      if (auto b = section.find(name); b != section.end() && *b == ballot) {
        if (auto n = number_in(section, key)) return n;
      }
    }
    if (auto b = section.find(ballot); b != section.end() && b->is_object()) {
      if (auto n = number_in(*b, key)) return n;
    }
  }
  if (section.is_structured()) {
    for (const auto& value : section) {
      if (!value.is_structured()) continue;
      if (auto n = ballot_figure(value, ballot, key)) return n;
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> tally_sheets(const json& section, const std::string& ballot) {
  return ballot_figure(section, ballot, "sheets");
}

void TallyWatch::expect(const std::string& ballot, std::int64_t sheets, std::size_t observers) {
  std::lock_guard lock(mutex_);
  ballot_ = ballot;
  sheets_ = sheets;
  seen_at_.clear();
  seen_.reset(static_cast<std::int64_t>(observers));
}

void TallyWatch::observe(std::size_t observer, const json& sections, Clock::time_point at) {
  auto t = sections.find("tally");
  if (t == sections.end()) return;
  std::lock_guard lock(mutex_);
  if (sheets_ < 0 || seen_at_.count(observer) != 0) return;
  const auto sheets = tally_sheets(*t, ballot_);
  if (sheets && *sheets >= sheets_) {
    seen_at_[observer] = at;
    seen_.arrive();
  }
}

std::vector<Clock::time_point> TallyWatch::seen_at() {
  std::lock_guard lock(mutex_);
  std::vector<Clock::time_point> out;
  for (const auto& [k, v] : seen_at_) out.push_back(v);
  return out;
}

// ---- Bench ----

Bench::Bench(BenchOptions options) : options_(std::move(options)) {
  if (!options_.dais.empty()) {
    start_server();
  } else {
    tokens_ = read_tokens(options_.tokens_file);
  }
  HallOptions hall;
  if (!options_.url.empty()) {
    static const std::regex pattern(R"(wss?://([^:/]+):([0-9]+)(/.*)?)");
    std::smatch m;
    if (!std::regex_match(options_.url, m, pattern)) throw std::runtime_error("bad --url " + options_.url);
    hall.target.host = m[1];
    hall.target.port = static_cast<std::uint16_t>(std::stoi(m[2]));
    if (m[3].matched) hall.target.path = m[3];
  }
  hall.threads = options_.threads;
  hall.sources = options_.sources;
  hall_ = std::make_unique<Hall>(hall);
  auto token_of = [&](const std::string& id) {
    auto it = tokens_.find(id);
    if (it == tokens_.end()) throw std::runtime_error("no token for participant " + id);
    return it->second;
  };
  chair_ = hall_->add(token_of(kChair));
  questioner_ = hall_->add(token_of(kQuestioner));
  secretary_ = hall_->add(token_of(kSecretary));
  for (std::int64_t i = 1; i <= options_.size.displays; ++i)
    displays_.push_back(hall_->add(token_of(display_id(i))));
  for (std::int64_t i = 1; i <= options_.size.voters; ++i)
    voters_.push_back(hall_->add(token_of(voter_id(i))));
  // The chair and the displays read every update in full, to see when the final tally reached them.
  for (auto i : observers()) {
    hall_->tablet(i).set_observer(
        [this](Tablet& t, const FrameHead& head, std::string_view frame, Clock::time_point at) {
          if (head.type != "update" && head.type != "welcome") return;
          const json j = json::parse(frame, nullptr, false);
          if (j.is_discarded()) return;
          if (auto s = j.find(head.type == "update" ? "sections" : "view"); s != j.end())
            tally_watch_.observe(t.index(), *s, at);
          if (t.index() == chair_) mirror_chair(head, j);
        });
  }
}

Bench::~Bench() {
  hall_->stop();
  if (server_) {
    server_->signal(SIGTERM);
    if (!server_->wait_exit(20s)) server_->signal(SIGKILL);
  }
}

void Bench::start_server() {
  if (options_.workdir.empty()) options_.workdir = make_temp_dir("dais-bench");
  fs::create_directories(options_.workdir);
  const auto definition = options_.workdir / "hearing.json";
  const auto db = db_ = options_.workdir / "bench.db";
  const auto tokens = options_.workdir / "tokens.txt";
  fs::remove(db);
  fs::remove(fs::path(db.string() + "-wal"));
  fs::remove(fs::path(db.string() + "-shm"));
  fs::remove(tokens);
  std::ofstream(definition) << bench_hearing_json(options_.size);
  if (auto failed = import_hearing(options_.dais, definition, db, tokens)) throw std::runtime_error(*failed);
  tokens_ = read_tokens(tokens);
  launch_server(0);
  options_.url = "ws://127.0.0.1:" + std::to_string(port_) + "/ws";
}

void Bench::launch_server(std::uint16_t port) {
  std::vector<std::string> argv = {options_.dais, "serve",     "--db",   db_.string(),
                                   "--bind",      "127.0.0.1", "--port", std::to_string(port)};
  argv.insert(argv.end(), options_.serve_args.begin(), options_.serve_args.end());
  server_ = ServerProcess::start(argv);
  const auto line = server_->wait_for_line("listening on", 60s);
  const auto listening = line ? listening_port(*line) : std::nullopt;
  if (!listening)
    throw std::runtime_error("the server did not start listening:\n" + server_->recent_output());
  port_ = *listening;
}

std::optional<int> Bench::stop_server(int sig, std::chrono::milliseconds timeout) {
  if (!server_) return std::nullopt;
  server_->signal(sig);
  return server_->wait_exit(timeout);
}

void Bench::restart_server() {
  server_.reset();
  launch_server(port_);
}

void Bench::mirror_chair(const FrameHead& head, const json& frame) {
  std::lock_guard lock(chair_view_mutex_);
  if (head.type == "welcome") {
    if (!head.resumed) chair_view_ = frame.value("view", json::object());
    return;
  }
  if (auto s = frame.find("sections"); s != frame.end() && s->is_object()) {
    for (const auto& [name, section] : s->items()) chair_view_[name] = section;
  }
  // Large sections come as patches on the copy held (docs/protocol.md, Patches); the chair never skips one.
  if (auto p = frame.find("patches"); p != frame.end() && p->is_object()) {
    for (const auto& [name, patch] : p->items()) {
      try {
        chair_view_[name] = chair_view_[name].patch(patch.at("ops"));
      } catch (const json::exception&) {
        chair_view_.erase(name);  // not what the server sent it: forget rather than show a wrong copy
      }
    }
  }
}

json Bench::chair_view() {
  std::lock_guard lock(chair_view_mutex_);
  return chair_view_;
}

pid_t Bench::server_pid() const {
  return server_ ? server_->pid() : options_.pid;
}

std::optional<ProcessUsage> Bench::server_usage() const {
  const pid_t pid = server_pid();
  if (pid <= 0) return std::nullopt;
  return process_usage(pid);
}

std::vector<std::size_t> Bench::observers() const {
  std::vector<std::size_t> v{chair_};
  v.insert(v.end(), displays_.begin(), displays_.end());
  return v;
}

std::vector<std::size_t> Bench::staff() const {
  std::vector<std::size_t> v{chair_, secretary_};
  v.insert(v.end(), displays_.begin(), displays_.end());
  return v;
}

std::vector<std::size_t> Bench::everyone() const {
  return range(0, hall_->size());
}

std::string Bench::next_id(const std::string& prefix) {
  return prefix + std::to_string(++next_id_);
}

// The server gives freed memory back once connections stopped coming or going for an interval
// (`heap_trim_ms`, dais_heap_trims_total); waits until it did so more than `trims` times in all. Nothing when
// it did not within 10 s (trimming turned off, or a server without it).
std::optional<std::int64_t> Bench::settled(std::int64_t trims) const {
  const auto deadline = Clock::now() + 10s;
  while (Clock::now() < deadline) {
    const auto now = server_metric("dais_heap_trims_total");
    if (!now) return std::nullopt;
    if (*now > trims) return now;
    std::this_thread::sleep_for(50ms);  // polling the server's counter, bounded by the deadline
  }
  return std::nullopt;
}

std::vector<std::string> Bench::join_all(json& figures, bool idle_memory) {
  // The server trims once after loading the hearing.
  const auto trims_before = idle_memory ? settled(0) : std::nullopt;
  const auto before = server_usage();
  const auto outcome = hall_->join(everyone(), options_.join_in_flight, nullptr, 300s);
  const auto at_once = server_usage();
  const auto trims_after = trims_before ? settled(*trims_before) : std::nullopt;
  const auto after = trims_after ? server_usage() : at_once;
  figures["tablets"] = hall_->size();
  figures["joined"] = outcome.joined;
  figures["join_s"] = static_cast<double>(outcome.took.count()) / 1e6;
  const auto per_connection = [&](const ProcessUsage& u) {
    return static_cast<double>(u.rss_kb - before->rss_kb) /
           static_cast<double>(std::max<std::int64_t>(1, outcome.joined));
  };
  if (before && at_once && after) {
    // Idle: once the server gave back what the joins left freed. At once: right after the last welcome.
    figures["server_rss_mb"] = static_cast<double>(after->rss_kb) / 1024.0;
    figures["server_rss_kb_per_connection"] = per_connection(*after);
    figures["server_rss_kb_per_connection_at_once"] = per_connection(*at_once);
    figures["server_rss_settled"] = trims_after.has_value();
  }
  std::vector<std::string> problems;
  if (outcome.failed > 0) problems.push_back(std::to_string(outcome.failed) + " tablets did not join");
  for (const auto& f : outcome.failures) problems.push_back("join: " + f);
  return problems;
}

Answer Bench::chair_do(json command, std::chrono::milliseconds timeout) {
  const std::string id = next_id("c");
  command["id"] = id;
  auto answered = std::make_shared<Countdown>(1);
  hall_->post(chair_, [id, answered, frame = command.dump()](Tablet& t) { t.request(id, frame, answered); });
  Answer a;
  if (!answered->wait(timeout)) {
    a.error = "no answer to " + command.dump() + " within " + std::to_string(timeout.count()) + " ms";
    return a;
  }
  hall_->on_each(
      {chair_}, [&](Tablet& t) { a = t.answers().at(id); }, timeout);
  return a;
}

bool Bench::open_check_in(std::vector<std::string>& problems) {
  if (check_in_open_) return true;
  const Answer a = chair_do({{"type", "open_check_in"}});
  if (!a.ok) {
    problems.push_back("setup open_check_in: " + a.error + " " + a.frame);
    return false;
  }
  check_in_open_ = true;
  return true;
}

bool Bench::start_session(std::vector<std::string>& problems) {
  if (setup_done_) return true;
  if (!open_check_in(problems)) return false;
  // One voter at the desk gives the bench hearing's quorum (a check-in rush may have brought them all).
  std::vector<json> commands;
  if (checked_in_ == 0) commands.push_back({{"type", "check_in"}, {"participant", voter_id(1)}});
  commands.push_back({{"type", "start_session"}});
  for (const json& command : commands) {
    const Answer a = chair_do(command);
    if (!a.ok) {
      problems.push_back("setup " + command.value("type", "") + ": " + a.error + " " + a.frame);
      return false;
    }
    if (command["type"] == "check_in") checked_in_ = 1;
  }
  setup_done_ = true;
  return true;
}

std::optional<std::string> Bench::open_ballot(std::vector<std::string>& problems, const std::string& slot) {
  auto step = [&](json command) {
    const Answer a = chair_do(command);
    if (!a.ok) problems.push_back("setup " + command.value("type", "") + ": " + a.error + " " + a.frame);
    return a.ok;
  };
  if (!start_session(problems)) return std::nullopt;
  if (!step({{"type", "call_slot"}, {"slot", slot}})) return std::nullopt;
  for (const char* stage : {"reporting", "questioning", "evaluating"}) {
    if (!step({{"type", "begin_stage"}, {"slot", slot}, {"stage", stage}})) return std::nullopt;
  }
  const Answer created = chair_do({{"type", "create_ballot"}, {"template_id", kTemplate}, {"slot", slot}});
  const json ack = json::parse(created.frame, nullptr, false);
  if (!created.ok || ack.is_discarded() || !ack["result"].contains("ballot")) {
    problems.push_back("setup create_ballot: " + created.error + " " + created.frame);
    return std::nullopt;
  }
  const std::string ballot = ack["result"]["ballot"].get<std::string>();
  if (!step({{"type", "open_ballot"}, {"ballot", ballot}})) return std::nullopt;
  return ballot;
}

std::optional<std::pair<int, std::string>> Bench::http_get(const std::string& path) const {
  namespace beast = boost::beast;
  namespace http = beast::http;
  static const std::regex pattern(R"(ws://([^:/]+):([0-9]+))");
  std::smatch m;
  if (!std::regex_search(options_.url, m, pattern)) return std::nullopt;  // wss: not read
  try {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(resolver.resolve(m[1].str(), m[2].str()));
    http::request<http::empty_body> request{http::verb::get, path, 11};
    request.set(http::field::host, m[1].str());
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    return std::pair<int, std::string>{static_cast<int>(response.result_int()), std::move(response.body())};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

namespace {

// The value of `name` in the Prometheus text of /metrics.
std::optional<std::int64_t> metric_in(const std::string& text, const std::string& name) {
  std::istringstream lines(text);
  std::string field;
  std::int64_t value = 0;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    if ((fields >> field >> value) && field == name) return value;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::int64_t> Bench::server_metric(const std::string& name) const {
  const auto metrics = http_get("/metrics");
  if (!metrics || metrics->first != 200) return std::nullopt;
  return metric_in(metrics->second, name);
}

std::optional<SentCounts> Bench::server_sent() const {
  const auto metrics = http_get("/metrics");
  if (!metrics || metrics->first != 200) return std::nullopt;
  SentCounts out;
  out.messages = metric_in(metrics->second, "dais_messages_out_total").value_or(0);
  out.bytes = metric_in(metrics->second, "dais_bytes_out_total").value_or(0);
  return out;
}

bool Bench::server_alive() {
  if (server_) return !server_->wait_exit(0ms).has_value();
  return options_.pid > 0 && ::kill(options_.pid, 0) == 0;
}

// ---- PhaseMeter ----

PhaseMeter::PhaseMeter(const Bench& bench)
    : bench_(bench),
      start_(Clock::now()),
      server_start_(bench.server_usage()),
      sent_start_(bench.server_sent()),
      client_start_s_(client_cpu_s()) {}

json PhaseMeter::figures() const {
  const double wall = std::chrono::duration<double>(Clock::now() - start_).count();
  json f;
  f["wall_s"] = wall;
  f["client_cpu_percent"] = 100.0 * (client_cpu_s() - client_start_s_) / wall;
  if (const auto now = bench_.server_usage(); now && server_start_) {
    f["server_cpu_percent"] = 100.0 * (now->cpu_s - server_start_->cpu_s) / wall;
    f["server_rss_mb"] = static_cast<double>(now->rss_kb) / 1024.0;
    f["server_peak_rss_mb"] = static_cast<double>(now->peak_rss_kb) / 1024.0;
  }
  // The phase's traffic: what every tablet was sent, acks, updates and all.
  if (const auto sent = bench_.server_sent(); sent && sent_start_) {
    f["messages_out"] = sent->messages - sent_start_->messages;
    f["bytes_out"] = sent->bytes - sent_start_->bytes;
  }
  return f;
}

}  // namespace dais::bench
