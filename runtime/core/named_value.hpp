#pragma once
// A name users write paired with the enum value it stands for: the loaders look values up by name, to_string
// looks names up by value, so each enum's spelling lives in one table.
#include <cstddef>
#include <string_view>

namespace eligo {

template <class E>
struct NamedValue {
  std::string_view name;
  E value;
};

// The name of `value` in `table`, or "?" for a value the table lacks.
template <class E, std::size_t N>
const char* name_in(const NamedValue<E> (&table)[N], E value) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name.data();  // the tables hold string literals
  }
  return "?";
}

}  // namespace eligo
