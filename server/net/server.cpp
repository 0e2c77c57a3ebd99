#include "net/server.hpp"

#include <future>
#include <iostream>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>

#include "net/listener.hpp"
#include "net/protocol.hpp"
#include "net/repeated_log.hpp"
#include "net/shared_state.hpp"

namespace dais::net {

namespace asio = boost::asio;

Server::Server(store::Store& store, const Clock& clock, ServerOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

Server::~Server() {
  stop();
}

Metrics& Server::metrics() {
  return state_->metrics();
}

core::Result<std::uint16_t> Server::start() {
  auto schemas = MessageSchemas::load();
  if (!schemas) return schemas.error();
  state_ = std::make_shared<SharedState>(store_, clock_, options_, *schemas);
  state_->set_io(ioc_);

  if (!options_.tls_cert.empty() || !options_.tls_key.empty()) {
    auto tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    boost::system::error_code ec;
    tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                     asio::ssl::context::no_tlsv1_1);
    tls->use_certificate_chain_file(options_.tls_cert.string(), ec);
    if (!ec) tls->use_private_key_file(options_.tls_key.string(), asio::ssl::context::pem, ec);
    if (ec)
      return core::make_error(core::ErrorCode::invalid, "TLS certificate or key: " + ec.message(),
                              "tls_cert");
    state_->set_tls(std::move(tls));
  }

  // A node of several loads none: it takes each hearing under a lease when a join asks for it.
  for (const auto& id : state_->node_mode() ? std::vector<store::HearingId>{} : store_.hearings()) {
    auto loaded = store_.load(id);
    if (!loaded)
      return core::make_error(loaded.error().code, "hearing " + id + ": " + loaded.error().message);
    state_->add_hearing(
        std::make_shared<LiveHearing>(ioc_, state_->hearing_context(), id, std::move(*loaded)));
  }

  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options_.bind, ec);
  if (ec)
    return core::make_error(core::ErrorCode::invalid, "bind address '" + options_.bind + "': " + ec.message(),
                            "bind");
  logs_ = std::make_shared<ConnectionLogs>(options_.limits.log_interval_ms, clock_, std::cerr);
  listener_ = std::make_shared<listener>(ioc_, state_, logs_);
  if (auto e = listener_->open({address, options_.port})) {
    return core::make_error(
        core::ErrorCode::invalid,
        "cannot listen on " + options_.bind + ":" + std::to_string(options_.port) + ": " + e.message(),
        "port");
  }
  port_ = listener_->port();
  try {
    signals_.emplace(signals_io_);
  } catch (const boost::system::system_error& e) {
    return core::make_error(core::ErrorCode::invalid, std::string("signal handling: ") + e.what());
  }
  listener_->run();
  state_->start_leases();
  if (options_.limits.heap_trim_ms > 0) {
    heap_trim_.emplace(
        ioc_, std::chrono::milliseconds(options_.limits.heap_trim_ms),
        [state = state_] { return state->churn(); }, state_->metrics());
    heap_trim_->start();
  }

  const auto n = options_.threads > 0 ? static_cast<std::size_t>(options_.threads)
                                      : std::max<std::size_t>(1, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < n; ++i) {
    threads_.emplace_back([this] {
      auto guard = asio::make_work_guard(ioc_);
      ioc_.run();
    });
  }
  running_ = true;
  return port_;
}

void Server::stop() {
  if (!running_) return;
  running_ = false;
  state_->set_stopping();  // sessions answer new requests with shutting_down
  listener_->stop();
  if (heap_trim_) heap_trim_->stop();
  // Let every hearing finish what it already took in: those requests are committed and acknowledged.
  std::vector<std::future<void>> drained;
  for (const auto& h : state_->hearings()) {
    auto done = std::make_shared<std::promise<void>>();
    drained.push_back(done->get_future());
    h->drain([done] { done->set_value(); });
  }
  for (auto& f : drained) f.wait_for(std::chrono::seconds(10));
  store_.flush();
  state_->release_leases();  // after the drain: what was acknowledged here is in the log another node loads
  if (signals_) {            // a run_until_signal still waiting returns
    asio::post(signals_io_, [this] {
      boost::system::error_code ec;
      signals_->cancel(ec);
    });
  }
  state_->close_all(close_code::going_away, "server shutting down");
  state_->wait_until_empty(std::chrono::milliseconds(state_->limits().close_grace_ms + 1000));
  ioc_.stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  state_->organize().stop();  // sign-ins still being checked answer (into the poll below)
  ioc_.restart();
  ioc_.poll();  // what was posted last (sessions leaving their hearings)
  state_->set_stopped();
}

void Server::catch_signals() {
  if (!signals_) return;
  // A signal that comes before the wait below is kept by the signal set and ends that wait at once.
  boost::system::error_code ec;
  signals_->add(SIGINT, ec);
  signals_->add(SIGTERM, ec);
}

void Server::run_until_signal() {
  if (!running_) return;
  catch_signals();  // adding a signal twice is harmless
  signals_->async_wait([](const boost::system::error_code&, int) {});
  signals_io_.run();
  stop();
}

}  // namespace dais::net
