#pragma once
// SHA-256 of a byte string as 64 lowercase hex digits (OpenSSL): weights digests, config digests.
#include <string>
#include <string_view>

namespace eligo {

std::string sha256_hex(std::string_view bytes);

}  // namespace eligo
