#include "runtime/checkpoint/state_stream.hpp"

namespace eligo {

void StateWriter::string(std::string_view s) {
  u64(s.size());
  out_.append(s);
}

StateReader::StateReader(std::string_view input, std::string what) : input_(input), what_(std::move(what)) {}

void StateReader::fail(std::string_view field, const std::string& problem) const {
  std::string where = what_;
  if (!section_.empty()) where += ", section '" + section_ + "'";
  if (!field.empty()) where += ", field '" + std::string(field) + "'";
  throw StateError(where + ": " + problem);
}

void StateReader::need(std::string_view field, std::size_t n) const {
  if (n > remaining()) {
    fail(field, "needs " + std::to_string(n) + " bytes but only " + std::to_string(remaining()) +
                    " are left (truncated at byte " + std::to_string(input_.size()) + ")");
  }
}

void StateReader::section(std::string_view tag) {
  const std::string found = string("section tag", 64);
  if (found != tag) {
    fail("", "expected section '" + std::string(tag) + "' but found '" + found + "' at byte " + std::to_string(pos_));
  }
  section_ = found;
}

bool StateReader::boolean(std::string_view field) {
  const std::uint8_t b = u8(field);
  if (b > 1) fail(field, "is " + std::to_string(b) + ", not a boolean (0 or 1)");
  return b == 1;
}

std::string StateReader::string(std::string_view field, std::size_t max_length) {
  const std::size_t n = count(field, 1, max_length);
  std::string s(input_.substr(pos_, n));
  pos_ += n;
  return s;
}

std::string_view StateReader::bytes(std::string_view field, std::size_t n) {
  need(field, n);
  const std::string_view b = input_.substr(pos_, n);
  pos_ += n;
  return b;
}

std::size_t StateReader::count(std::string_view field, std::size_t min_record_bytes, std::size_t max_count) {
  const std::uint64_t n = u64(field);
  if (n > max_count) {
    fail(field, "has length " + std::to_string(n) + ", more than the " + std::to_string(max_count) + " allowed");
  }
  if (min_record_bytes > 0 && n > remaining() / min_record_bytes) {
    fail(field, "has length " + std::to_string(n) + " but only " + std::to_string(remaining()) +
                    " bytes are left (at least " + std::to_string(min_record_bytes) + " per element)");
  }
  return static_cast<std::size_t>(n);
}

void StateReader::expect_end() const {
  if (remaining() != 0) {
    fail("", std::to_string(remaining()) + " trailing bytes after the end of the state (at byte " +
                 std::to_string(pos_) + ")");
  }
}

}  // namespace eligo
