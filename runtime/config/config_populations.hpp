#pragma once
// Stage 3a of the config loader: the populations (one input, one recurrent, one readout) with their model
// names and parameters, read through the model tables (runtime/models/model_parameters.hpp) and checked
// as NEST's set_status checks them (runtime/models/parameter_checks.hpp).
#include <config.pb.h>  // generated from proto/eligo/config.proto (eligo_proto)

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/config/config_errors.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo::config_loading {

enum class Role { input, recurrent, readout };

const char* role_name(Role role);

// A population as connections refer to it.
struct PopulationRef {
  std::string name;
  Role role;
  std::uint32_t size;
  std::string field;     // "populations[i]"
  bool bsshslm = false;  // a model (or groups) of the bsshslm_2020 variant
};

// Fills the sizes, the recurrent model and the parameters of `net`; at resolution h.
std::vector<PopulationRef> read_populations(const Reporter& r, const ::eligo::config::TrainingConfig& c, double h,
                                            NetworkDescription& net);

}  // namespace eligo::config_loading
