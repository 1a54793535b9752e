#pragma once
// SHA-256 as 64 lowercase hex digits (OpenSSL): weights digests, config digests. Sha256 takes the bytes
// in pieces, so that a digest over gigabytes of weights needs no copy of them.
#include <memory>
#include <string>
#include <string_view>

namespace eligo {

std::string sha256_hex(std::string_view bytes);

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes);
  std::string hex();  // finishes the digest

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace eligo
