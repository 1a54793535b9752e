#pragma once
// Stage 3c′ of the config loader: the `bsshslm_2020` block, the kernel parameters and synapse defaults of NEST's
// original e-prop (docs/numerics.md §16). The update interval and learning window left out are taken from the task
// when it is laid out (runtime/data/tasks/task_timing.cpp), which also checks the ones given against it.
#include <config.pb.h>  // generated from proto/eligo/config.proto (eligo_proto)

#include "runtime/config/config_errors.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo::config_loading {

void read_bsshslm_settings(const Reporter& r, const ::eligo::config::TrainingConfig& c, double h,
                           NetworkDescription& net);

}  // namespace eligo::config_loading
