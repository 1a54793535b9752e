#pragma once
// 64-bit FNV-1a, for what checkpoints must recognise but not protect against an adversary: the checksum
// of a checkpoint blob (a flipped bit is caught before any value is used) and fingerprints of the
// structure a shard was built with (same sizes but other connections is still refused). Values are
// hashed as their little-endian bytes, so a fingerprint does not depend on the machine.
#include <cstdint>
#include <string_view>
#include <vector>

#include "runtime/checkpoint/state_stream.hpp"

namespace eligo {

class Fnv1a {
 public:
  void bytes(std::string_view b) {
    for (const char c : b) {
      hash_ ^= static_cast<unsigned char>(c);
      hash_ *= kPrime;
    }
  }
  template <StateScalar T>
  void value(T v) {
    char b[sizeof(T)];
    state_detail::store_le(b, v);
    bytes({b, sizeof(T)});
  }
  template <StateScalar T>
  void values(const std::vector<T>& v) {
    value<std::uint64_t>(v.size());
    for (const T x : v) value(x);
  }
  std::uint64_t digest() const { return hash_; }

 private:
  static constexpr std::uint64_t kPrime = 0x100000001b3ULL;
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

}  // namespace eligo
