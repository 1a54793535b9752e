// The data plane's frames (actors/transport/frame_codec.*): round trips, size, and clear errors for
// truncated, oversized, garbage and inconsistent frames.
#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "actors/transport/frame_codec.hpp"

namespace {

using namespace eligo;
using namespace eligo::transport;

SpikeBatch example_spikes(bool with_flush) {
  SpikeBatch b;
  b.slice = 41;
  b.first_step = 123;
  b.sender_shard = 3;
  b.sender_first_gid = 5000;
  for (std::uint32_t step = 0; step < 3; ++step)
    for (std::uint32_t j = step; j < 200; j += 7) b.events.push_back({step, j, 1, EventKind::spike});
  if (with_flush) {
    b.events.push_back({3, 4, 1, EventKind::flush});
    b.events.push_back({3, 9, 3, EventKind::spike});
  }
  return b;
}

template <class T>
T decoded(const std::string& frame) {
  FrameDecoder d;
  d.feed(frame);
  Batch b;
  REQUIRE(d.next(b));
  CHECK(d.buffered() == 0);
  REQUIRE(std::holds_alternative<T>(b));
  return std::get<T>(b);
}

std::string error_of(const std::string& bytes, std::uint32_t max = kMaxFrameBytes) {
  FrameDecoder d(max);
  d.feed(bytes);
  Batch b;
  try {
    while (d.next(b)) {
    }
  } catch (const FrameError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("spike and error batches survive the wire unchanged", "[transport]") {
  for (bool flush : {false, true}) {
    const SpikeBatch b = example_spikes(flush);
    CHECK(decoded<SpikeBatch>(encode_frame(b)) == b);
  }
  ErrorBatch e;
  e.slice = 7;
  e.first_step = 14;
  e.n_readouts = 3;
  e.n_steps = 2;
  e.eps = {0.5, -1e-300, 3.25, -0.0, 1e300, 42.0};
  CHECK(decoded<ErrorBatch>(encode_frame(e)) == e);
  CHECK(decoded<SpikeBatch>(encode_frame(SpikeBatch{})) == SpikeBatch{});
}

TEST_CASE("a heartbeat is a frame of a few bytes that decodes as itself", "[transport]") {
  const std::string frame = encode_frame(Heartbeat{});
  CHECK(frame.size() <= 8);
  decoded<Heartbeat>(frame);
  // Two in one feed come out one at a time.
  FrameDecoder d;
  d.feed(frame + frame);
  Batch b;
  REQUIRE(d.next(b));
  CHECK(std::holds_alternative<Heartbeat>(b));
  CHECK(d.buffered() == frame.size());
  REQUIRE(d.next(b));
  CHECK(std::holds_alternative<Heartbeat>(b));
  CHECK(d.buffered() == 0);
  CHECK_FALSE(d.next(b));
}

TEST_CASE("plain spikes cost about 2 bytes each on the wire", "[transport]") {
  const SpikeBatch b = example_spikes(false);
  const double per_spike = static_cast<double>(encode_frame(b).size()) / static_cast<double>(b.events.size());
  INFO(b.events.size() << " spikes, " << per_spike << " bytes each");
  CHECK(per_spike < 2.5);
}

TEST_CASE("frames split anywhere reassemble, several per feed", "[transport]") {
  const SpikeBatch a = example_spikes(true);
  ErrorBatch e;
  e.n_readouts = 1;
  e.n_steps = 1;
  e.eps = {2.0};
  const std::string stream = encode_frame(a) + encode_frame(e) + encode_frame(a);
  for (std::size_t chunk : {1, 3, 7, 64, 4096}) {
    FrameDecoder d;
    std::vector<Batch> got;
    for (std::size_t at = 0; at < stream.size(); at += chunk) {
      d.feed(std::string_view(stream).substr(at, chunk));
      Batch b;
      while (d.next(b)) got.push_back(b);
    }
    REQUIRE(got.size() == 3);
    CHECK(std::get<SpikeBatch>(got[0]) == a);
    CHECK(std::get<ErrorBatch>(got[1]) == e);
    CHECK(std::get<SpikeBatch>(got[2]) == a);
  }
}

TEST_CASE("bad frames get an error that names the problem", "[transport]") {
  // An announced length above the limit is refused before the body arrives.
  CHECK_THAT(error_of(std::string("\x7f\xff\xff\xff", 4)), Catch::Contains("limit"));
  CHECK_THAT(error_of(encode_frame(example_spikes(false)), 16), Catch::Contains("limit is 16"));
  // Garbage that fits the limit is not a Frame.
  CHECK_THAT(error_of(std::string("\0\0\0\x05\xff\xff\xff\xff\xff", 9)), Catch::Contains("not a valid Frame"));
  CHECK_THAT(error_of(std::string("\0\0\0\0", 4)), Catch::Contains("neither"));
  // A truncated frame waits for more bytes instead of failing or reading past the end.
  const std::string whole = encode_frame(example_spikes(true));
  FrameDecoder d;
  d.feed(std::string_view(whole).substr(0, whole.size() - 1));
  Batch b;
  CHECK_FALSE(d.next(b));
  // Inconsistent content.
  ErrorBatch e;
  e.n_readouts = 2;
  e.n_steps = 3;
  e.eps = {1.0};
  CHECK_THAT(error_of(encode_frame(e)), Catch::Contains("1 values for 2 readouts"));
  SpikeBatch back = example_spikes(false);
  std::swap(back.events.front(), back.events.back());
  CHECK_THROWS_AS(encode_frame(back), FrameError);
}

TEST_CASE("random bytes never crash the decoder", "[transport]") {
  std::mt19937_64 rng(7);
  const std::string valid = encode_frame(example_spikes(true));
  for (int trial = 0; trial < 2000; ++trial) {
    std::string bytes = valid;
    for (int flips = 0; flips < 1 + trial % 8; ++flips) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    // Damaged bytes end in one of two ways, never a crash or a hang: a FrameError that says what is
    // wrong, or batches that pass validation (the encoder validates, so each re-encodes).
    FrameDecoder d;
    d.feed(bytes);
    Batch b;
    try {
      while (d.next(b)) {
        CHECK_NOTHROW(std::visit([](const auto& batch) { return encode_frame(batch); }, b));
      }
    } catch (const FrameError& e) {
      CHECK(std::string(e.what()).size() > 10);
    }
  }
}
