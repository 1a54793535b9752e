#include "runtime/config/memory_estimate.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>

#include "runtime/core/format_number.hpp"
#include "runtime/network/eprop_mode.hpp"

namespace eligo {
namespace {

// Per synapse (runtime/synapses/eprop_synapses.*): target (4 bytes) and weight (8) always; with
// plasticity the gradient, the cumulated gradient unless every event steps the optimizer, Adam's two
// moments, and for recurrent targets the traces ē, ē_reg (and ε_a for adaptive neurons). While a
// shard is built its construction lists (source, target, weight: 16 bytes) stand beside them.
constexpr double kTargetAndWeight = 4 + 8;
constexpr double kConstructionList = 16;
// A feedback connection (readout, target, weight) and the buffer of its stable sort.
constexpr double kFeedbackBytes = 2 * 16;
// A neuron's own state, input buffers, final-update targets, and its entries in each shard's source
// index and per-source bookkeeping (a few shards): about 40 numbers.
constexpr double kNeuronBytes = 320;
// History per neuron and stored step: ψ, L, fr_reg (recurrent) or ε (readout), as doubles; with the
// closed form also a summary row (a cache line) and a prefix entry (runtime/synapses/window_summaries.hpp).
constexpr double kRecurrentRowBytes = 3 * 8, kReadoutRowBytes = 8;
constexpr double kRecurrentSummaryBytes = 64 + 5 * 8, kReadoutSummaryBytes = 64 + 2 * 8;
// An input spike of a sample (step, input) and a target value; the samples each stream holds (the one
// presented, the read-ahead, and one a window may straddle) for each input shard and the readout.
constexpr double kInputSpikeBytes = 16, kTargetValueBytes = 8;
constexpr double kSamplesHeld = 8;
// Readout and target signals per readout and step: the recording of the last sequence, and the supervisor's
// buffers of an iteration's sequences.
constexpr double kRecordedBytesPerReadoutStep = 2 * 8;
// What a run gathers per synapse: a weight record (source, target, weight) for the digest and
// weights.bin, or a column entry (eligo bench).
constexpr double kWeightRecordBytes = 24, kWeightColumnBytes = 8;

// The state of one synapse as it runs (without the construction lists).
double synapse_state_bytes(const NetworkDescription& net, bool recurrent_target) {
  double b = kTargetAndWeight;
  if (!net.plastic) return b;
  b += 8;  // gradient
  if (net.optimizer.optimize_each_step || net.optimizer.batch_size > 1) b += 8;
  if (net.optimizer.type == OptimizerType::adam) b += 16;
  if (recurrent_target) b += is_adaptive(net.rec_model) ? 24 : 16;
  return b;
}

std::string show_count(double x) {
  if (x < 1e15 && x == std::floor(x)) return std::to_string(static_cast<std::uint64_t>(x));
  return format_number(x);
}

// A sum among the factors is bracketed: "n_out × (a + b)", not "n_out × a + b".
std::string times(std::initializer_list<std::string> parts) {
  std::string s;
  for (const std::string& p : parts) {
    const bool sum = p.find(" + ") != std::string::npos && !(p.front() == '(' && p.back() == ')');
    s += (s.empty() ? "" : " × ") + (sum ? "(" + p + ")" : p);
  }
  return s;
}

struct Block {
  const char* what;
  const ConnectionList& list;
  const std::optional<GeneratedConnections>& rule;
  const SizeNames::Block& names;
  std::uint32_t n_source, n_target;
  const std::string &source_name, &target_name;
  bool same_population, recurrent_target, feedback;
};

// The block's synapse count, and the fields and values it comes from in a term without bytes.
double synapse_count(const Block& b, MemoryTerm& t) {
  t.what = b.what;
  if (!b.rule) {
    t.fields = "the listed " + std::string(b.what);
    t.values = show_count(static_cast<double>(b.list.size()));
    return static_cast<double>(b.list.size());
  }
  const std::string s = show_count(b.n_source), n = show_count(b.n_target);
  switch (b.rule->rule) {
    case ConnectionRule::all_to_all:
      t.fields = times({b.source_name, b.target_name});
      t.values = times({s, n});
      break;
    case ConnectionRule::one_to_one:
      t.fields = b.target_name;
      t.values = n;
      break;
    case ConnectionRule::fixed_indegree:
      t.fields = times({b.target_name, b.names.indegree});
      t.values = times({n, show_count(b.rule->indegree)});
      break;
    case ConnectionRule::pairwise_bernoulli:
      t.fields = times({b.source_name, b.target_name, b.names.probability});
      t.values = times({s, n, format_number(b.rule->probability)});
      break;
  }
  return expected_connections(*b.rule, b.n_source, b.n_target, b.same_population);
}

}  // namespace

double MemoryEstimate::total() const {
  double sum = 0.0;
  for (const MemoryTerm& t : terms) sum += t.bytes;
  return sum;
}

SampleSize laid_out_sample(const NetworkDescription& net) {
  SampleSize s;
  if (net.sample_stream) s.sequence = net.sample_stream->layout.sequence;
  s.sequence_field = "the task's sequence";
  return s;
}

MemoryEstimate estimate_memory(const NetworkDescription& net, const SampleSize& sample, const SizeNames& names,
                               WeightGathering gathering) {
  MemoryEstimate e;
  const Block blocks[] = {
      {"input → recurrent synapses", net.in_rec, net.in_rec_rule, names.in_rec, net.n_in, net.n_rec, names.n_in,
       names.n_rec, false, true, false},
      {"recurrent → recurrent synapses", net.rec_rec, net.rec_rec_rule, names.rec_rec, net.n_rec, net.n_rec,
       names.n_rec, names.n_rec, true, true, false},
      {"recurrent → readout synapses", net.rec_out, net.rec_out_rule, names.rec_out, net.n_rec, net.n_out, names.n_rec,
       names.n_out, false, false, false},
      {"feedback connections", net.out_rec_feedback, net.out_rec_feedback_rule, names.feedback, net.n_out, net.n_rec,
       names.n_out, names.n_rec, false, true, true},
  };
  // The weights gathered at the end and the shards' state in checkpoints, named by the largest block.
  MemoryTerm gather{gathering == WeightGathering::columns ? "weights gathered for the digest"
                                                          : "weights and state gathered for the digest and checkpoints",
                    "", "", 0.0};
  double largest = 0.0;
  for (const Block& b : blocks) {
    if (b.feedback && !net.plastic) continue;  // without plasticity no learning signal is sent
    MemoryTerm t;
    const double count = synapse_count(b, t);
    if (count <= 0.0) continue;
    const double state = b.feedback ? kFeedbackBytes : synapse_state_bytes(net, b.recurrent_target);
    t.bytes = count * (b.feedback ? state : state + kConstructionList);
    if (!b.feedback) {
      const double per = gathering == WeightGathering::columns
                             ? kWeightColumnBytes
                             : kWeightRecordBytes + (net.plastic ? state - 4 : 0.0);  // the state but targets
      // The construction lists are freed before anything is gathered: only what exceeds them adds to the peak.
      gather.bytes += count * std::max(per - kConstructionList, 0.0);
      if (count > largest) {
        largest = count;
        gather.fields = t.fields;
        gather.values = t.values;
      }
    }
    e.terms.push_back(std::move(t));
  }
  if (gather.bytes > 0.0) e.terms.push_back(std::move(gather));

  const double neurons = static_cast<double>(net.n_in) + net.n_rec + net.n_out;
  e.terms.push_back({"neuron state", names.n_in + " + " + names.n_rec + " + " + names.n_out,
                     show_count(net.n_in) + " + " + show_count(net.n_rec) + " + " + show_count(net.n_out),
                     neurons * kNeuronBytes});

  if (net.plastic) {  // static networks keep no history
    const double cutoff_ms = net.rec.eprop_isi_trace_cutoff;
    const double cutoff = std::isfinite(cutoff_ms) ? std::max(1.0, std::round(cutoff_ms / net.resolution_ms))
                                                   : std::numeric_limits<double>::infinity();
    // An update reads back to the source's last event, at most the cutoff: the shorter of the cutoff
    // and one sequence, a guess of how long sources stay silent (one silent longer holds more).
    const bool by_cutoff = cutoff < static_cast<double>(sample.sequence);
    // A ring of a power of two rows holds the window an update may read, the delays and the current step.
    const double window = (by_cutoff ? cutoff : static_cast<double>(sample.sequence)) +
                          static_cast<double>(std::max(net.in_rec_delay, net.rec_rec_delay)) + 2.0;
    const double rows = std::exp2(std::ceil(std::log2(std::max(window, 1.0))));
    const ClosedFormChoice closed = choose_closed_form(net);
    const double rec_row = kRecurrentRowBytes + (closed.recurrent ? kRecurrentSummaryBytes : 0.0);
    const double out_row = kReadoutRowBytes + (closed.readout ? kReadoutSummaryBytes : 0.0);
    const std::string& length_field = by_cutoff ? names.cutoff : sample.sequence_field;
    const std::string length_value = by_cutoff ? format_number(cutoff_ms) + " ms" : show_count(sample.sequence);
    e.terms.push_back({"history", times({"(" + names.n_rec + " + " + names.n_out + ")", length_field}),
                       times({show_count(static_cast<double>(net.n_rec) + net.n_out), length_value}),
                       rows * (net.n_rec * rec_row + net.n_out * out_row)});
  }

  const double spikes = sample.input_spikes * kInputSpikeBytes * kSamplesHeld;
  if (spikes > 0.0)
    e.terms.push_back({"input spikes of the samples held", times({names.n_in, sample.input_spike_field}),
                       format_number(std::round(sample.input_spikes)) + " spikes a sample", spikes});
  const double readout_steps = static_cast<double>(net.n_out) * static_cast<double>(sample.sequence);
  const double per_readout_step = kRecordedBytesPerReadoutStep + (sample.targets_per_step ? kTargetValueBytes : 0.0);
  e.terms.push_back({sample.targets_per_step ? "target values and recording" : "recording",
                     times({names.n_out, sample.sequence_field}),
                     times({show_count(net.n_out), show_count(sample.sequence)}), readout_steps * per_readout_step});
  const double held = static_cast<double>(std::max<std::int64_t>(sample.samples_held, 1));
  e.terms.push_back({"readout signals of an iteration",
                     times({sample.samples_held_field, names.n_out, sample.sequence_field}),
                     times({show_count(held), show_count(net.n_out), show_count(sample.sequence)}),
                     held * readout_steps * kRecordedBytesPerReadoutStep});

  std::stable_sort(e.terms.begin(), e.terms.end(),
                   [](const MemoryTerm& a, const MemoryTerm& b) { return a.bytes > b.bytes; });
  return e;
}

std::optional<MemoryRefusal> refuse_over_limit(const MemoryEstimate& estimate, const MemoryLimit& limit) {
  const double total = estimate.total();
  if (total <= static_cast<double>(limit.bytes) || estimate.terms.empty()) return std::nullopt;
  const MemoryTerm& top = estimate.terms.front();
  MemoryRefusal r;
  r.field = top.fields;
  r.problem = "about " + format_memory_size(top.bytes) + " of " + top.what + " (" + top.values +
              "); the run needs about " + format_memory_size(total) + ", over the memory limit of " +
              format_memory_size(static_cast<double>(limit.bytes)) + " (" + limit.source + ")";
  std::string next;
  for (std::size_t i = 1; i < estimate.terms.size() && i < 3; ++i) {
    const MemoryTerm& t = estimate.terms[i];
    if (t.bytes < 0.05 * total) break;
    next += (next.empty() ? "" : ", ") + format_memory_size(t.bytes) + " of " + t.what + " (" + t.fields + ": " +
            t.values + ")";
  }
  if (!next.empty()) r.problem += "; besides " + next;
  return r;
}

MemoryLimit machine_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  std::uint64_t bytes = pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page)
                                              : std::numeric_limits<std::uint64_t>::max();
  std::string source = "this machine's memory";
  std::ifstream cgroup("/sys/fs/cgroup/memory.max");  // cgroup v2; "max" when unlimited
  std::uint64_t cap = 0;
  if (cgroup >> cap && cap > 0 && cap < bytes) {
    bytes = cap;
    source = "this cgroup's memory.max";
  }
  return {bytes, source};
}

std::optional<std::uint64_t> parse_memory_size(std::string_view text) {
  double x = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (ec != std::errc() || !(x > 0.0)) return std::nullopt;
  std::string unit(end, text.data() + text.size());
  if (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  constexpr std::pair<std::string_view, int> kUnits[] = {{"kib", 10}, {"mib", 20}, {"gib", 30}, {"tib", 40}};
  for (const auto& [name, shift] : kUnits) {
    if (unit != name) continue;
    const double bytes = std::round(x * std::exp2(shift));
    if (bytes >= 18446744073709551616.0) return std::nullopt;  // 2^64
    return static_cast<std::uint64_t>(bytes);
  }
  return std::nullopt;
}

std::string format_memory_size(double bytes) {
  constexpr std::pair<const char*, int> kUnits[] = {{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}};
  for (const auto& [name, shift] : kUnits) {
    const double scale = std::exp2(shift);
    if (bytes < scale) continue;
    const double v = bytes / scale;
    const double digits = v >= 100 ? 1 : v >= 10 ? 10 : 100;  // three significant digits
    return format_number(std::round(v * digits) / digits) + " " + name;
  }
  return format_number(std::round(bytes)) + " bytes";
}

}  // namespace eligo
