#pragma once
// Runs one NEST reference case through the shards and compares its losses with NEST's.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "runtime/data/reference_case.hpp"
#include "runtime/network/network_builder.hpp"

namespace eligo {

struct CaseResult {
  std::vector<double> loss;
  std::vector<double> loss_reference;
  std::vector<double> relative_deviation;  // |loss − ref| / |ref| per iteration
  double max_relative_deviation = 0.0;
  std::string weights_digest;
  std::uint64_t rec_spikes = 0;
  std::uint64_t synaptic_events = 0;
  std::size_t history_entries_max = 0;  // largest archive (all shards together) seen at any step
  std::size_t history_entries_end = 0;
  double seconds = 0.0;
};

// on_step(step, n_steps) is called after every simulated step (progress display).
CaseResult run_reference_case(const ReferenceCase& c, const PartitionOptions& partition = {},
                              const std::function<void(Step, Step)>& on_step = {});

}  // namespace eligo
