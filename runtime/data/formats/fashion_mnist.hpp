#pragma once
// Fashion-MNIST (H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST: a novel image dataset for
// benchmarking machine learning algorithms", arXiv:1708.07747, 2017; MIT licence): 70,000 greyscale
// 28 × 28 images of clothing in 10 classes, 60,000 for training and 10,000 for testing, 6,000 and
// 1,000 per class. Debian ships it as the package dataset-fashion-mnist, four gzipped IDX files
// (idx_file.hpp) in /usr/share/datasets/fashion-mnist.
#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/data/formats/idx_file.hpp"

namespace eligo {

inline constexpr std::string_view kFashionMnistFolder = "/usr/share/datasets/fashion-mnist";
inline constexpr std::string_view kFashionMnistDebianPackage = "dataset-fashion-mnist";
inline constexpr std::string_view kFashionMnistTrainImages = "train-images-idx3-ubyte.gz";
inline constexpr std::string_view kFashionMnistTrainLabels = "train-labels-idx1-ubyte.gz";
inline constexpr std::string_view kFashionMnistTestImages = "t10k-images-idx3-ubyte.gz";
inline constexpr std::string_view kFashionMnistTestLabels = "t10k-labels-idx1-ubyte.gz";

// Label k is class kFashionMnistClasses[k] (the data set's README).
inline constexpr std::array<std::string_view, 10> kFashionMnistClasses = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

// Which of the four files `folder` lacks, in the order above; empty when all are there.
std::vector<std::string> missing_fashion_mnist_files(const std::filesystem::path& folder);

struct FashionMnist {
  std::filesystem::path folder;
  LabelledImages train, test;  // the data set's own split
  // "sha512-<base64>" of each file, in the order above (provenance for the conversion manifest).
  std::array<std::string, 4> integrity;
};

// Reads the four files, keeping at most train_per_class / test_per_class images of each class
// (0: all), the first ones in file order. Errors name the file and byte offset (IdxFileError).
FashionMnist read_fashion_mnist(const std::filesystem::path& folder, std::size_t train_per_class = 0,
                                std::size_t test_per_class = 0);

}  // namespace eligo
