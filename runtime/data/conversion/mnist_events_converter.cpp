#include "runtime/data/conversion/mnist_events_converter.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace eligo {
namespace {

// The manifest's own fields; the key order is part of the output (byte-identical conversions).
nlohmann::ordered_json manifest_head(const MnistDigits& digits, const MnistConversionOptions& o) {
  nlohmann::ordered_json j;
  j["format"] = "N-MNIST binary events (Orchard et al. 2015): <split>/<digit>/<n>.bin";
  j["source"] = {{"package", std::string(kMnistPackageSpec)},
                 {"version", digits.version},
                 {"integrity", digits.integrity},
                 {"is_registry_tarball", digits.integrity == kMnistPackageIntegrity}};
  j["seed"] = o.seed;
  j["per_digit"] = o.per_digit;
  j["test_fraction"] = o.test_fraction;
  j["split_rule"] =
      "per digit, in package order: the last round(n * test_fraction) (at least 1 if test_fraction > 0 and n >= 2) of "
      "the first n images are Test";
  return j;
}

}  // namespace

MnistConversionSummary convert_mnist_to_events(const MnistDigits& digits, const MnistConversionOptions& o,
                                               const ConversionProgress& progress) {
  if (const std::string problem = validate(o.sensor); !problem.empty()) throw std::invalid_argument(problem);
  if (!(o.test_fraction >= 0.0 && o.test_fraction < 1.0)) {
    throw std::invalid_argument("test fraction must be in [0, 1)");
  }
  std::vector<EventSampleSpec> samples;
  for (std::size_t d = 0; d < 10; ++d) {
    const std::size_t available = digits.images[d].size();
    const std::size_t take = o.per_digit == 0 ? available : std::min(o.per_digit, available);
    auto n_test = static_cast<std::size_t>(std::llround(static_cast<double>(take) * o.test_fraction));
    // A quick run (--per-digit 2) must still give a Test split the N-MNIST reader accepts.
    if (o.test_fraction > 0 && n_test == 0 && take >= 2) n_test = 1;
    const std::size_t n_train = take - n_test;
    for (std::size_t i = 0; i < take; ++i) samples.push_back({&digits.images[d][i], d, i >= n_train, d, i});
  }
  return write_event_folders(samples, {o.out, o.seed, o.sensor, o.overwrite}, manifest_head(digits, o), progress);
}

}  // namespace eligo
