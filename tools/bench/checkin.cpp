#include <algorithm>
#include <map>

#include <boost/asio/steady_timer.hpp>

#include "bench/scenarios.hpp"

namespace dais::bench {

using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// What one tablet has received so far.
struct Received {
  std::int64_t bytes = 0, frames = 0, updates = 0;
  int closed = 0;  // the close code when the server closed the connection (4007: too slow)
};

Received received(Tablet& t) {
  return {t.bytes(), t.frames(), t.updates(), t.connected() ? 0 : t.last_close_code()};
}

std::string staff_name(Bench& bench, std::size_t i) {
  if (i == bench.chair()) return "chair";
  if (i == bench.secretary()) return "secretary";
  const auto& d = bench.displays();
  return display_id(static_cast<std::int64_t>(std::find(d.begin(), d.end(), i) - d.begin()) + 1);
}

}  // namespace

ScenarioReport checkin_rush(Bench& bench, std::chrono::milliseconds over) {
  ScenarioReport report{"checkin-rush", true, {}, json::object()};
  if (!bench.open_check_in(report.problems)) {
    report.complete = false;
    return report;
  }
  const auto& voters = bench.voters();
  const auto first = static_cast<std::size_t>(bench.checked_in());
  const auto n = static_cast<std::int64_t>(voters.size() - first);
  if (n <= 0) {
    report.problems.push_back("every voter is already checked in");
    report.complete = false;
    return report;
  }
  const auto staff = bench.staff();
  const auto before = gather<Received>(bench, staff, received);
  // The secretary at the desk checks every voter in, one after the other, spread evenly over the rush.
  auto answered = std::make_shared<Countdown>(n);
  const PhaseMeter meter(bench);
  const auto slow_closes = bench.server_metric("dais_slow_client_closes_total");
  const auto start = Clock::now() + 50ms;
  for (std::int64_t k = 0; k < n; ++k) {
    const std::string who = voter_id(static_cast<std::int64_t>(first) + k + 1);
    const std::string id = "ci-" + who;
    const json command = {{"type", "check_in"}, {"id", id}, {"participant", who}};
    const auto when = start + over * k / n;
    bench.hall().post(bench.secretary(), [when, answered, id, frame = command.dump()](Tablet& t) {
      auto timer = std::make_shared<boost::asio::steady_timer>(t.context(), when);
      timer->async_wait([timer, &t, answered, id, frame](boost::system::error_code ec) {
        if (!ec) t.request(id, frame, answered);
      });
    });
  }
  const bool all_answered = answered->wait(over + 60s);

  struct Desk {
    std::int64_t acked = 0, last_seq = 0;
    Clock::time_point last_sent{}, last_ack{};
    std::map<std::string, std::int64_t> errors;
  };
  const auto desk = gather<Desk>(bench, {bench.secretary()}, [](Tablet& t) {
    Desk d;
    for (const auto& [id, a] : t.answers()) {
      if (id.rfind("ci-", 0) != 0 || !a.answered) continue;
      d.last_sent = std::max(d.last_sent, a.sent);
      if (!a.ok) {
        ++d.errors[a.error];
        continue;
      }
      ++d.acked;
      d.last_seq = std::max(d.last_seq, a.seq);
      d.last_ack = std::max(d.last_ack, *a.answered);
    }
    return d;
  })[0];
  // The staff screens show the last check-in once the update of its commit reached them (the desk itself
  // learns from its acks, so it is not among them).
  std::vector<std::size_t> screens;
  for (auto i : staff) {
    if (i != bench.secretary()) screens.push_back(i);
  }
  std::int64_t missing = 0;
  const auto shown = reach(bench, screens, desk.last_seq, 60s, missing);
  report.figures["phase"] = meter.figures();
  const auto after = gather<Received>(bench, staff, received);

  report.figures["check_ins"] = n;
  report.figures["over_s"] = static_cast<double>(over.count()) / 1000.0;
  report.figures["acked"] = desk.acked;
  report.figures["errors"] = desk.errors.empty() ? json::object() : json(desk.errors);
  // From the moment the desk sent the last check-in until the last staff screen had it.
  double worst_ms = 0;
  for (const auto& at : shown) {
    if (at) worst_ms = std::max(worst_ms, ms_between(desk.last_sent, *at));
  }
  report.figures["last_shown_ms"] = worst_ms;
  // Bytes received by each staff connection over the rush, in all and per update.
  std::int64_t most = 0;
  json per = json::object();
  for (std::size_t k = 0; k < staff.size(); ++k) {
    const Received d{after[k].bytes - before[k].bytes, after[k].frames - before[k].frames,
                     after[k].updates - before[k].updates, after[k].closed};
    most = std::max(most, d.bytes);
    per[staff_name(bench, staff[k])] = {
        {"mb", static_cast<double>(d.bytes) / 1e6},
        {"frames", d.frames},
        {"updates", d.updates},
        {"closed_by_server", d.closed},
        {"kb_per_update",
         d.updates > 0 ? static_cast<double>(d.bytes) / 1e3 / static_cast<double>(d.updates) : 0.0}};
  }
  report.figures["staff"] = per;
  if (const auto now = bench.server_metric("dais_slow_client_closes_total"); now && slow_closes)
    report.figures["slow_client_closes"] = *now - *slow_closes;
  report.figures["most_mb_to_one_staff"] = static_cast<double>(most) / 1e6;
  bench.set_checked_in(static_cast<std::int64_t>(first) + desk.acked);
  if (!all_answered) report.problems.push_back(std::to_string(answered->left()) + " check-ins unanswered");
  if (desk.acked != n)
    report.problems.push_back(std::to_string(n - desk.acked) + " check-ins not acknowledged");
  if (missing > 0)
    report.problems.push_back(std::to_string(missing) + " staff screens did not show the last check-in");
  report.complete = report.problems.empty();
  return report;
}

}  // namespace dais::bench
