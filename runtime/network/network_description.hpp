#pragma once
// A complete e-prop network as the user (or a NEST reference case) describes it: populations with
// NEST's parameter names and units, explicit connection lists in NEST's connection order, the
// optimizer, the input spikes and the targets. The engine compiles it into shards (network_builder).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/core/named_value.hpp"
#include "runtime/core/time.hpp"
#include "runtime/data/sources/sample_stream.hpp"
#include "runtime/models/model_parameters.hpp"
#include "runtime/network/connection_rules.hpp"

namespace eligo {

enum class OptimizerType { gradient_descent, adam };

// How the e-prop synapses integrate an interval: stepping through it (exact) or from window summaries
// where that is exact up to rounding (runtime/network/eprop_mode.hpp, docs/numerics.md §19).
enum class EpropMode { exact, closed_form, automatic };

// The `optimizer` dict of eprop_synapse (docs/numerics.md §10).
struct OptimizerParams {
  OptimizerType type = OptimizerType::gradient_descent;
  std::int64_t batch_size = 1;
  double eta = 1e-4;
  double Wmin = -100.0;
  double Wmax = 100.0;
  bool optimize_each_step = true;
  double beta_1 = 0.9;
  double beta_2 = 0.999;
  double epsilon = 1e-7;
};

// Parallel arrays, one entry per connection, in NEST's connection order. Multapses allowed.
struct ConnectionList {
  std::vector<std::uint32_t> source;
  std::vector<std::uint32_t> target;
  std::vector<double> weight;
  std::size_t size() const { return source.size(); }
};

// A piecewise-constant signal of a step_rate_generator: value[i] holds from step time[i] on (docs/numerics.md §5.5).
struct StepSignal {
  std::vector<Step> time;
  std::vector<double> value;
};

// An extra spike_generator with static synapses (weight ignored by parrots, which count the spike).
struct ForcedSpikeGenerator {
  std::vector<Step> spike_steps;  // steps in which the targets receive the spike
  std::vector<std::uint32_t> input_targets;
  std::vector<std::uint32_t> rec_targets;
  double weight = 1.0;
};

// Which of NEST's two e-prop variants a network uses (docs/numerics.md §16). One network uses one.
enum class EpropVariant { event_driven, bsshslm_2020 };

// NEST's kernel parameters and synapse defaults of the original variant (docs/numerics.md §16), in steps.
struct BsshslmSettings {
  Step update_interval = 1000;  // eprop_update_interval: T
  Step learning_window = 1000;  // eprop_learning_window: LW ≤ T
  bool reset_neurons_on_update = true;
  bool average_gradient = false;
  // tau_m_readout (ms) of each plastic block: the synapses' ē filter κ = exp(−h/tau_m_readout).
  double tau_m_readout_in_rec = 10.0, tau_m_readout_rec_rec = 10.0, tau_m_readout_rec_out = 10.0;
};

// A range of recurrent neurons with one model and one parameter set (NEST cases with several groups).
struct RecurrentGroup {
  RecurrentModel model = RecurrentModel::eprop_iaf;
  std::uint32_t first = 0, n = 0;
  RecurrentParams params;
};

struct NetworkDescription {
  double resolution_ms = 1.0;
  EpropVariant variant = EpropVariant::event_driven;
  BsshslmSettings bsshslm;  // bsshslm_2020 only
  // Groups tiling the recurrent population, or empty: one group of rec_model with rec (every event-driven network).
  std::vector<RecurrentGroup> rec_groups;
  std::uint32_t n_in = 0, n_rec = 0, n_out = 0;
  RecurrentModel rec_model = RecurrentModel::eprop_iaf;
  RecurrentParams rec;
  ReadoutParams out;
  InputParams input;
  OptimizerParams optimizer;
  EpropMode eprop_mode = EpropMode::exact;
  // Each block is either an explicit list (NEST cases) or, when its rule is set, generated per target
  // from (seed, rule.stream, target) by the shard that owns the target.
  ConnectionList in_rec, rec_rec, rec_out;
  ConnectionList out_rec_feedback;  // source = readout k, target = rec j, weight = B_jk (not plastic)
  // bsshslm_2020 cross-entropy: [k·n_out + k'] the weight of the rate connection k' → k (NEST's out_out block);
  // empty: weight 1 between every two readouts, as NEST's examples connect them.
  std::vector<double> readout_normalization;
  std::optional<GeneratedConnections> in_rec_rule, rec_rec_rule, rec_out_rule, out_rec_feedback_rule;
  std::uint64_t seed = 0;  // network construction seed for generated blocks
  // false: every synapse static, no learning signal, no history (the benchmark's "plasticity off").
  bool plastic = true;
  // Per block: false makes that block's synapses static (fixed weights, no e-prop update).
  bool in_rec_plastic = true, rec_rec_plastic = true, rec_out_plastic = true;
  // Delays of the four blocks, in steps (≥ 1). NEST's e-prop accepts only one step (docs/numerics.md §1); longer
  // delays are an eligo extension: the spike reaches its targets D steps after it was emitted, the
  // e-prop rule still stamps it emission + 1, and the feedback delay may not exceed the spike delays
  // into the recurrent population (so the learning signals a spike reads are final when it arrives).
  Step in_rec_delay = 1, rec_rec_delay = 1, rec_out_delay = 1, feedback_delay = 1;
  Step min_delay() const { return std::min({in_rec_delay, rec_rec_delay, rec_out_delay, feedback_delay}); }

  // Stimulus and supervision (docs/architecture.md §3.1). A task's samples come as a stream that every
  // input shard and the readout shard open for themselves; explicit lists for the whole run (NEST
  // reference cases, tests) may stand beside it. Forced spikes (the final-update spike) are always explicit.
  std::optional<SampleStreamPlan> sample_stream;
  std::vector<std::vector<Step>> input_spike_steps;  // [n_in] or empty: steps in which parrot i receives a spike
  std::vector<ForcedSpikeGenerator> forced_spikes;
  std::vector<StepSignal> targets;  // [n_out] without a sample stream; empty with one
  StepSignal learning_window;
};

// The names users write (NEST's), used by every loader and by to_string.
inline constexpr NamedValue<OptimizerType> kOptimizerTypeNames[] = {
    {"gradient_descent", OptimizerType::gradient_descent},
    {"adam", OptimizerType::adam},
};

inline constexpr NamedValue<EpropVariant> kEpropVariantNames[] = {
    {"event_driven", EpropVariant::event_driven},
    {"bsshslm_2020", EpropVariant::bsshslm_2020},
};

inline constexpr NamedValue<EpropMode> kEpropModeNames[] = {
    {"exact", EpropMode::exact},
    {"closed_form", EpropMode::closed_form},
    {"auto", EpropMode::automatic},
};

const char* to_string(OptimizerType t);
const char* to_string(EpropMode m);
const char* to_string(EpropVariant v);

// The spikes the inputs' generators deliver in steps [begin, end) (explicit lists and the sample
// stream; not the forced spikes), as (step, input) sorted: what a recording shows of the inputs.
std::vector<std::pair<Step, std::uint32_t>> input_spikes_between(const NetworkDescription& net, Step begin, Step end);

}  // namespace eligo
