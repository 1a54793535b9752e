#pragma once
// The message of the Error that f throws, or "no error" when it throws none, so that a test can check
// an error's text with Catch::Contains (and a missing error fails that check visibly).
#include <string>

namespace eligo::test {

template <class Error, class F>
std::string error_text(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace eligo::test
