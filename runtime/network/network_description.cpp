#include "runtime/network/network_description.hpp"

namespace eligo {
namespace {

template <class E, std::size_t N>
const char* name_in(const NamedValue<E> (&table)[N], E value) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name.data();  // the tables hold string literals
  }
  return "?";
}

}  // namespace

const char* to_string(RecurrentModel m) { return name_in(kRecurrentModelNames, m); }
const char* to_string(SurrogateFunction f) { return name_in(kSurrogateFunctionNames, f); }
const char* to_string(OptimizerType t) { return name_in(kOptimizerTypeNames, t); }

}  // namespace eligo
