#include "runtime/network/network_description.hpp"

namespace eligo {

const char* to_string(RecurrentModel m) {
  switch (m) {
    case RecurrentModel::eprop_iaf: return "eprop_iaf";
    case RecurrentModel::eprop_iaf_adapt: return "eprop_iaf_adapt";
    case RecurrentModel::eprop_iaf_psc_delta: return "eprop_iaf_psc_delta";
    case RecurrentModel::eprop_iaf_psc_delta_adapt: return "eprop_iaf_psc_delta_adapt";
  }
  return "?";
}

const char* to_string(SurrogateFunction f) {
  switch (f) {
    case SurrogateFunction::piecewise_linear: return "piecewise_linear";
    case SurrogateFunction::exponential: return "exponential";
    case SurrogateFunction::fast_sigmoid_derivative: return "fast_sigmoid_derivative";
    case SurrogateFunction::arctan_derivative: return "arctan_derivative";
  }
  return "?";
}

const char* to_string(OptimizerType t) {
  return t == OptimizerType::adam ? "adam" : "gradient_descent";
}

}  // namespace eligo
