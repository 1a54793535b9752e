#pragma once
// The data plane between node processes (docs/architecture.md §5): one TCP link per pair of
// nodes, mutual TLS unless the run is insecure, carrying length-prefixed frames (frame_codec.hpp).
//
// A link is set up by one side connecting to the other's listener:
//   connector → LinkHello{version, its node index, session}
//   acceptor  checks version and session, answers with its own LinkHello; the connector checks it.
// After that both sides send batches on the same connection. Anything wrong that comes from a socket
// (a failed TLS handshake, a foreign certificate, garbage, an oversized frame, a wrong hello) closes
// only that connection, with a warning that names the remote endpoint; the listener keeps serving.
//
// One DataPlane per process. It owns one I/O thread; on_batch and on_lost run on it, so they must
// return quickly. They may call send(); listen(), connect(), wait_for() and close() throw LinkError
// there (they would wait for the thread that runs them).
//
// Connect each pair of nodes from one side only (say, the lower node index connects): a second link
// between the same two nodes is refused, so two nodes dialling each other at once would end up with
// none.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/transport/frame_codec.hpp"
#include "actors/transport/tls_settings.hpp"

namespace eligo::transport {

inline constexpr std::uint32_t kLinkProtocolVersion = 2;  // 2: heartbeats
// A link that brings no byte for this long is lost (docs/architecture.md §6, failure detection).
inline constexpr std::chrono::milliseconds kDefaultHeartbeatTimeout{3000};

// A spike or error batch that arrived from node `peer` (never a LinkHello).
using OnBatch = std::function<void(std::uint32_t peer, Batch&& batch)>;
// An established link to node `peer` broke (end of stream, reset, bad frame); called once per link.
using OnLinkLost = std::function<void(std::uint32_t peer, const std::string& why)>;

class DataPlane {
 public:
  // Throws LinkError when the TLS files cannot be used (tls_settings.hpp).
  // Every established link sends a Heartbeat frame every heartbeat_timeout / 3 and is lost (on_lost)
  // when nothing at all arrived on it for heartbeat_timeout: a silent partition, a peer that hangs.
  DataPlane(const LinkSecurity& security, std::uint32_t self_index, std::string session, OnBatch on_batch,
            OnLinkLost on_lost, std::chrono::milliseconds heartbeat_timeout = kDefaultHeartbeatTimeout);
  ~DataPlane();  // close()
  DataPlane(const DataPlane&) = delete;
  DataPlane& operator=(const DataPlane&) = delete;

  // Starts accepting links on host:port and returns the bound port (port 0: an ephemeral one).
  std::uint16_t listen(const std::string& host, std::uint16_t port);

  // Blocks until the link to node `peer` at host:port is up: TCP connected, TLS handshake done, hellos
  // exchanged and checked. Throws LinkError naming host:port and the reason (refused, timed out after
  // N ms, TLS verification failed, session or version differs ...).
  void connect(std::uint32_t peer, const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout);

  // Blocks until there is a link to each of `peers`, in either direction. Throws LinkError naming the
  // peers still missing after `timeout`.
  void wait_for(const std::vector<std::uint32_t>& peers, std::chrono::milliseconds timeout);

  // Queues one encoded frame (encode_frame) for node `peer`; returns at once. Frames to one peer go
  // out in call order, queued ones coalesced into one write. Any thread. Throws LinkError if there is
  // no link to `peer`, or if 256 MiB are already queued for it (the peer does not read; the link is
  // then closed). A frame queued on a link that then breaks is lost; on_lost says so.
  void send(std::uint32_t peer, std::shared_ptr<const std::string> frame);

  std::uint64_t bytes_sent() const;   // bytes of frames written to sockets by send() (heartbeats not counted)
  std::uint64_t frames_sent() const;  // frames written to sockets by send() (heartbeats not counted)

  // Closes the listener and every link (the peers see the links end) and joins the I/O thread.
  // Idempotent; afterwards listen, connect and send throw LinkError.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace eligo::transport
