#pragma once
// One fuzz target: a function of arbitrary bytes that feeds them to a parser and checks what it promises.
// Each tests/fuzz/fuzz_<name>.cpp is built two ways:
//   * by tests/fuzz/run.sh with clang's libFuzzer, ASan and UBSan (ELIGO_LIBFUZZER defined): the target
//     is LLVMFuzzerTestOneInput of the binary fuzz_<name>, seeded from tests/fuzz/corpus/<name>/;
//   * into the test suite (eligo_tests): the target is registered under <name>, and
//     tests/unit/test_fuzz_corpus.cpp runs every file of tests/fuzz/corpus/<name>/ through it once, so
//     that every input a fuzzer ever found stays a regression test.
// A target returns normally for any input the parser handles as documented (a result or its error
// type); anything else (another exception, a crash, a sanitizer report, a broken promise) is a finding.
#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

namespace eligo::fuzz {

using Target = void (*)(const std::uint8_t* data, std::size_t size);

inline std::map<std::string, Target>& targets() {
  static std::map<std::string, Target> registered;
  return registered;
}

struct Registration {
  Registration(const char* name, Target target) { targets().emplace(name, target); }
};

// A promise of the parser's result (e.g. every event inside the sensor): a finding when it fails.
inline void expect(bool ok, const char* promise) {
#ifdef ELIGO_LIBFUZZER
  if (!ok) __builtin_trap();
  (void)promise;
#else
  if (!ok) throw std::logic_error(std::string("broken promise: ") + promise);
#endif
}

}  // namespace eligo::fuzz

#ifdef ELIGO_LIBFUZZER
#define ELIGO_FUZZ_TARGET(name)                                                       \
  static void fuzz_##name(const std::uint8_t* data, std::size_t size);                \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    fuzz_##name(data, size);                                                          \
    return 0;                                                                         \
  }                                                                                   \
  static void fuzz_##name(const std::uint8_t* data, std::size_t size)
#else
#define ELIGO_FUZZ_TARGET(name)                                                           \
  static void fuzz_##name(const std::uint8_t* data, std::size_t size);                    \
  static const ::eligo::fuzz::Registration fuzz_registration_##name(#name, &fuzz_##name); \
  static void fuzz_##name(const std::uint8_t* data, std::size_t size)
#endif
