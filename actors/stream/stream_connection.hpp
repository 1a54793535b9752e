#pragma once
// One client connection of `eligo serve` (stream_server.hpp): reads and checks its frames, runs its
// session and writes the session's outputs back. Everything here runs on the server's I/O thread;
// the session's run thread reports through posts to it.
//
// Backpressure, end to end: the socket is read only up to the frame the session can take next, and
// not at all while the session has max_queued_samples complete samples waiting to run or
// max_output_bytes of outputs the client has not read. A client that outruns the server is slowed,
// never truncated; one that stops reading its outputs for stall_seconds is cut off (an Error frame could
// not reach it: the server logs SLOW_CLIENT and counts a refused frame).
#include <atomic>
#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 misses it (its awaitable.hpp uses std::exchange)
// (this comment keeps clang-format from sorting Boost.Asio above it)
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "actors/stream/stream_metrics.hpp"
#include "actors/stream/stream_server.hpp"

namespace caf {
class actor_system;
}

namespace eligo::stream {

// What every connection of one server shares.
struct ServerContext {
  const TrainingSetup& setup;
  const ServerOptions& options;
  caf::actor_system& actors;
  StreamMetrics& metrics;
  boost::asio::ssl::context* tls = nullptr;  // null: plain TCP
  std::atomic<std::uint32_t> sessions{0};    // sessions open (for --max-sessions)
  std::atomic<std::uint64_t> next_id{1};
};

// Starts serving an accepted socket (TLS handshake first when the server has TLS).
void serve_connection(boost::asio::io_context& io, ServerContext& context, boost::asio::ip::tcp::socket socket);

}  // namespace eligo::stream
