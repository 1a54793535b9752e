#pragma once
// Stage 3b of the config loader: the optimizer (docs/numerics.md §10). Absent fields keep NEST's defaults
// (OptimizerParams); Adam's settings are refused for gradient descent.
#include <config.pb.h>  // generated from proto/eligo/config.proto (eligo_proto)

#include "runtime/config/config_errors.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo::config_loading {

OptimizerParams read_optimizer(const Reporter& r, const ::eligo::config::TrainingConfig& c);

}  // namespace eligo::config_loading
