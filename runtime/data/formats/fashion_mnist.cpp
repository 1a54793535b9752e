#include "runtime/data/formats/fashion_mnist.hpp"

namespace eligo {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 4> kFiles = {kFashionMnistTrainImages, kFashionMnistTrainLabels,
                                                    kFashionMnistTestImages, kFashionMnistTestLabels};

}  // namespace

std::vector<std::string> missing_fashion_mnist_files(const fs::path& folder) {
  std::vector<std::string> missing;
  std::error_code ec;
  for (const std::string_view name : kFiles) {
    if (!fs::is_regular_file(folder / name, ec)) missing.emplace_back(name);
  }
  return missing;
}

FashionMnist read_fashion_mnist(const fs::path& folder, std::size_t train_per_class, std::size_t test_per_class) {
  FashionMnist set;
  set.folder = folder;
  set.train = read_idx_image_set(folder / kFashionMnistTrainImages, folder / kFashionMnistTrainLabels, train_per_class);
  set.test = read_idx_image_set(folder / kFashionMnistTestImages, folder / kFashionMnistTestLabels, test_per_class);
  for (std::size_t i = 0; i < kFiles.size(); ++i) set.integrity[i] = npm_integrity_of(folder / kFiles[i]);
  return set;
}

}  // namespace eligo
