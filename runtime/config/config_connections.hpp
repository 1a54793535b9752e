#pragma once
// Stage 3c of the config loader: the connection blocks. Each block becomes a GeneratedConnections rule that
// the engine expands per target from (network seed, stream, target); stream = 1 + the block's index in the
// file, so blocks never share random numbers.
#include <config.pb.h>  // generated from proto/eligo/config.proto (eligo_proto)

#include <string>
#include <vector>

#include "runtime/config/config_errors.hpp"
#include "runtime/config/config_populations.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo::config_loading {

// The connection that filled each block ("connections[2]"; empty for the optional block left out).
struct BlockFields {
  std::string in_rec, rec_rec, rec_out, feedback;
};

// Fills the rules, delays and plasticity of the four blocks of `net`; at resolution h.
BlockFields read_connections(const Reporter& r, const ::eligo::config::TrainingConfig& c,
                             const std::vector<PopulationRef>& pops, double h, NetworkDescription& net);

}  // namespace eligo::config_loading
