#pragma once
// What a network will take in memory, estimated from its sizes alone before anything is built or laid
// out: synapses (their count from the connection rules × the bytes each holds while it is built and
// while it runs), the history archive of every neuron, the neurons' own state, the samples the input
// streams hold, the recording of the last sequence, and the weights a run gathers for its digest and
// checkpoints. Each term names the settings it comes from, so that a refusal says which fields to
// lower (docs/robustness.md). The config loader refuses a config whose estimate exceeds the memory
// limit (ConfigOverrides::memory_limit), eligo bench its network, and eligo serve a session beyond
// its budget. The per-item figures are the layouts of runtime/synapses and runtime/archive, measured
// against peak RSS in docs/robustness.md; an estimate is about right, not exact.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/time.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo {

// The settings each size comes from, as a message names them: the config loader gives field paths
// ("populations[1].size", "connections[1].indegree"), eligo bench its flags. The defaults name the
// description's members.
struct SizeNames {
  std::string n_in = "n_in", n_rec = "n_rec", n_out = "n_out";
  // Per block: the fields of its rule's in-degree and connection probability.
  struct Block {
    std::string indegree, probability;
  };
  Block in_rec{"in_rec.indegree", "in_rec.probability"}, rec_rec{"rec_rec.indegree", "rec_rec.probability"},
      rec_out{"rec_out.indegree", "rec_out.probability"}, feedback{"feedback.indegree", "feedback.probability"};
  std::string cutoff = "rec.eprop_isi_trace_cutoff";  // the recurrent population's trace cutoff
};

// One sample as the task holds it while it is presented (the run itself is streamed).
struct SampleSize {
  Step sequence = 1;              // steps per sample
  std::string sequence_field;     // the setting it comes from, e.g. "task.sequence_steps"
  double input_spikes = 0.0;      // expected input spikes of one sample
  std::string input_spike_field;  // the settings they come from
  bool targets_per_step = false;  // regression: one target value per readout and step
  // The samples whose readout signals the supervisor holds until their iteration ends: the larger of
  // training.group_size and a held-out iteration (held_out_group), and the setting it comes from.
  std::int64_t samples_held = 1;
  std::string samples_held_field = "training.group_size";
};

struct MemoryTerm {
  std::string what;    // "synapses", "history", …
  std::string fields;  // the settings it grows with, "populations[1].size × connections[1].indegree"
  std::string values;  // their values, "100000 × 10000"
  double bytes = 0.0;
};

struct MemoryEstimate {
  std::vector<MemoryTerm> terms;  // largest first
  double total() const;
};

// What the run does besides stepping the network: a training run gathers every weight as a record for
// its digest and checkpoints each shard's state; eligo bench only digests weight columns.
enum class WeightGathering { records_and_checkpoints, columns };

MemoryEstimate estimate_memory(const NetworkDescription& net, const SampleSize& sample, const SizeNames& names = {},
                               WeightGathering gathering = WeightGathering::records_and_checkpoints);

// The sample of a network whose task is already laid out (net.sample_stream), without its input
// spikes: what a streaming session holds is counted by its own budget.
SampleSize laid_out_sample(const NetworkDescription& net);

struct MemoryLimit {
  std::uint64_t bytes = 0;
  std::string source;  // how messages name it: "--memory-limit", "this machine's memory"
};

// The refusal when the estimate exceeds the limit, naming the largest term's fields, e.g.
//   field "populations[1].size × connections[1].indegree",
//   problem "about 37.3 GiB of synapses (100000 × 10000 synapses); the network needs about 38 GiB, over
//            the memory limit of 22 GiB (--memory-limit) …"
struct MemoryRefusal {
  std::string field;
  std::string problem;
  std::string message() const { return field + ": " + problem; }
};
std::optional<MemoryRefusal> refuse_over_limit(const MemoryEstimate& estimate, const MemoryLimit& limit);

// The physical memory of this machine, or the cgroup's limit when that is lower.
MemoryLimit machine_memory();

// "4GiB", "512 MiB", "1.5TiB", "800KiB": a positive number and a binary unit (KiB, MiB, GiB, TiB; case
// does not matter). Anything else is std::nullopt.
std::optional<std::uint64_t> parse_memory_size(std::string_view text);

// 37.3 GiB, 512 MiB, 12 KiB, 100 bytes: three significant digits in the largest unit that is at least 1.
std::string format_memory_size(double bytes);

}  // namespace eligo
