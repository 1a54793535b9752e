#pragma once
// The evidence-accumulation task of Bellec et al. (2020), with the timing and sizes of NEST's example
// (eprop_supervised_classification_evidence-accumulation.py). Each trial shows `cues` cues, one after
// another: the left-cue or the right-cue input group fires for cue_steps, after spacing_steps of
// pause. One side is favoured (it gets each cue with probability 1 − cue_probability). After a delay
// the recall group fires for recall_steps, and the network must tell which side had more cues. The
// fourth group fires background noise throughout, at a quarter of the cue rate. Inputs are split
// into the four groups in that order (left, right, recall, noise).
//
// Every trial is a pure function of (seed, stream, trial index), so training trials and held-out
// trials (another stream) never coincide and any trial can be regenerated alone.
#include <cstdint>

#include "runtime/data/sources/data_source.hpp"

namespace eligo {

struct EvidenceAccumulationParams {
  std::int64_t cues = 7;
  Step cue_steps = 100;
  Step spacing_steps = 50;
  Step delay_steps = 1050;  // background noise between the last cue and the recall
  Step recall_steps = 150;
  double cue_probability = 0.3;     // probability of the minority side, per cue
  double spike_probability = 0.04;  // per step, for an active cue or recall input
  Step sequence() const { return cues * (cue_steps + spacing_steps) + delay_steps + recall_steps; }
};

enum class TrialSet { training, held_out };

// Trial `index` of the set; label 1 when the right side had more cues. n_in must be a multiple of 4.
// SampleParts::supervision leaves the spikes out (the label is drawn first).
Sample evidence_trial(const EvidenceAccumulationParams& p, std::uint32_t n_in, std::uint64_t seed, TrialSet set,
                      std::int64_t index, SampleParts parts = SampleParts::all);

// The trials of a set as a data source: trial 0, 1, 2, … (skipping costs nothing).
DataSourceFactory evidence_trials(const EvidenceAccumulationParams& p, std::uint32_t n_in, std::uint64_t seed,
                                  TrialSet set);

}  // namespace eligo
