// Fuzz target (tests/fuzz/fuzz_target.hpp): arbitrary bytes from a socket into the data plane's frame decoder
// (actors/transport/frame_codec.hpp). Any FrameError is a correct answer; a crash, a sanitizer report
// or an allocation beyond the frame limit is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "actors/transport/frame_codec.hpp"
#include "tests/fuzz/fuzz_target.hpp"

ELIGO_FUZZ_TARGET(frame_decoder) {
  eligo::transport::FrameDecoder decoder(1u << 20);
  // Feed in two pieces, so that reassembly is exercised too.
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    eligo::transport::Batch batch;
    decoder.feed(bytes.substr(0, size / 2));
    while (decoder.next(batch)) {
    }
    decoder.feed(bytes.substr(size / 2));
    while (decoder.next(batch)) {
    }
  } catch (const eligo::transport::FrameError&) {
  }
}
