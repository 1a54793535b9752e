// Fuzz target (tests/fuzz/fuzz_target.hpp): arbitrary bytes from a streaming client through the frame decoder and
// checks into the sample assembler (runtime/stream/sample_assembler.hpp), as a server session applies them: a 34 × 34
// sensor pooled to 8 × 8, 128 inputs, 3 labels, 60-step samples. Any StreamFrameError or StreamRequestError is a
// correct answer; a crash, a sanitizer report or a sample whose spikes fall outside its inputs or steps is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runtime/stream/sample_assembler.hpp"
#include "runtime/stream/stream_frames.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

using namespace eligo;
using namespace eligo::stream;

StreamEncoding encoding() {
  SensorMapping sensor = SensorMapping::identity(34, 34);
  sensor.grid_width = sensor.grid_height = 8;
  StreamEncoding e;
  e.sensor = EventEncoding{sensor, 1.0, 60};
  e.sequence = 60;
  e.n_in = 128;
  e.n_out = 3;
  e.labels_required = false;
  return e;
}

void check(const std::vector<CompleteSample>& samples) {
  for (const CompleteSample& s : samples) {
    eligo::fuzz::expect(s.sample.label < 3, "labels within the readouts");
    for (const InputSpike& x : s.sample.spikes)
      eligo::fuzz::expect(x.input < 128 && x.step >= 0 && x.step < 60, "spikes inside the sample");
  }
}

void apply(SampleAssembler& a, std::uint64_t& t, const ClientFrame& f) {
  switch (f.body_case()) {
    case ClientFrame::kEvents: {
      const Events& e = f.events();
      for (int i = 0; i < e.dt_us_size(); ++i) {
        t = add_time(t, e.dt_us(i));
        if (e.channel_size() > 0)
          a.add_channel_event(t, e.channel(i));
        else
          a.add_sensor_event(t, e.x(i), e.y(i), e.polarity(i));
      }
      return;
    }
    case ClientFrame::kLabel:
      return a.add_label(f.label().has_label() ? std::optional<std::uint32_t>(f.label().label()) : std::nullopt,
                         f.label().begin_us(), f.label().end_us());
    case ClientFrame::kTarget:
      return a.add_target(f.target().begin_us(), f.target().end_us(),
                          {f.target().values().begin(), f.target().values().end()});
    case ClientFrame::kAdvance:
      return check(a.advance(f.advance().time_us()));
    case ClientFrame::kBye:
      return check(a.close());
    default:
      return;
  }
}

}  // namespace

ELIGO_FUZZ_TARGET(stream_samples) {
  StreamFrameDecoder decoder(1u << 16);
  SampleAssembler assembler(encoding());
  std::uint64_t t = 0;
  try {
    decoder.feed(std::string_view(reinterpret_cast<const char*>(data), size));
    ClientFrame frame;
    while (decoder.next(frame)) {
      validate(frame);
      apply(assembler, t, frame);
    }
  } catch (const StreamFrameError&) {
  } catch (const StreamRequestError&) {
  }
}
