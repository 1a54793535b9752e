#pragma once
// `eligo serve`: a Boost.Asio server of streaming sessions (docs/streaming.md). Each connection
// that says Hello gets a session of its own (stream_session.hpp) on the server's shared actor
// system, and speaks proto/eligo/stream.proto. Clients authenticate with a certificate under the
// cluster CA or with the server's bearer token; plain TCP is for loopback only.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/stream/stream_metrics.hpp"
#include "actors/transport/tls_settings.hpp"
#include "runtime/config/training_config.hpp"
#include "runtime/core/weight_record.hpp"

namespace eligo::stream {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;            // 0: any free port (port() says which)
  transport::LinkSecurity security;  // security.insecure: plain TCP
  std::optional<std::string> token;  // clients may show it instead of a certificate
  std::uint32_t max_sessions = 8;
  std::uint64_t session_memory_bytes = std::uint64_t{1} << 30;  // a network and its buffered events
  std::uint32_t max_frame_bytes = 4u << 20;
  std::int64_t max_queued_samples = 4;        // complete samples waiting to run before reading pauses
  std::uint64_t max_output_bytes = 4u << 20;  // unread outputs before reading pauses
  std::uint32_t send_buffer_bytes = 0;        // the sockets' kernel send buffer (0: the system's)
  double stall_seconds = 30.0;                // outputs unread this long with reading paused: the client is slow
  double idle_seconds = 300.0;                // no bytes from the client this long while it owes frames
  std::uint32_t threads = 1;                  // actor system workers, shared by every session
  std::filesystem::path out;                  // Save writes out/saved/NAME
  std::string config_path, config_digest;
  std::optional<std::vector<WeightRecord>> start_weights;  // `eligo serve CHECKPOINT`
};

class StreamServer {
 public:
  // Binds the address (throws std::runtime_error naming it when it cannot) and loads TLS files.
  StreamServer(TrainingSetup setup, ServerOptions options);
  ~StreamServer();
  StreamServer(const StreamServer&) = delete;
  StreamServer& operator=(const StreamServer&) = delete;

  std::uint16_t port() const;
  StreamMetrics& metrics();
  // Serves until stop(); thread-safe to call from a signal-watching thread.
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace eligo::stream
