#include "runtime/network/work_partition.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "runtime/network/network_builder.hpp"

namespace eligo {
namespace {

// A neuron's own update, history row and summaries, in units of one delivered synaptic event. From the
// benchmark profiles at 3.2 events per neuron and step: update and summary fill take about 17 % of a
// closed-form run against 56 % for the events (about one event's worth), the update alone 2.7 % against
// 85 % in exact mode (a tenth); one event is the larger, closed-form figure.
constexpr double kNeuronCost = 1.0;

// Spikes per step of every input with an explicit spike train, or 1 for all (unknown: a task's stream).
std::vector<double> input_rates(const NetworkDescription& net, Step steps) {
  std::vector<double> rate(net.n_in, 1.0);
  if (net.input_spike_steps.size() != net.n_in || steps <= 0) return rate;
  for (std::uint32_t i = 0; i < net.n_in; ++i) {
    rate[i] = static_cast<double>(net.input_spike_steps[i].size()) / static_cast<double>(steps);
  }
  return rate;
}

}  // namespace

std::vector<double> recurrent_work(const NetworkDescription& net) {
  std::vector<double> work(net.n_rec, kNeuronCost);
  const bool explicit_inputs = !net.in_rec_rule && net.in_rec.size() > 0;
  const bool explicit_recurrence = !net.rec_rec_rule && net.rec_rec.size() > 0;
  if (!explicit_inputs && !explicit_recurrence) return work;  // generated blocks: every neuron alike
  Step steps = 0;
  for (const auto& train : net.input_spike_steps) {
    if (!train.empty()) steps = std::max(steps, train.back() + 1);
  }
  const std::vector<double> rate = input_rates(net, steps);
  double mean_input_rate = 0.0;
  for (double r : rate) mean_input_rate += r / std::max<double>(1.0, static_cast<double>(rate.size()));
  // Recurrent sources are assumed to fire like the average input: no better guess before the run.
  for (std::size_t c = 0; c < net.in_rec.size(); ++c) {
    if (net.in_rec.target[c] < net.n_rec && net.in_rec.source[c] < net.n_in) {
      work[net.in_rec.target[c]] += rate[net.in_rec.source[c]];
    }
  }
  for (std::size_t c = 0; c < net.rec_rec.size(); ++c) {
    if (net.rec_rec.target[c] < net.n_rec) work[net.rec_rec.target[c]] += mean_input_rate;
  }
  return work;
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> split_by_work(const std::vector<double>& work,
                                                                   std::uint32_t parts) {
  const auto n = static_cast<std::uint32_t>(work.size());
  // Equal work: the equal sizes of split_range (the cut every run used before work entered it).
  if (std::adjacent_find(work.begin(), work.end(), std::not_equal_to<>()) == work.end()) return split_range(n, parts);
  parts = std::min(std::max<std::uint32_t>(parts, 1), n);
  double total = 0.0;
  for (double w : work) total += w;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;
  std::uint32_t first = 0;
  double done = 0.0;
  for (std::uint32_t s = 0; s < parts; ++s) {
    const std::uint32_t left_parts = parts - s - 1;
    std::uint32_t end = first + 1;  // never empty
    done += work[first];
    const double share = total * static_cast<double>(s + 1) / static_cast<double>(parts);
    // Extend while the next neuron brings the cut closer to this part's share, leaving one per later part.
    while (end + left_parts < n && std::abs(done + work[end] - share) <= std::abs(done - share)) done += work[end++];
    if (s + 1 == parts) {
      for (; end < n; ++end) done += work[end];
    }
    ranges.emplace_back(first, end - first);
    first = end;
  }
  return ranges;
}

}  // namespace eligo
