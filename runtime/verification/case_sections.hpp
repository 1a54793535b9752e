#pragma once
// The sections of a NEST case file (tests/data/nest/README.md), each read into the ReferenceCase by its
// own file: case_populations.cpp (populations, parameters, optimizer), case_connections.cpp,
// case_stimulus.cpp (input spikes, extra generators, targets, learning window) and case_loss.cpp
// (timing and loss). reference_case.cpp reads the file and runs them in order.
#include "runtime/network/network_description.hpp"
#include "runtime/verification/case_reader.hpp"
#include "runtime/verification/reference_case.hpp"

namespace eligo::case_loading {

// Populations larger than this are certainly a corrupt file, not a network.
inline constexpr std::int64_t kMaxPopulation = 100'000'000;

// Sizes, the recurrent model and the parameters of the three populations, checked as NEST checks them.
void read_populations(const CaseReader& rd, const Field& root, double h, NetworkDescription& net);
// docs/numerics.md §10; absent keys keep NEST's defaults.
OptimizerParams read_optimizer(const CaseReader& rd, const Field& root);
// The four explicit connection blocks; plastic weights within the optimizer's [Wmin, Wmax].
void read_connections(const CaseReader& rd, const Field& root, double h, NetworkDescription& net);
// The input spike trains and the extra spike generators.
void read_stimulus(const CaseReader& rd, const Field& root, double h, NetworkDescription& net);
// The readouts' target signals and the learning window.
void read_targets(const CaseReader& rd, const Field& root, double h, NetworkDescription& net);
// The iteration timing, the recorded window and NEST's losses.
void read_loss(const CaseReader& rd, const Field& root, ReferenceCase& rc);
// Schema v3 (case_bsshslm.cpp): the kernel parameters and synapse defaults of the bsshslm_2020 variant, and the
// final weights NEST recorded.
void read_bsshslm_settings(const CaseReader& rd, const Field& root, double h, NetworkDescription& net);
void read_final_weights(const CaseReader& rd, const Field& root, ReferenceCase& rc);
// Schema v3: the order in which NEST delivers a source's spikes to its synapses (ascending nest_port, V3.5), as a
// permutation of the block's list; empty when the block has no nest_port.
std::vector<std::size_t> nest_port_order(const CaseReader& rd, const Field& block, std::size_t n_connections);

}  // namespace eligo::case_loading
