#pragma once
// The frame layer of the streaming protocol of `eligo serve` (proto/eligo/stream.proto,
// docs/streaming.md): ClientFrame and ServerFrame messages as length-prefixed protobuf frames, and the
// checks every client frame passes before a session uses it.
//
//   frame = length (4 bytes, big-endian, 1 … max_frame_bytes) · ClientFrame or ServerFrame (length bytes)
//
// Pure bytes in, messages out: no sockets, no threads. A frame's length is checked before anything is
// buffered or allocated for its body, so a client claiming gigabytes costs an error, not the memory.
// A bad frame is a StreamFrameError carrying the Error code the server sends back, never a crash.
#include <stream.pb.h>  // generated from proto/eligo/stream.proto (eligo_proto)

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace eligo::stream {

inline constexpr std::uint32_t kDefaultMaxFrameBytes = 4u << 20;  // 4 MiB: about a million delta-coded events
inline constexpr std::uint32_t kMaxEventsPerFrame = 1u << 20;
inline constexpr std::size_t kMaxNameBytes = 64;  // checkpoint names (Save, Hello.start_from)
inline constexpr std::size_t kMaxTokenBytes = 4096;
inline constexpr std::size_t kMaxClientNameBytes = 256;

// BAD_FRAME: malformed, truncated or oversized bytes. BAD_REQUEST: a well-formed message whose content
// breaks the protocol's rules. (BAD_VERSION and the rest are the session's to decide.)
class StreamFrameError : public std::runtime_error {
 public:
  StreamFrameError(Error::Code code, const std::string& text) : std::runtime_error(text), code_(code) {}
  Error::Code code() const { return code_; }

 private:
  Error::Code code_;
};

// The 4-byte big-endian length, then the serialized message. Throws BAD_FRAME when the message is
// empty (a frame always carries a body) or larger than max_frame_bytes.
std::string encode_frame(const google::protobuf::MessageLite& message,
                         std::uint32_t max_frame_bytes = kDefaultMaxFrameBytes);

// Splits a byte stream into frames. Feed it whatever the socket delivered; next() returns complete
// frames one by one. After a StreamFrameError the decoder stays failed: next() throws the same error
// again and feed() drops its bytes (the peer is not speaking the protocol).
class StreamFrameDecoder {
 public:
  // max_frame_bytes must be 1 … INT_MAX (protobuf parses at most that); else std::invalid_argument.
  explicit StreamFrameDecoder(std::uint32_t max_frame_bytes = kDefaultMaxFrameBytes);

  void feed(std::string_view bytes);
  // The next complete frame, or false when more bytes are needed. Throws BAD_FRAME for a length of 0
  // or above the limit (as soon as the 4 length bytes are in) and for a body that does not parse.
  // The server decodes ClientFrames, a client ServerFrames.
  bool next(ClientFrame& out);
  bool next(ServerFrame& out);

  std::size_t buffered() const { return buffer_.size() - consumed_; }
  // Bytes still needed to complete the current frame: the rest of the length while it is incomplete,
  // then the rest of the body. 0 when a frame is complete (call next()), or after an error. A reader
  // that reads exactly this much never buffers more than one frame, so the socket is read only as fast
  // as the session consumes frames (backpressure).
  std::uint32_t wanted() const;
  // Some bytes of an incomplete frame are buffered: a peer that closes now vanished mid-frame.
  bool mid_frame() const { return buffered() > 0 && wanted() > 0; }
  bool failed() const { return error_.has_value(); }

 private:
  std::optional<std::uint32_t> announced_length() const;  // once the 4 length bytes are in
  void check_length();                                    // fails the decoder on a bad length
  [[noreturn]] void fail(Error::Code code, const std::string& text);
  bool next_message(google::protobuf::MessageLite& out, const char* type_name);

  std::uint32_t max_;
  std::string buffer_;
  std::size_t consumed_ = 0;
  std::uint64_t frames_ = 0;  // frames decoded so far, so errors can say "frame N" (1-based)
  std::optional<StreamFrameError> error_;
};

// A checkpoint name: 1 … kMaxNameBytes of [A-Za-z0-9._-], not starting with '.' (so never "." or "..",
// and never a hidden file), hence safe as a file name.
bool valid_name(std::string_view name);

// Throws BAD_REQUEST naming the field when a decoded ClientFrame breaks the rules of stream.proto that
// need no session state (the body is set, sizes agree and are bounded, intervals are non-empty, values
// finite, names valid). Ordering in time and the protocol version are the session's to check.
void validate(const ClientFrame& frame);
// The client's side: the body is set.
void validate(const ServerFrame& frame);

// t + dt of two event times, or BAD_REQUEST "event time overflows 64 bits".
std::uint64_t add_time(std::uint64_t t, std::uint64_t dt);

}  // namespace eligo::stream
