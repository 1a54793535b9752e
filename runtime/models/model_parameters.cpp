// The spellings of the model enums, read from the name tables in model_parameters.hpp.
#include "runtime/models/model_parameters.hpp"

namespace eligo {

const char* to_string(RecurrentModel m) { return name_in(kRecurrentModelNames, m); }
const char* to_string(SurrogateFunction f) { return name_in(kSurrogateFunctionNames, f); }
const char* to_string(ReadoutLoss l) { return name_in(kReadoutLossNames, l); }

}  // namespace eligo
