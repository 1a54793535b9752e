#include "actors/stream/stream_server.hpp"

#include <spdlog/spdlog.h>

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 misses it (its awaitable.hpp uses std::exchange)
// (this comment keeps clang-format from sorting Boost.Asio above it)
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <stdexcept>

#include "actors/scheduler_config.hpp"
#include "actors/stream/stream_connection.hpp"

namespace eligo::stream {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct StreamServer::Impl {
  Impl(TrainingSetup s, ServerOptions o) : setup(std::move(s)), options(std::move(o)), acceptor(io) {}

  caf::actor_system_config actor_config() const {
    caf::actor_system_config cfg;
    actors::configure_scheduler(cfg, options.threads);
    return cfg;
  }

  void accept() {
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {
        spdlog::warn("accepting a connection: {}", ec.message());
      } else {
        boost::system::error_code nodelay_ec;
        socket.set_option(tcp::no_delay(true), nodelay_ec);
        if (options.send_buffer_bytes > 0)
          socket.set_option(asio::socket_base::send_buffer_size(static_cast<int>(options.send_buffer_bytes)),
                            nodelay_ec);
        serve_connection(io, *context, std::move(socket));
      }
      accept();
    });
  }

  // Destroyed in reverse: the I/O context first, with the connections its handlers still hold (each
  // ends its session on the actor system), then what connections use.
  TrainingSetup setup;
  ServerOptions options;
  StreamMetrics metrics;
  std::optional<asio::ssl::context> tls;
  std::unique_ptr<caf::actor_system_config> cfg;
  std::unique_ptr<caf::actor_system> actors;
  std::unique_ptr<ServerContext> context;
  asio::io_context io;
  tcp::acceptor acceptor;
};

StreamServer::StreamServer(TrainingSetup setup, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(setup), std::move(options))) {
  Impl& m = *impl_;
  const std::string where = m.options.host + ":" + std::to_string(m.options.port);
  if (!m.options.security.insecure) {
    transport::LinkSecurity security = m.options.security;
    security.client_certificate_optional = m.options.token.has_value();
    m.tls.emplace(transport::make_tls_context(security));
  }
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(m.options.host, ec);
  if (ec) throw std::runtime_error("serve " + where + ": " + m.options.host + " is not an IP address");
  if (m.options.security.insecure && !address.is_loopback())
    throw std::runtime_error("serve " + where + ": --insecure only on a loopback address (127.0.0.1 or ::1)");
  const tcp::endpoint endpoint(address, m.options.port);
  m.acceptor.open(endpoint.protocol(), ec);
  if (!ec) m.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) m.acceptor.bind(endpoint, ec);
  if (!ec) m.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("serve " + where + ": " + ec.message());
  m.cfg = std::make_unique<caf::actor_system_config>(m.actor_config());
  m.actors = std::make_unique<caf::actor_system>(*m.cfg);
  m.context.reset(new ServerContext{m.setup, m.options, *m.actors, m.metrics, m.tls ? &*m.tls : nullptr});
  if (m.options.security.insecure)
    spdlog::warn("serving without TLS on {}: anyone on this machine can connect{}", where,
                 m.options.token ? " (with the token)" : "");
}

StreamServer::~StreamServer() { stop(); }

std::uint16_t StreamServer::port() const { return impl_->acceptor.local_endpoint().port(); }

StreamMetrics& StreamServer::metrics() { return impl_->metrics; }

void StreamServer::run() {
  impl_->accept();
  impl_->io.run();
}

void StreamServer::stop() {
  asio::post(impl_->io, [m = impl_.get()] {
    boost::system::error_code ec;
    m->acceptor.close(ec);
  });
  impl_->io.stop();
}

}  // namespace eligo::stream
