// The metrics endpoint (metrics_endpoint.hpp): an acceptor and one small asynchronous exchange per
// connection, read the request head, answer, close, all on the endpoint's own I/O thread.
#include "actors/stream/metrics_endpoint.hpp"

#include <spdlog/spdlog.h>

#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 misses it (its awaitable.hpp uses std::exchange)
// (this comment keeps clang-format from sorting Boost.Asio above it)
#include <array>
#include <boost/asio.hpp>
#include <chrono>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace eligo::stream {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr std::size_t kMaxHeadBytes = 8 * 1024;
constexpr auto kDeadline = std::chrono::seconds(5);

struct Response {
  std::string_view status;  // "200 OK"
  std::string body;
  std::string_view content_type = "text/plain; charset=utf-8";
  bool head_only = false;
  std::string_view extra_headers = "";
};

std::string serialised(const Response& r) {
  std::string out = "HTTP/1.1 " + std::string(r.status) + "\r\nContent-Type: " + std::string(r.content_type) +
                    "\r\nContent-Length: " + std::to_string(r.body.size()) + "\r\nConnection: close\r\n" +
                    std::string(r.extra_headers) + "\r\n";
  if (!r.head_only) out += r.body;
  return out;
}

Response plain(std::string_view status, std::string_view extra_headers = "") {
  return {status, std::string(status) + "\n", "text/plain; charset=utf-8", false, extra_headers};
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < 'A' || c > 'Z') return false;
  return true;
}

// The answer to a request head (everything up to and including its blank line).
Response answer(std::string_view head, const std::function<std::string()>& render) {
  const std::string_view line = head.substr(0, head.find("\r\n"));
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return plain("400 Bad Request");
  const std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method) || !target.starts_with('/') || !version.starts_with("HTTP/1.")) return plain("400 Bad Request");
  if (method != "GET" && method != "HEAD") return plain("405 Method Not Allowed", "Allow: GET, HEAD\r\n");
  target = target.substr(0, target.find('?'));
  if (target != "/metrics" && target != "/") return plain("404 Not Found");
  Response ok{"200 OK", render(), "text/plain; version=0.0.4; charset=utf-8"};
  ok.head_only = method == "HEAD";
  return ok;
}

// One client: read the head, write the answer, then read whatever else comes until the client closes
// (closing with unread data would reset the connection and could lose the answer), all before the
// deadline.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(tcp::socket socket, const std::function<std::string()>& render)
      : socket_(std::move(socket)), deadline_(socket_.get_executor()), head_(kMaxHeadBytes), render_(render) {}

  void start() {
    deadline_.expires_after(kDeadline);
    deadline_.async_wait([self = shared_from_this()](error_code ec) {
      if (!ec) self->close();
    });
    asio::async_read_until(socket_, head_, "\r\n\r\n",
                           [self = shared_from_this()](error_code ec, std::size_t n) { self->on_head(ec, n); });
  }

 private:
  void on_head(error_code ec, std::size_t n) {
    if (ec == asio::error::not_found) return respond(plain("431 Request Header Fields Too Large"));
    if (ec == asio::error::eof && head_.size() > 0) return respond(plain("400 Bad Request"));  // no blank line
    if (ec) return close();
    const auto data = head_.data();
    const std::string head(asio::buffers_begin(data), asio::buffers_begin(data) + n);
    try {
      respond(answer(head, render_));
    } catch (const std::exception& e) {
      spdlog::warn("metrics endpoint: rendering the metrics failed: {}", e.what());
      respond(plain("500 Internal Server Error"));
    }
  }

  void respond(const Response& response) {
    out_ = serialised(response);
    asio::async_write(socket_, asio::buffer(out_), [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->close();
      self->socket_.shutdown(tcp::socket::shutdown_send, ec);
      self->drain();
    });
  }

  void drain() {
    socket_.async_read_some(asio::buffer(sink_), [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->close();
      self->drain();
    });
  }

  void close() {
    error_code ignored;
    deadline_.cancel();
    socket_.close(ignored);
  }

  tcp::socket socket_;
  asio::steady_timer deadline_;
  asio::streambuf head_;
  const std::function<std::string()>& render_;  // the endpoint's, which outlives every exchange
  std::string out_;
  std::array<char, 4096> sink_;
};

std::string why(const error_code& ec) {
  if (ec == asio::error::address_in_use) return "address in use";
  if (ec == asio::error::access_denied) return "permission denied";
  return ec.message();
}

}  // namespace

struct MetricsEndpoint::Server {
  Server(const std::string& host, std::uint16_t port, std::function<std::string()> render_text)
      : render(std::move(render_text)) {
    const auto fail = [&](const std::string& what) {
      return std::runtime_error("metrics endpoint " + host + ":" + std::to_string(port) + ": " + what);
    };
    error_code ec;
    tcp::resolver resolver(io);
    const auto found = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
    if (ec || found.empty()) throw fail("cannot resolve the host: " + ec.message());
    const tcp::endpoint endpoint = found.begin()->endpoint();
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw fail(why(ec));
    bound_port = acceptor.local_endpoint().port();
    accept_next();
    thread = std::thread([this] { run(); });
  }

  ~Server() {
    io.stop();
    if (thread.joinable()) thread.join();
  }

  void accept_next() {
    acceptor.async_accept([this](error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {  // e.g. out of file descriptors: try again a little later rather than spin
        spdlog::warn("metrics endpoint: cannot accept a connection: {}; retrying", ec.message());
        retry.expires_after(std::chrono::milliseconds(100));
        retry.async_wait([this](error_code ec) {
          if (!ec) accept_next();
        });
        return;
      }
      std::make_shared<Exchange>(std::move(socket), render)->start();
      accept_next();
    });
  }

  void run() {
    for (;;) {
      try {
        io.run();
        return;  // stopped
      } catch (const std::exception& e) {
        spdlog::warn("metrics endpoint: {}", e.what());
      }
    }
  }

  const std::function<std::string()> render;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  asio::steady_timer retry{io};
  std::uint16_t bound_port = 0;
  std::thread thread;  // last: started when everything else is ready
};

MetricsEndpoint::MetricsEndpoint(const std::string& host, std::uint16_t port, std::function<std::string()> render)
    : server_(std::make_unique<Server>(host, port, std::move(render))) {}

MetricsEndpoint::~MetricsEndpoint() = default;

std::uint16_t MetricsEndpoint::port() const { return server_->bound_port; }

}  // namespace eligo::stream
