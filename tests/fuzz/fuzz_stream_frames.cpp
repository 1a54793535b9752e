// Fuzz target (tests/fuzz/fuzz_target.hpp): arbitrary bytes from a streaming client into the stream frame decoder and
// the frame checks (runtime/stream/stream_frames.hpp). Any StreamFrameError is a correct answer; a crash, a sanitizer
// report or an allocation beyond the frame limit is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/stream/stream_frames.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

void drain(eligo::stream::StreamFrameDecoder& decoder) {
  eligo::stream::ClientFrame frame;
  while (decoder.next(frame)) {
    eligo::stream::validate(frame);
    // A frame that passed the checks must go back on the wire and come out valid again.
    eligo::stream::StreamFrameDecoder again;
    again.feed(eligo::stream::encode_frame(frame));
    eligo::stream::ClientFrame copy;
    eligo::fuzz::expect(again.next(copy), "a checked frame decodes again");
    eligo::stream::validate(copy);
  }
}

}  // namespace

ELIGO_FUZZ_TARGET(stream_frames) {
  eligo::stream::StreamFrameDecoder decoder(1u << 16);
  // Feed in two pieces, so that reassembly is exercised too.
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    decoder.feed(bytes.substr(0, size / 2));
    drain(decoder);
    decoder.feed(bytes.substr(size / 2));
    drain(decoder);
  } catch (const eligo::stream::StreamFrameError&) {
  }
}
