#pragma once
// The data plane's wire format (docs/architecture.md §5): spike and error batches as
// length-prefixed protobuf frames (proto/eligo/messages.proto, message Frame), local ids delta-coded
// within each step (about 2 bytes per spike).
//
//   frame = length (4 bytes, big-endian, ≤ kMaxFrameBytes) · Frame message (length bytes)
//
// Every frame that comes from a socket is size-checked before anything is allocated for it and
// validated before it is used: a bad frame is a FrameError that says what is wrong, never a crash.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

#include "runtime/core/spike_batch.hpp"

namespace eligo::transport {

inline constexpr std::uint32_t kMaxFrameBytes = 64u << 20;  // 64 MiB: far above any real slice

class FrameError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::size_t kMaxSessionBytes = 256;

// The first frame on a data link in each direction (actors/transport/data_plane.hpp): who is speaking,
// and for which run. `session` is at most kMaxSessionBytes long.
struct LinkHello {
  std::uint32_t protocol_version = 0;
  std::uint32_t node_index = 0;
  std::string session;
  bool operator==(const LinkHello&) const = default;
};

// Keeps a quiet data link provably alive; carries nothing (data_plane.hpp).
struct Heartbeat {
  bool operator==(const Heartbeat&) const = default;
};

using Batch = std::variant<SpikeBatch, ErrorBatch, LinkHello, Heartbeat>;

std::string encode_frame(const SpikeBatch& batch);
std::string encode_frame(const ErrorBatch& batch);
std::string encode_frame(const LinkHello& hello);
std::string encode_frame(const Heartbeat& heartbeat);

// Splits a byte stream into batches. Feed it whatever the socket delivered; next() returns complete
// batches one by one. After a FrameError the stream is unusable (the peer is not speaking eligo).
class FrameDecoder {
 public:
  explicit FrameDecoder(std::uint32_t max_frame_bytes = kMaxFrameBytes) : max_(max_frame_bytes) {}
  void feed(std::string_view bytes);
  // The next complete batch, or false when more bytes are needed.
  bool next(Batch& out);
  std::size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  std::uint32_t max_;
  std::string buffer_;
  std::size_t consumed_ = 0;
};

// Decodes one Frame message body (without its length prefix).
Batch decode_frame_body(std::string_view body);

}  // namespace eligo::transport
