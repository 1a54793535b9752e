// What a NEST case feeds the network and what it asks of it: the input spike trains and extra spike
// generators (tests/data/nest/README.md §4.6), the readouts' targets and the learning window (§4.7).
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/verification/case_sections.hpp"

namespace eligo::case_loading {

namespace {

void read_input_spikes(const CaseReader& rd, const Field& root, double h, NetworkDescription& net) {
  const Field times = rd.at(root, "input_spike_times_ms");
  rd.expect_size(times, net.n_in, "one list per input (populations.input.n)");
  net.input_spike_steps.reserve(net.n_in);
  for (std::uint32_t i = 0; i < net.n_in; ++i) net.input_spike_steps.push_back(rd.spike_steps(rd.at(times, i), h));
}

enum class TargetPopulation { input, rec };
constexpr NamedValue<TargetPopulation> kTargetPopulations[] = {{"input", TargetPopulation::input},
                                                               {"rec", TargetPopulation::rec}};

// `indices`: the string "all" or a list of indices into the population.
std::vector<std::uint32_t> read_indices(const CaseReader& rd, const Field& f, std::uint32_t population_size) {
  if (f.value.is_string()) {
    rd.expect_literal(f, "all");
    std::vector<std::uint32_t> all(population_size);
    for (std::uint32_t i = 0; i < population_size; ++i) all[i] = i;
    return all;
  }
  return rd.index_array(f, population_size);
}

ForcedSpikeGenerator read_extra_generator(const CaseReader& rd, const Field& g, double h,
                                          const NetworkDescription& net) {
  ForcedSpikeGenerator gen;
  // Only static synapses with one-step delay are modelled (the spike reaches its targets in step round(τ/h)).
  if (auto f = rd.find(g, "synapse_model")) rd.expect_literal(*f, "static_synapse");
  rd.expect_one_step_delay(g, h);
  if (auto f = rd.find(g, "weight")) gen.weight = rd.finite(*f);
  gen.spike_steps = rd.spike_steps(rd.at(g, "spike_times_ms"), h);
  const Field targets = rd.at(g, "targets");
  rd.expect_array(targets);
  for (std::size_t k = 0; k < targets.value.size(); ++k) {
    const Field t = rd.at(targets, k);
    const bool to_input = rd.choice(rd.at(t, "population"), kTargetPopulations) == TargetPopulation::input;
    const auto indices = read_indices(rd, rd.at(t, "indices"), to_input ? net.n_in : net.n_rec);
    auto& dest = to_input ? gen.input_targets : gen.rec_targets;
    dest.insert(dest.end(), indices.begin(), indices.end());
  }
  return gen;
}

void read_extra_generators(const CaseReader& rd, const Field& root, double h, NetworkDescription& net) {
  const auto gens = rd.find(root, "extra_spike_generators");  // optional: absent = none
  if (!gens) return;
  rd.expect_array(*gens);
  for (std::size_t k = 0; k < gens->value.size(); ++k)
    net.forced_spikes.push_back(read_extra_generator(rd, rd.at(*gens, k), h, net));
}
}  // namespace

void read_stimulus(const CaseReader& rd, const Field& root, double h, NetworkDescription& net) {
  read_input_spikes(rd, root, h, net);
  read_extra_generators(rd, root, h, net);
}

namespace {

// Amplitude times must be strictly increasing on the step grid (a step_rate_generator refuses anything
// else), and there must be one value per time.
StepSignal read_step_signal(const CaseReader& rd, const Field& times, const Field& values, double h) {
  StepSignal s;
  rd.expect_array(times);
  s.time.reserve(times.value.size());
  for (std::size_t i = 0; i < times.value.size(); ++i) {
    const Field t = rd.at(times, i);
    const Step step = rd.time_step(t, h);
    if (i > 0 && step <= s.time.back())
      rd.fail(t.ptr, "must be later than the previous amplitude time (step " + std::to_string(s.time.back()) +
                         ") on the step grid (got " + show(t.value) + " ms)");
    s.time.push_back(step);
  }
  rd.expect_size(values, s.time.size(), "one per amplitude time (" + times.ptr + ")");
  s.value = rd.finite_array(values);
  return s;
}

// Per-readout when the first element is a list, else one list shared (times) or readout 0's (values).
bool is_per_readout(const Field& f) { return f.value.is_array() && !f.value.empty() && f.value[0].is_array(); }

}  // namespace

void read_targets(const CaseReader& rd, const Field& root, double h, NetworkDescription& net) {
  const Field target = rd.at(root, "target");
  const Field times = rd.at(target, "amplitude_times_ms");
  const Field values = rd.at(target, "amplitude_values");
  rd.expect_array(times);
  rd.expect_array(values);
  const bool per_readout_times = is_per_readout(times);
  const bool per_readout_values = is_per_readout(values);
  const std::string n_out = "one trace per readout (populations.out.n = " + std::to_string(net.n_out) + ")";
  if (per_readout_times) rd.expect_size(times, net.n_out, n_out);
  if (per_readout_values) rd.expect_size(values, net.n_out, n_out);
  if (!per_readout_values && net.n_out != 1)
    rd.fail(values.ptr, "is a single flat list but there are " + std::to_string(net.n_out) +
                            " readouts (give one list per readout)");
  net.targets.reserve(net.n_out);
  for (std::uint32_t k = 0; k < net.n_out; ++k)
    net.targets.push_back(read_step_signal(rd, per_readout_times ? rd.at(times, k) : times,
                                           per_readout_values ? rd.at(values, k) : values, h));

  // The bsshslm_2020 readout has no learning-window receptor: its window is a kernel parameter (V3.1).
  if (net.variant == EpropVariant::bsshslm_2020) return;
  const Field lw = rd.at(root, "learning_window");
  net.learning_window = read_step_signal(rd, rd.at(lw, "amplitude_times_ms"), rd.at(lw, "amplitude_values"), h);
}

}  // namespace eligo::case_loading
