#pragma once
// `eligo stream`: a client of `eligo serve` (docs/streaming.md). It streams one event file, or every
// file of a labelled folder (Train/<label>/*, in sorted path order, as `eligo train --order sorted`
// takes them), one sample after another on the session's time line: sample k is the stretch
// [begin_k, begin_k + last event time + 1) of the stream, its events at begin_k + their file time.
// The server then maps them to inputs as its config maps a sensor, so the session learns from the
// very samples an offline run reads.
#include <stream.pb.h>  // generated from proto/eligo/stream.proto (eligo_proto)

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runtime/data/sources/data_source.hpp"

namespace eligo::stream {

struct ClientOptions {
  std::string host;
  std::uint16_t port = 0;
  bool insecure = false;                      // plain TCP
  std::filesystem::path ca_file;              // TLS: the CA the server's certificate is under
  std::filesystem::path cert_file, key_file;  // a client certificate (or give a token)
  std::optional<std::string> token;
  std::filesystem::path events;        // an event file or a labelled folder
  std::optional<std::uint32_t> label;  // a single file's label
  bool learn = true;
  std::optional<std::string> save;  // checkpoint name at the end
  std::string start_from;           // a network this server saved (empty: the config's)
  std::string client_name = "eligo stream";
};

struct StreamedSample {
  std::int64_t sample = 0;
  std::optional<std::uint32_t> label;
  std::uint32_t prediction = 0;
  double latency_ms = 0.0;  // from sending the Advance that completed the sample to its answer
};

// One sample to stream: events at times relative to the sample's begin, in time order.
struct ClientEvent {
  std::uint64_t t_us = 0;
  std::uint32_t x = 0, y = 0;  // channel events: x is the input
  bool on = false;
};
struct ClientSample {
  std::vector<ClientEvent> events;
  bool channels = false;  // the events name inputs, not pixels
  std::optional<std::uint32_t> label;
  std::vector<double> targets;    // regression: per readout, a value per step (a Target, not a Label)
  std::uint64_t duration_us = 0;  // 0: up to the last event
};

struct StreamSummary {
  std::uint64_t samples = 0, events = 0;
  double accuracy = -1.0;
  std::string weights_digest;
  double seconds = 0.0;
  std::optional<std::string> saved;  // name, when --save was given and the server saved
  std::string saved_digest;          // the saved network's weights
  double latency_p50_ms = 0.0, latency_p99_ms = 0.0;
};

class StreamClientError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using SampleCallback = std::function<void(const StreamedSample&)>;

// A task's own sample as a client streams it: spike (step r, input i) is a channel event at r steps of
// time, the sample lasts its sequence, and it carries its label or (regression) its targets. The
// server then rebuilds exactly that sample (runtime/stream/sample_assembler.hpp).
ClientSample client_sample_of(const Sample& s, Step sequence, double resolution_ms);

// Connects, streams, and reports every sample's answer as it arrives. Throws StreamClientError with
// the server's Error text, or naming the file or connection problem.
StreamSummary stream_events(const ClientOptions& options, const SampleCallback& on_sample);

// The same for samples from anywhere: `next` gives them one by one (nullopt: no more), knowing the
// server's Welcome. The options' events and label are not used.
using SampleSource = std::function<std::optional<ClientSample>(const Welcome&)>;
StreamSummary stream_samples(const ClientOptions& options, const SampleSource& next, const SampleCallback& on_sample);

}  // namespace eligo::stream
