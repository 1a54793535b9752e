#include "runtime/data/conversion/fashion_mnist_converter.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace eligo {
namespace {

// Test images draw from streams 10..19, clear of the Train streams 0..9.
constexpr std::uint64_t kTestStreamBase = 10;

nlohmann::ordered_json manifest_head(const FashionMnist& set, const FashionMnistConversionOptions& o) {
  nlohmann::ordered_json j;
  j["format"] = "N-MNIST binary events (Orchard et al. 2015): <split>/<class>/<n>.bin";
  j["source"] = {{"data_set", "Fashion-MNIST (Xiao, Rasul, Vollgraf 2017)"},
                 {"folder", set.folder.string()},
                 {"files",
                  {{std::string(kFashionMnistTrainImages), set.integrity[0]},
                   {std::string(kFashionMnistTrainLabels), set.integrity[1]},
                   {std::string(kFashionMnistTestImages), set.integrity[2]},
                   {std::string(kFashionMnistTestLabels), set.integrity[3]}}}};
  std::vector<std::string> classes(kFashionMnistClasses.begin(), kFashionMnistClasses.end());
  j["classes"] = classes;
  j["seed"] = o.seed;
  j["train_per_class"] = o.train_per_class;
  j["test_per_class"] = o.test_per_class;
  j["split_rule"] =
      "the data set's own: the first train_per_class images of each class (0: all) of the train files are Train, the "
      "first test_per_class of the t10k files are Test";
  return j;
}

void add_split(const LabelledImages& images, std::size_t limit, bool test, std::vector<EventSampleSpec>& samples) {
  for (std::size_t c = 0; c < 10; ++c) {
    const std::vector<MnistImage>& class_images = images.images[c];
    const std::size_t take = limit == 0 ? class_images.size() : std::min(limit, class_images.size());
    for (std::size_t i = 0; i < take; ++i)
      samples.push_back({&class_images[i], c, test, (test ? kTestStreamBase : 0) + c, i});
  }
}

}  // namespace

EventConversionSummary convert_fashion_mnist_to_events(const FashionMnist& set, const FashionMnistConversionOptions& o,
                                                       const ConversionProgress& progress) {
  std::vector<EventSampleSpec> samples;
  add_split(set.train, o.train_per_class, false, samples);
  add_split(set.test, o.test_per_class, true, samples);
  return write_event_folders(samples, {o.out, o.seed, o.sensor, o.overwrite}, manifest_head(set, o), progress);
}

}  // namespace eligo
