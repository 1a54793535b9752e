#include "actors/transport/frame_codec.hpp"

#include <messages.pb.h>  // generated from proto/eligo/messages.proto (eligo_proto)

#include <algorithm>
#include <limits>

namespace eligo::transport {
namespace {

constexpr std::uint32_t kMaxReadouts = 1u << 20;
constexpr std::uint32_t kMaxMultiplicity = 1u << 30;

void put_length(std::string& out, std::size_t n) {
  if (n > kMaxFrameBytes) throw FrameError("frame of " + std::to_string(n) + " bytes exceeds the limit");
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
}

std::string framed(const wire::Frame& frame) {
  std::string body;
  if (!frame.SerializeToString(&body)) throw FrameError("cannot encode a frame");
  std::string out;
  out.reserve(4 + body.size());
  put_length(out, body.size());
  out += body;
  return out;
}

SpikeBatch decode(const wire::SpikeBatch& m) {
  const int n = m.step_offset_size();
  if (m.local_index_delta_size() != n)
    throw FrameError("spike batch: " + std::to_string(n) + " step offsets but " +
                     std::to_string(m.local_index_delta_size()) + " indices");
  const bool plain = m.multiplicity_size() == 0 && m.kind_size() == 0;
  if (!plain && (m.multiplicity_size() != n || m.kind_size() != n))
    throw FrameError("spike batch: multiplicities and kinds must be absent or one per event");
  SpikeBatch b;
  b.slice = m.slice();
  b.first_step = m.first_step();
  b.sender_shard = m.sender_shard();
  b.sender_first_gid = m.sender_first_gid();
  b.events.resize(static_cast<std::size_t>(n));
  std::uint64_t index = 0;
  for (int i = 0; i < n; ++i) {
    SpikeEvent& e = b.events[static_cast<std::size_t>(i)];
    e.step_offset = m.step_offset(i);
    const bool new_step = i == 0 || e.step_offset != b.events[static_cast<std::size_t>(i) - 1].step_offset;
    if (i > 0 && e.step_offset < b.events[static_cast<std::size_t>(i) - 1].step_offset)
      throw FrameError("spike batch: event " + std::to_string(i) + " goes back in time");
    index = (new_step ? 0 : index) + m.local_index_delta(i);
    if (index > std::numeric_limits<std::uint32_t>::max())
      throw FrameError("spike batch: event " + std::to_string(i) + " has a local index beyond 2^32");
    e.local_index = static_cast<std::uint32_t>(index);
    if (!plain) {
      e.multiplicity = m.multiplicity(i);
      if (e.multiplicity < 1 || e.multiplicity > kMaxMultiplicity)
        throw FrameError("spike batch: event " + std::to_string(i) + " has multiplicity " +
                         std::to_string(e.multiplicity));
      if (m.kind(i) != wire::SPIKE && m.kind(i) != wire::FLUSH)
        throw FrameError("spike batch: event " + std::to_string(i) + " has an unknown kind");
      e.kind = m.kind(i) == wire::FLUSH ? EventKind::flush : EventKind::spike;
    }
  }
  return b;
}

ErrorBatch decode(const wire::ErrorBatch& m) {
  if (m.n_readouts() > kMaxReadouts) throw FrameError("error batch: " + std::to_string(m.n_readouts()) + " readouts");
  const std::uint64_t expected = std::uint64_t{m.n_readouts()} * m.n_steps();
  if (expected != static_cast<std::uint64_t>(m.eps_size()))
    throw FrameError("error batch: " + std::to_string(m.eps_size()) + " values for " + std::to_string(m.n_readouts()) +
                     " readouts × " + std::to_string(m.n_steps()) + " steps");
  ErrorBatch b;
  b.slice = m.slice();
  b.first_step = m.first_step();
  b.n_readouts = m.n_readouts();
  b.n_steps = m.n_steps();
  b.eps.assign(m.eps().begin(), m.eps().end());
  return b;
}

void check_session(const std::string& session) {
  if (session.size() > kMaxSessionBytes)
    throw FrameError("link hello: session of " + std::to_string(session.size()) + " bytes, the limit is " +
                     std::to_string(kMaxSessionBytes));
}

LinkHello decode(const wire::LinkHello& m) {
  check_session(m.session());
  return LinkHello{m.protocol_version(), m.node_index(), m.session()};
}

}  // namespace

std::string encode_frame(const SpikeBatch& batch) {
  wire::Frame frame;
  wire::SpikeBatch& m = *frame.mutable_spikes();
  m.set_slice(batch.slice);
  m.set_first_step(batch.first_step);
  m.set_sender_shard(batch.sender_shard);
  m.set_sender_first_gid(batch.sender_first_gid);
  const bool plain = std::all_of(batch.events.begin(), batch.events.end(),
                                 [](const SpikeEvent& e) { return e.multiplicity == 1 && e.kind == EventKind::spike; });
  std::uint32_t previous_step = 0, previous_index = 0;
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    const SpikeEvent& e = batch.events[i];
    const bool new_step = i == 0 || e.step_offset != previous_step;
    if (i > 0 && (e.step_offset < previous_step || (!new_step && e.local_index < previous_index)))
      throw FrameError("spike batch out of (step, index) order: cannot delta-code event " + std::to_string(i));
    m.add_step_offset(e.step_offset);
    m.add_local_index_delta(e.local_index - (new_step ? 0 : previous_index));
    if (!plain) {
      m.add_multiplicity(e.multiplicity);
      m.add_kind(e.kind == EventKind::flush ? wire::FLUSH : wire::SPIKE);
    }
    previous_step = e.step_offset;
    previous_index = e.local_index;
  }
  return framed(frame);
}

