#include "runtime/data/tasks/nmnist_task.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "runtime/network/connection_rules.hpp"

namespace eligo {
namespace {

constexpr std::uint64_t kOrderStream = 0x6e6d6e73'00000001ULL;  // "nmns" · 1

}  // namespace

NmnistSamples::NmnistSamples(const std::filesystem::path& root, const std::string& split, std::uint64_t seed)
    : files_(list_nmnist_split(root, split)) {
  if (files_.empty()) throw DataFileError(root / split, "", "no N-MNIST samples (*.bin files in digit folders)");
  if (files_.size() > UINT32_MAX) throw DataFileError(root / split, "", "too many samples");
  // Fisher–Yates with the project's counter-based generator: the same order on every machine.
  order_.resize(files_.size());
  std::iota(order_.begin(), order_.end(), 0u);
  CounterRng rng(seed, kOrderStream, 0);
  for (std::size_t i = order_.size(); i > 1; --i)
    std::swap(order_[i - 1], order_[rng.below(static_cast<std::uint32_t>(i))]);
}

LabeledSample NmnistSamples::sample(std::int64_t index, Step sequence, double resolution_ms) const {
  const NmnistSampleFile& file = files_[order_[static_cast<std::size_t>(index) % order_.size()]];
  LabeledSample s;
  s.label = static_cast<std::uint32_t>(file.label);
  const std::vector<NmnistEvent> events = read_nmnist_file(file.path);
  s.spikes.reserve(events.size());
  const double us_per_step = 1000.0 * resolution_ms;
  for (const NmnistEvent& e : events) {
    const double step = std::floor(static_cast<double>(e.time_us) / us_per_step);
    const Step r = std::clamp<Step>(static_cast<Step>(step), 1, sequence - 1);
    const std::uint32_t input =
        (e.on ? 1u : 0u) * kNmnistSide * kNmnistSide + static_cast<std::uint32_t>(e.y) * kNmnistSide + e.x;
    s.spikes.push_back({r, input});
  }
  return s;
}

}  // namespace eligo
