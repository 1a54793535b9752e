#pragma once
// Doubles in messages, written so that they read back exactly.
#include <charconv>
#include <string>

namespace eligo {

// The shortest text that reads back as the same double ("-30", "0.03", "inf"): error messages show
// exactly the value that was read.
inline std::string format_number(double x) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, res.ptr);
}

}  // namespace eligo
