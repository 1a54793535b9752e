#pragma once
// Stage 2 of the config loader: the JSON tree → the TrainingConfig message (proto/eligo/config.proto) with
// protobuf's JSON parser, unknown fields refused, so that a misspelt key or a wrong type is an error, never a
// silently ignored setting. Protobuf's messages are reworded and reported at the field they name.
#include <config.pb.h>  // generated from proto/eligo/config.proto (eligo_proto)

#include <nlohmann/json.hpp>

#include "runtime/config/config_errors.hpp"

namespace eligo::config_loading {

::eligo::config::TrainingConfig to_message(const nlohmann::json& document, const Reporter& r);

}  // namespace eligo::config_loading
