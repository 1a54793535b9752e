#pragma once
// One streaming session of `eligo serve` (docs/architecture.md §10): its own network, built from the
// server's config, runs open-ended on the server's shared actor system and learns from the samples a
// client streams. The session lets the network run a step only once the samples that step reads are
// complete, so it advances in event time, never wall time: the same samples give the same weights as
// an offline run of the config on them, whatever the timing of the stream.
//
// The connection (stream_connection.hpp) adds complete samples and asks for saves and the end; the
// session's run thread reports results to a SessionListener as the network produces them.
#include <atomic>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "actors/coordinator.hpp"
#include "actors/stream/sample_log.hpp"
#include "runtime/config/training_config.hpp"
#include "runtime/network/network_builder.hpp"
#include "runtime/stream/sample_assembler.hpp"

namespace eligo::stream {

struct SessionOptions {
  std::string id;
  bool learn = true;
  std::optional<std::vector<WeightRecord>> start_weights;  // a saved network's, else the config's
  std::filesystem::path save_root;                         // Save writes save_root/NAME
  std::string config_path, config_digest;                  // for saved checkpoints' manifests
  std::uint64_t memory_budget = 0;  // a network estimated above it is refused before it is built; 0: any
};

// The session's network would not fit its memory budget (SessionOptions::memory_budget).
class SessionOverBudget : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SampleResult {
  std::int64_t sample = 0;
  Step step = 0;  // the network step of the sample's last readout value
  std::vector<double> scores;
  std::uint32_t prediction = 0;
  std::optional<std::uint32_t> label;
  double loss = 0.0;
};

class SessionListener {
 public:
  virtual ~SessionListener() = default;
  // All called on the session's run thread.
  virtual void samples_done(std::vector<SampleResult> results) = 0;
  virtual void saved(const std::string& name, std::int64_t samples, const std::string& weights_digest) = 0;
  virtual void finished(const actors::RunResult& result) = 0;
  virtual void failed(const std::string& why) = 0;  // the run failed, or a save could not be written
};

class StreamSession {
 public:
  // Throws std::invalid_argument when the config cannot run as a stream, SessionOverBudget when its
  // network would exceed the memory budget.
  StreamSession(const TrainingSetup& setup, SessionOptions options, caf::actor_system& sys, SessionListener& listener);
  ~StreamSession();  // aborts a session still running, and waits for its thread
  StreamSession(const StreamSession&) = delete;
  StreamSession& operator=(const StreamSession&) = delete;

  // How the client's stream maps to samples (for the assembler and the Welcome).
  const StreamEncoding& encoding() const { return encoding_; }
  Step slice_steps() const { return slice_steps_; }
  // What the network takes, as estimated from its sizes before it was built (runtime/config/memory_estimate.hpp).
  std::uint64_t network_bytes() const { return network_bytes_; }

  // From the connection: complete samples, in order.
  void add(std::vector<CompleteSample> samples);
  // Checkpoints the network once it has run every sample added so far.
  void save(const std::string& name);
  // No more samples: the run ends after them, and `finished` reports it.
  void finish();
  // Stops the run now (the client is gone); `failed` may still be reported.
  void abort();

  std::int64_t added() const { return added_.load(); }
  std::int64_t done() const { return done_.load(); }  // samples whose results were reported
  // Samples added whose answers need no sample still to come: what backpressure may wait for (docs/streaming.md §4).
  std::int64_t runnable() const;

 private:
  struct PendingSave {
    Step slice;
    std::string name;
    std::int64_t samples;
  };
  void run();
  void started(const actors::RunningNetwork& running);
  void send_limits();  // with mutex_ held
  void send_end();     // with mutex_ held
  void on_iteration(const actors::IterationReport& report);
  void on_checkpoint(const actors::CheckpointParts& parts);
  Step input_limit(std::int64_t samples) const;
  Step readout_limit(std::int64_t samples) const;

  const TrainingSetup& setup_;
  SessionOptions options_;
  caf::actor_system& sys_;
  SessionListener& listener_;
  NetworkDescription net_;
  SampleLayout layout_;
  StreamEncoding encoding_;
  actors::IterationPlan plan_;
  Step slice_steps_ = 1;
  std::int64_t lookahead_samples_ = 0;  // later samples a sample's answer waits for
  std::uint64_t network_bytes_ = 0;
  std::shared_ptr<SampleLog> log_;
  std::optional<BuiltNetwork> built_;  // until the run thread takes it

  std::mutex mutex_;
  std::optional<actors::RunningNetwork> running_;
  std::deque<bool> labelled_;  // per sample not yet reported, from done_ on
  bool finishing_ = false;
  bool aborted_ = false;
  std::vector<PendingSave> saves_;
  std::atomic<std::int64_t> added_{0}, done_{0};
  std::thread thread_;
};

}  // namespace eligo::stream