std::string encode_frame(const ErrorBatch& batch) {
  wire::Frame frame;
  wire::ErrorBatch& m = *frame.mutable_errors();
  m.set_slice(batch.slice);
  m.set_first_step(batch.first_step);
  m.set_n_readouts(batch.n_readouts);
  m.set_n_steps(batch.n_steps);
  m.mutable_eps()->Add(batch.eps.begin(), batch.eps.end());
  return framed(frame);
}

std::string encode_frame(const LinkHello& hello) {
  check_session(hello.session);
  wire::Frame frame;
  wire::LinkHello& m = *frame.mutable_hello();
  m.set_protocol_version(hello.protocol_version);
  m.set_node_index(hello.node_index);
  m.set_session(hello.session);
  return framed(frame);
}

std::string encode_frame(const Heartbeat&) {
  wire::Frame frame;
  frame.mutable_heartbeat();
  return framed(frame);
}

Batch decode_frame_body(std::string_view body) {
  wire::Frame frame;
  if (body.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      !frame.ParseFromArray(body.data(), static_cast<int>(body.size())))
    throw FrameError("frame of " + std::to_string(body.size()) + " bytes is not a valid Frame message");
  switch (frame.body_case()) {
    case wire::Frame::kSpikes:
      return decode(frame.spikes());
    case wire::Frame::kErrors:
      return decode(frame.errors());
    case wire::Frame::kHello:
      return decode(frame.hello());
    case wire::Frame::kHeartbeat:
      return Heartbeat{};
    default:
      throw FrameError("frame holds neither a spike batch nor an error batch nor a link hello nor a heartbeat");
  }
}

void FrameDecoder::feed(std::string_view bytes) {
  if (consumed_ > 0 && consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  }
  buffer_.append(bytes);
}

bool FrameDecoder::next(Batch& out) {
  if (buffered() < 4) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + consumed_);
  const std::uint32_t length =
      (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
  // Checked before waiting for (or allocating) the body: an oversized claim ends the stream at once.
  if (length > max_)
    throw FrameError("frame of " + std::to_string(length) + " bytes announced, the limit is " + std::to_string(max_));
  if (buffered() < 4 + std::size_t{length}) return false;
  out = decode_frame_body(std::string_view(buffer_).substr(consumed_ + 4, length));
  consumed_ += 4 + std::size_t{length};
  if (consumed_ > (1u << 20) && consumed_ * 2 > buffer_.size()) {  // keep the buffer from growing forever
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  return true;
}

}  // namespace eligo::transport
