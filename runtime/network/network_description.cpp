// The spelling of the optimizer types, read from kOptimizerTypeNames.
#include "runtime/network/network_description.hpp"

namespace eligo {

const char* to_string(OptimizerType t) { return name_in(kOptimizerTypeNames, t); }

}  // namespace eligo
