#pragma once
// Runs one NEST reference case through the shards on the calling thread (SequentialDriver) and compares
// its losses with NEST's. `eligo verify` runs the same shards through the actors; tests use both.
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/network/network_builder.hpp"
#include "runtime/verification/loss_comparison.hpp"
#include "runtime/verification/reference_case.hpp"
#include "runtime/verification/weight_comparison.hpp"

namespace eligo {

struct CaseResult {
  std::vector<double> loss;
  LossComparison comparison;
  std::string weights_digest;
  std::uint64_t rec_spikes = 0;
  std::uint64_t synaptic_events = 0;
  std::size_t history_entries_max = 0;           // largest archive (all shards together) seen at any step
  std::vector<BlockDeviation> weight_deviation;  // per block, where the case records NEST's final weights
};

CaseResult run_reference_case(const ReferenceCase& c, const PartitionOptions& partition = {});

}  // namespace eligo
