#include "runtime/data/tasks/evidence_accumulation_task.hpp"

#include <stdexcept>

#include "runtime/network/connection_rules.hpp"

namespace eligo {
namespace {

// Streams of the task's random numbers, apart from the connection blocks' small stream numbers.
constexpr std::uint64_t kTrainingStream = 0x65766964'00000001ULL;  // "evid" · 1
constexpr std::uint64_t kHeldOutStream = 0x65766964'00000002ULL;

}  // namespace

Sample evidence_trial(const EvidenceAccumulationParams& p, std::uint32_t n_in, std::uint64_t seed, TrialSet set,
                      std::int64_t index, SampleParts parts) {
  if (n_in < 4 || n_in % 4 != 0)
    throw std::invalid_argument(
        "evidence accumulation: the input population must have a multiple of 4 neurons "
        "(left, right, recall and noise groups), not " +
        std::to_string(n_in));
  CounterRng rng(seed, set == TrialSet::training ? kTrainingStream : kHeldOutStream, static_cast<std::uint64_t>(index));
  const std::uint32_t group = n_in / 4;
  // Which side is favoured, then each cue's side.
  const std::uint32_t favoured = rng.below(2);
  std::vector<std::uint32_t> cue_side(static_cast<std::size_t>(p.cues));
  std::int64_t right = 0;
  for (std::uint32_t& side : cue_side) {
    const bool minority = rng.uniform() < p.cue_probability;
    side = minority ? 1 - favoured : favoured;
    right += side;
  }
  Sample trial;
  trial.label = right > p.cues / 2 ? 1 : 0;
  if (parts == SampleParts::supervision) return trial;

  // The spike probability of input i at step s (0 when silent).
  const Step sequence = p.sequence();
  const Step recall_start = sequence - p.recall_steps;
  auto probability = [&](Step s, std::uint32_t i) {
    const std::uint32_t g = i / group;
    if (g == 3) return p.spike_probability / 4.0;
    if (g == 2) return s >= recall_start ? p.spike_probability : 0.0;
    const Step period = p.cue_steps + p.spacing_steps;
    const std::int64_t c = s / period;
    if (c >= p.cues || s % period < p.spacing_steps) return 0.0;
    return cue_side[static_cast<std::size_t>(c)] == g ? p.spike_probability : 0.0;
  };
  // Step 0 of every trial stays silent, as in NEST's example.
  for (Step s = 1; s < sequence; ++s) {
    for (std::uint32_t i = 0; i < n_in; ++i) {
      const double q = probability(s, i);
      if (q > 0.0 && rng.uniform() < q) trial.spikes.push_back({s, i});
    }
  }
  return trial;
}

namespace {

class EvidenceTrials final : public DataSource {
 public:
  EvidenceTrials(const EvidenceAccumulationParams& p, std::uint32_t n_in, std::uint64_t seed, TrialSet set)
      : p_(p), n_in_(n_in), seed_(seed), set_(set) {}
  std::optional<Sample> next(SampleParts parts) override {
    return evidence_trial(p_, n_in_, seed_, set_, index_++, parts);
  }
  void skip(std::int64_t n) override { index_ += n; }

 private:
  EvidenceAccumulationParams p_;
  std::uint32_t n_in_;
  std::uint64_t seed_;
  TrialSet set_;
  std::int64_t index_ = 0;
};

}  // namespace

DataSourceFactory evidence_trials(const EvidenceAccumulationParams& p, std::uint32_t n_in, std::uint64_t seed,
                                  TrialSet set) {
  return [=] { return std::make_unique<EvidenceTrials>(p, n_in, seed, set); };
}

}  // namespace eligo
