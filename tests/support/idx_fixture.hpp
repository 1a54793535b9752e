#pragma once
// IDX files built byte by byte and gzipped in the test (idx_file.hpp), and a miniature Fashion-MNIST
// folder made of them, so no test needs the dataset-fashion-mnist package.
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/data/formats/fashion_mnist.hpp"

namespace eligo::test {

// The header (two zero bytes, type 0x08, dimension count, big-endian sizes) followed by `data`.
inline std::string idx_bytes(const std::vector<std::uint32_t>& dims, const std::string& data, char type = 0x08) {
  std::string s{'\0', '\0', type, static_cast<char>(dims.size())};
  for (const std::uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) s += static_cast<char>((d >> shift) & 0xff);
  }
  return s + data;
}

// A single-member gzip stream, as gzip(1) writes it.
inline std::string gzip(const std::string& plain) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(plain.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  z.avail_in = static_cast<uInt>(plain.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

inline void write_bytes(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

// Image k of a fixture split has label k % 10 (interleaved, like the real files) and shows a filled
// rectangle whose size depends on the class and whose grey level and position on k.
inline std::string fixture_images(std::size_t count) {
  std::string pixels;
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t c = k % 10, shift = (k / 10) % 3;
    for (std::size_t r = 0; r < 28; ++r) {
      for (std::size_t col = 0; col < 28; ++col) {
        const bool inside = r >= 4 + shift && r < 12 + c + shift && col >= 6 && col < 14 + c;
        pixels += static_cast<char>(inside ? 120 + 10 * (k % 13) : 0);
      }
    }
  }
  return idx_bytes({static_cast<std::uint32_t>(count), 28, 28}, pixels);
}

inline std::string fixture_labels(std::size_t count) {
  std::string labels;
  for (std::size_t k = 0; k < count; ++k) labels += static_cast<char>(k % 10);
  return idx_bytes({static_cast<std::uint32_t>(count)}, labels);
}

// A Fashion-MNIST folder with train_per_class and test_per_class images of each class, gzipped.
inline void write_fashion_fixture(const std::filesystem::path& folder, std::size_t train_per_class,
                                  std::size_t test_per_class) {
  std::filesystem::create_directories(folder);
  write_bytes(folder / kFashionMnistTrainImages, gzip(fixture_images(10 * train_per_class)));
  write_bytes(folder / kFashionMnistTrainLabels, gzip(fixture_labels(10 * train_per_class)));
  write_bytes(folder / kFashionMnistTestImages, gzip(fixture_images(10 * test_per_class)));
  write_bytes(folder / kFashionMnistTestLabels, gzip(fixture_labels(10 * test_per_class)));
}

}  // namespace eligo::test
