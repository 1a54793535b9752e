#pragma once
// Turns a client's stream (proto/eligo/stream.proto) into samples, in event time (docs/streaming.md):
// events arrive in time order; a Label or Target declares a sample as a stretch [begin, end) of the
// stream; an Advance to T promises that nothing before T will come, so every declared sample that
// ends by T is complete. A complete sample's events become its input spikes exactly as a file's do in
// a labelled folder (event_encoding.hpp, times counted from the sample's begin), so a stream and the
// same recordings offline give the network the same samples.
//
// Channel events (an input index, no sensor) land in step ⌊(t − begin) / (1000 h)⌋ of their sample, and
// those beyond its sequence are dropped: a task's own samples replay exactly (`eligo bench stream`).
//
// Events outside every declared sample are dropped once an Advance passes them, and counted. A
// request that breaks the protocol (time going back, an unknown input or label, overlapping samples)
// is a StreamRequestError naming it; the session ends there.
#include <cstdint>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/data/sources/data_source.hpp"
#include "runtime/data/sources/event_encoding.hpp"

namespace eligo::stream {

class StreamRequestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StreamEncoding {
  std::optional<EventEncoding> sensor;  // how x, y, polarity events map to inputs; nullopt: channels only
  double resolution_ms = 1.0;
  Step sequence = 0;
  std::uint32_t n_in = 0, n_out = 0;
  bool classification = true;   // samples come as Labels (else as Targets)
  bool labels_required = true;  // a session that learns needs every sample's label
};

struct CompleteSample {
  Sample sample;
  bool labelled = false;
  std::uint64_t events = 0;  // of the stream, in the sample's stretch
};

class SampleAssembler {
 public:
  explicit SampleAssembler(StreamEncoding encoding);

  void add_sensor_event(std::uint64_t t_us, std::uint32_t x, std::uint32_t y, bool on);
  void add_channel_event(std::uint64_t t_us, std::uint32_t channel);
  void add_label(std::optional<std::uint32_t> label, std::uint64_t begin_us, std::uint64_t end_us);
  // values: per readout, one per step of the sample (readout-major).
  void add_target(std::uint64_t begin_us, std::uint64_t end_us, const std::vector<double>& values);
  // The samples completed by the promise that nothing before t_us will come, in stream order.
  std::vector<CompleteSample> advance(std::uint64_t t_us);
  // The end of the stream (Bye): every declared sample is complete, and the events after the last one
  // belong to none.
  std::vector<CompleteSample> close();

  std::size_t buffered_events() const { return events_.size(); }
  std::size_t pending_samples() const { return declared_.size(); }
  std::uint64_t events_outside_samples() const { return outside_; }

 private:
  struct StreamEvent {
    std::uint64_t t_us;
    std::uint32_t channel;  // the input, or the pixel's x for sensor events
    std::uint32_t y;
    bool on;
    bool sensor;
  };
  struct Declared {
    std::uint64_t begin, end;
    std::optional<std::uint32_t> label;
    TargetPatterns targets;
  };
  void check_time(std::uint64_t t_us, const char* what) const;
  void declare(Declared d);
  CompleteSample assemble(const Declared& d);

  StreamEncoding encoding_;
  std::deque<StreamEvent> events_;  // in time order, from the oldest not yet used or dropped
  std::deque<Declared> declared_;   // not yet complete, in time order
  std::uint64_t last_event_ = 0;    // time of the latest event
  std::uint64_t promised_ = 0;      // nothing before it may come
  std::uint64_t last_end_ = 0;      // end of the latest declared sample
  std::uint64_t outside_ = 0;
};

}  // namespace eligo::stream
