#pragma once
// The HTTP endpoint Prometheus scrapes for the streaming server's metrics (stream_metrics.hpp). Just
// enough HTTP/1.1 for GET /metrics: one request per connection, answered and closed.
//
// It runs its own thread with its own io_context, so a scrape never waits for the server's work and
// the server never waits for a scraper. Every connection is asynchronous, with an 8 KiB limit on the
// request head (431 beyond it) and a 5 s deadline for the whole exchange: a slow or garbage-sending
// client costs one socket until then and blocks no one else.
//
//   GET /metrics, GET /   200, the text of render() (Content-Type text/plain; version=0.0.4)
//   HEAD of either         200, the same head without the body
//   another path           404
//   another method         405
//   not HTTP               400
//
// render runs on the endpoint's thread, so it must be thread-safe (StreamMetrics::render is).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace eligo::stream {

class MetricsEndpoint {
 public:
  // Listens on host:port (port 0: any free port) before it returns; throws std::runtime_error naming
  // host:port when it cannot ("metrics endpoint 127.0.0.1:9100: address in use").
  MetricsEndpoint(const std::string& host, std::uint16_t port, std::function<std::string()> render);
  ~MetricsEndpoint();  // stops serving and joins the thread; open connections are dropped
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  std::uint16_t port() const;  // the bound one

 private:
  struct Server;  // metrics_endpoint.cpp: keeps Boost.Asio out of this header
  std::unique_ptr<Server> server_;
};

}  // namespace eligo::stream
