#pragma once
// IDX files (the format of MNIST and Fashion-MNIST, yann.lecun.com/exdb/mnist): a big-endian header
//   bytes 0–1  zero
//   byte  2    element type (only 0x08, unsigned byte, is read here: both data sets use it)
//   byte  3    number of dimensions k
//   4 + 4·i    size of dimension i (uint32, big-endian), for i = 0 .. k−1
// followed by the product of the sizes in elements, row-major. Images are k = 3 (count, rows, columns),
// labels k = 1 (count). The files usually come gzip-compressed (.gz); a file that starts with the gzip
// magic is inflated on the fly, any other file is read as plain IDX.
//
// Errors name the file and the byte offset: in the file itself for a damaged gzip stream, in the
// inflated IDX bytes for everything else (the message then says "of the inflated data").
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/data/formats/mnist_digits.hpp"

namespace eligo {

class IdxFileError : public std::runtime_error {
 public:
  IdxFileError(const std::filesystem::path& file, std::uint64_t byte_offset, bool inflated, const std::string& problem)
      : std::runtime_error(file.string() + ": byte " + std::to_string(byte_offset) +
                           (inflated ? " of the inflated data" : "") + ": " + problem),
        offset_(byte_offset) {}
  std::uint64_t offset() const { return offset_; }

 private:
  std::uint64_t offset_;
};

// An unsigned-byte IDX array: its dimensions and its elements in file order.
struct IdxArray {
  std::vector<std::uint32_t> dims;
  std::vector<std::uint8_t> data;
  bool was_gzip = false;
};

// The Fashion-MNIST training set is 47 MB inflated; a header asking for more than this is not an
// image set we read, and refusing it keeps a damaged file from filling memory.
inline constexpr std::uint64_t kMaxIdxBytes = std::uint64_t{512} << 20;

// Parses an IDX file's bytes (gzip or plain). `file` only names the input in errors. Checks the magic,
// the element type, 1 to 4 dimensions of nonzero size, and that the data holds exactly the header's
// element count (fewer: truncated; more: trailing bytes).
IdxArray parse_idx(std::string_view bytes, const std::filesystem::path& file);

// Reads and parses a file (errors at byte 0 when it cannot be read).
IdxArray read_idx_file(const std::filesystem::path& file);

// Images grouped by class, each class in file order, grey levels byte / 255.
struct LabelledImages {
  std::array<std::vector<MnistImage>, 10> images;
  std::size_t count() const;
};

// Pairs an images array (n × 28 × 28) with a labels array (n, each 0..9). Keeps at most
// `per_class_limit` images of each class (0: all), the first ones in file order; every label is
// still checked. Errors name the file and offset of the wrong dimension, count or label.
LabelledImages pair_idx_images(const IdxArray& images, const std::filesystem::path& images_file, const IdxArray& labels,
                               const std::filesystem::path& labels_file, std::size_t per_class_limit = 0);

// read_idx_file on both files, then pair_idx_images.
LabelledImages read_idx_image_set(const std::filesystem::path& images_file, const std::filesystem::path& labels_file,
                                  std::size_t per_class_limit = 0);

}  // namespace eligo
