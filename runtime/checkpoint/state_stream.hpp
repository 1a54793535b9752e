#pragma once
// The byte format of checkpoints (docs/architecture.md §7): StateWriter appends a shard's state to a byte
// string, StateReader reads it back. Integers are fixed-width little-endian, doubles their raw IEEE bits
// (so a restored value is the saved value to the last bit), vectors and strings carry their length in
// front, and named section tags mark where each part of the state begins.
//
// A reader trusts nothing it reads: every read checks how many bytes are left, a length is checked
// against what is left before anything is allocated, and every failure is a StateError whose message
// names the section and the field and says what was wrong. Corrupt input never gives UB or a giant
// allocation.
#include <bit>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace eligo {

class StateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The element types a state vector may hold: plain numbers, stored little-endian.
template <class T>
concept StateScalar = std::is_arithmetic_v<T> && !std::same_as<T, bool> && !std::same_as<T, long double>;

class StateWriter {
 public:
  // Marks the start of a named part of the state; the reader must ask for the same name.
  void section(std::string_view tag) { string(tag); }

  void u8(std::uint8_t v) { put(v); }
  void u32(std::uint32_t v) { put(v); }
  void u64(std::uint64_t v) { put(v); }
  void i64(std::int64_t v) { put(v); }
  void f64(double v) { put(std::bit_cast<std::uint64_t>(v)); }
  void boolean(bool v) { put(static_cast<std::uint8_t>(v ? 1 : 0)); }
  void string(std::string_view s);
  // Raw bytes with no length in front (the reader must know how many to expect).
  void bytes(std::string_view raw) { out_.append(raw); }

  // A length-prefixed vector of numbers.
  template <StateScalar T>
  void vector(const std::vector<T>& v);

  std::size_t size() const { return out_.size(); }
  const std::string& data() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  template <StateScalar T>
  void put(T v);
  std::string out_;
};

class StateReader {
 public:
  // `what` names the input in error messages, e.g. "checkpoint of shard 3".
  explicit StateReader(std::string_view input, std::string what = "checkpoint");

  // Reads a section tag and fails unless it is `tag`. Later errors name this section.
  void section(std::string_view tag);

  std::uint8_t u8(std::string_view field) { return get<std::uint8_t>(field); }
  std::uint32_t u32(std::string_view field) { return get<std::uint32_t>(field); }
  std::uint64_t u64(std::string_view field) { return get<std::uint64_t>(field); }
  std::int64_t i64(std::string_view field) { return get<std::int64_t>(field); }
  double f64(std::string_view field) { return std::bit_cast<double>(get<std::uint64_t>(field)); }
  bool boolean(std::string_view field);
  std::string string(std::string_view field, std::size_t max_length = kMaxStringLength);
  std::string_view bytes(std::string_view field, std::size_t n);

  // A length-prefixed vector of at most max_count numbers.
  template <StateScalar T>
  std::vector<T> vector(std::string_view field, std::size_t max_count);
  // A length-prefixed vector that must have exactly `expected` elements (an array sized by the build).
  template <StateScalar T>
  std::vector<T> vector_of_size(std::string_view field, std::size_t expected);

  // The number of records that follow, each at least min_record_bytes long: checked against the bytes
  // left (so a corrupt count cannot make the caller reserve memory for records that are not there)
  // and against max_count.
  std::size_t count(std::string_view field, std::size_t min_record_bytes, std::size_t max_count);

  // Fails unless every byte has been read.
  void expect_end() const;
  std::size_t remaining() const { return input_.size() - pos_; }

  // Throws a StateError naming the input, the current section and `field`.
  [[noreturn]] void fail(std::string_view field, const std::string& problem) const;

  static constexpr std::size_t kMaxStringLength = 4096;

 private:
  template <StateScalar T>
  T get(std::string_view field);
  void need(std::string_view field, std::size_t n) const;

  std::string_view input_;
  std::size_t pos_ = 0;
  std::string what_;
  std::string section_;
};

// ---------------------------------------------------------------------------------------------------

namespace state_detail {

// The little-endian bytes of v into dst (sizeof(T) bytes).
template <StateScalar T>
void store_le(char* dst, T v) {
  using U = std::make_unsigned_t<std::conditional_t<std::is_floating_point_v<T>, std::int64_t, T>>;
  static_assert(sizeof(U) == sizeof(T), "float is not a state scalar; use double");
  U u = std::bit_cast<U>(v);
  for (std::size_t i = 0; i < sizeof(T); ++i) dst[i] = static_cast<char>((u >> (8 * i)) & 0xFF);
}

template <StateScalar T>
T load_le(const char* src) {
  using U = std::make_unsigned_t<std::conditional_t<std::is_floating_point_v<T>, std::int64_t, T>>;
  U u = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) u |= static_cast<U>(static_cast<unsigned char>(src[i])) << (8 * i);
  return std::bit_cast<T>(u);
}

}  // namespace state_detail

template <StateScalar T>
void StateWriter::put(T v) {
  char b[sizeof(T)];
  state_detail::store_le(b, v);
  out_.append(b, sizeof(T));
}

template <StateScalar T>
void StateWriter::vector(const std::vector<T>& v) {
  u64(v.size());
  const std::size_t at = out_.size();
  out_.resize(at + v.size() * sizeof(T));
  if constexpr (std::endian::native == std::endian::little) {
    if (!v.empty()) std::memcpy(out_.data() + at, v.data(), v.size() * sizeof(T));
  } else {
    for (std::size_t i = 0; i < v.size(); ++i) state_detail::store_le(out_.data() + at + i * sizeof(T), v[i]);
  }
}

template <StateScalar T>
T StateReader::get(std::string_view field) {
  need(field, sizeof(T));
  const T v = state_detail::load_le<T>(input_.data() + pos_);
  pos_ += sizeof(T);
  return v;
}

template <StateScalar T>
std::vector<T> StateReader::vector(std::string_view field, std::size_t max_count) {
  const std::size_t n = count(field, sizeof(T), max_count);
  std::vector<T> v(n);
  if constexpr (std::endian::native == std::endian::little) {
    if (n > 0) std::memcpy(v.data(), input_.data() + pos_, n * sizeof(T));
  } else {
    for (std::size_t i = 0; i < n; ++i) v[i] = state_detail::load_le<T>(input_.data() + pos_ + i * sizeof(T));
  }
  pos_ += n * sizeof(T);
  return v;
}

template <StateScalar T>
std::vector<T> StateReader::vector_of_size(std::string_view field, std::size_t expected) {
  const std::size_t before = pos_;
  const std::uint64_t n = u64(field);
  if (n != expected) {
    fail(field, "has " + std::to_string(n) + " values where this shard has " + std::to_string(expected));
  }
  pos_ = before;
  return vector<T>(field, expected);
}

}  // namespace eligo
