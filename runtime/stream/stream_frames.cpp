// The streaming protocol's frames: length prefix, reassembly and the per-frame checks
// (runtime/stream/stream_frames.hpp).
#include "runtime/stream/stream_frames.hpp"

#include <cmath>
#include <limits>

namespace eligo::stream {
namespace {

constexpr std::size_t kLengthBytes = 4;

[[noreturn]] void bad_request(const std::string& text) { throw StreamFrameError(Error::BAD_REQUEST, text); }

// A client's string for an error text: at most a name's length, non-printable bytes as \xNN, so a
// megabyte of binary in a name gives a readable one-line error.
std::string quoted(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < kMaxNameBytes; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  out += s.size() > kMaxNameBytes ? "\"…" : "\"";
  return out;
}

void check_size(const char* field, std::size_t size, std::size_t limit) {
  if (size > limit)
    bad_request(std::string(field) + " of " + std::to_string(size) + " bytes, the limit is " + std::to_string(limit));
}

void check_entries(const char* field, int entries, int events) {
  if (entries != events)
    bad_request(std::string("Events: ") + field + " has " + std::to_string(entries) + " entries for " +
                std::to_string(events) + " events");
}

void check_interval(const char* message, std::uint64_t begin_us, std::uint64_t end_us) {
  if (end_us <= begin_us)
    bad_request(std::string(message) + ": end_us " + std::to_string(end_us) + " is not after begin_us " +
                std::to_string(begin_us));
}

void validate(const Hello& m) {
  check_size("Hello: token", m.token().size(), kMaxTokenBytes);
  check_size("Hello: client", m.client().size(), kMaxClientNameBytes);
  if (!m.start_from().empty() && !valid_name(m.start_from()))
    bad_request("Hello: start_from " + quoted(m.start_from()) + " is not a valid checkpoint name");
}

void validate(const Events& m) {
  const int n = m.dt_us_size();
  if (n < 1) bad_request("Events: no events (dt_us is empty)");
  if (static_cast<std::uint32_t>(n) > kMaxEventsPerFrame)
    bad_request("Events: " + std::to_string(n) + " events, the limit is " + std::to_string(kMaxEventsPerFrame));
  const bool pixels = m.x_size() > 0 || m.y_size() > 0 || m.polarity_size() > 0;
  if (m.channel_size() > 0 && pixels) bad_request("Events: both channel and x/y/polarity are set");
  if (m.channel_size() > 0) return check_entries("channel", m.channel_size(), n);
  if (!pixels) bad_request("Events: neither channel nor x/y/polarity is set");
  check_entries("x", m.x_size(), n);
  check_entries("y", m.y_size(), n);
  check_entries("polarity", m.polarity_size(), n);
}

void validate(const Target& m) {
  check_interval("Target", m.begin_us(), m.end_us());
  if (m.values_size() == 0) bad_request("Target: no values");
  for (int i = 0; i < m.values_size(); ++i)
    if (!std::isfinite(m.values(i)))
      bad_request("Target: values[" + std::to_string(i) + "] is " + std::to_string(m.values(i)) + ", not finite");
}

std::uint32_t read_length(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (std::uint32_t{u[0]} << 24) | (std::uint32_t{u[1]} << 16) | (std::uint32_t{u[2]} << 8) | u[3];
}

}  // namespace

std::string encode_frame(const google::protobuf::MessageLite& message, std::uint32_t max_frame_bytes) {
  const std::size_t size = message.ByteSizeLong();
  if (size == 0) throw StreamFrameError(Error::BAD_FRAME, "an empty message cannot be framed (no body)");
  if (size > max_frame_bytes)
    throw StreamFrameError(Error::BAD_FRAME, "a frame of " + std::to_string(size) + " bytes exceeds the limit of " +
                                                 std::to_string(max_frame_bytes));
  std::string out(kLengthBytes, '\0');
  for (std::size_t i = 0; i < kLengthBytes; ++i) out[i] = static_cast<char>((size >> (24 - 8 * i)) & 0xff);
  if (!message.AppendToString(&out)) throw StreamFrameError(Error::BAD_FRAME, "cannot encode a frame");
  return out;
}

StreamFrameDecoder::StreamFrameDecoder(std::uint32_t max_frame_bytes) : max_(max_frame_bytes) {
  if (max_ == 0 || max_ > static_cast<std::uint32_t>(std::numeric_limits<int>::max()))
    throw std::invalid_argument("stream frame limit " + std::to_string(max_) + " is not in 1 … INT_MAX bytes");
}

void StreamFrameDecoder::feed(std::string_view bytes) {
  if (failed()) return;
  // Frames already returned are dropped first, so the buffer holds at most the unread frames.
  if (consumed_ > 0) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  buffer_.append(bytes);
}

std::optional<std::uint32_t> StreamFrameDecoder::announced_length() const {
  if (buffered() < kLengthBytes) return std::nullopt;
  return read_length(buffer_.data() + consumed_);
}

std::uint32_t StreamFrameDecoder::wanted() const {
  if (failed()) return 0;
  const auto length = announced_length();
  if (!length) return static_cast<std::uint32_t>(kLengthBytes - buffered());
  if (*length == 0 || *length > max_) return 0;  // next() reports it
  const std::size_t frame = kLengthBytes + *length;
  return buffered() >= frame ? 0 : static_cast<std::uint32_t>(frame - buffered());
}

void StreamFrameDecoder::fail(Error::Code code, const std::string& text) {
  error_.emplace(code, "frame " + std::to_string(frames_ + 1) + ": " + text);
  buffer_.clear();  // nothing more is read from this stream, so nothing more is kept
  buffer_.shrink_to_fit();
  consumed_ = 0;
  throw *error_;
}

bool StreamFrameDecoder::next_message(google::protobuf::MessageLite& out, const char* type_name) {
  if (error_) throw *error_;
  const auto length = announced_length();
  if (!length) return false;
  // Checked before waiting for (or allocating) the body: a bad length ends the stream at once.
  if (*length == 0) fail(Error::BAD_FRAME, "length 0 (a frame always carries a body)");
  if (*length > max_)
    fail(Error::BAD_FRAME, "length " + std::to_string(*length) + " exceeds the limit of " + std::to_string(max_));
  if (buffered() < kLengthBytes + *length) return false;
  if (!out.ParseFromArray(buffer_.data() + consumed_ + kLengthBytes, static_cast<int>(*length)))
    fail(Error::BAD_FRAME, std::string("not a ") + type_name + " message");
  consumed_ += kLengthBytes + *length;
  ++frames_;
  return true;
}

bool StreamFrameDecoder::next(ClientFrame& out) { return next_message(out, "ClientFrame"); }
bool StreamFrameDecoder::next(ServerFrame& out) { return next_message(out, "ServerFrame"); }

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes || name.front() == '.') return false;
  for (const char c : name) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void validate(const ClientFrame& frame) {
  switch (frame.body_case()) {
    case ClientFrame::kHello:
      return validate(frame.hello());
    case ClientFrame::kEvents:
      return validate(frame.events());
    case ClientFrame::kLabel:
      return check_interval("Label", frame.label().begin_us(), frame.label().end_us());
    case ClientFrame::kTarget:
      return validate(frame.target());
    case ClientFrame::kSave:
      if (!valid_name(frame.save().name()))
        bad_request("Save: name " + quoted(frame.save().name()) +
                    " is not valid (1-64 of A-Z a-z 0-9 . _ -, not starting with '.')");
      return;
    case ClientFrame::kAdvance:
    case ClientFrame::kBye:
      return;
    case ClientFrame::BODY_NOT_SET:
      break;
  }
  bad_request("ClientFrame: no body set (or one this server does not know)");
}

void validate(const ServerFrame& frame) {
  if (frame.body_case() == ServerFrame::BODY_NOT_SET)
    bad_request("ServerFrame: no body set (or one this client does not know)");
}

std::uint64_t add_time(std::uint64_t t, std::uint64_t dt) {
  if (dt > std::numeric_limits<std::uint64_t>::max() - t) bad_request("event time overflows 64 bits");
  return t + dt;
}

}  // namespace eligo::stream
