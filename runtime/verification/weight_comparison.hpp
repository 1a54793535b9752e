#pragma once
// Compares a run's final weights with the ones NEST recorded (schema v3 nest_recordings.final_weights), block by
// block: in NEST's regression setup the input and recurrent weights move by about 1e-6 and never shift a spike,
// so the losses alone hardly test their learning.
#include <string>
#include <vector>

#include "runtime/core/weight_record.hpp"
#include "runtime/verification/reference_case.hpp"

namespace eligo {

struct BlockDeviation {
  std::string block;                    // in_rec, rec_rec, rec_out
  double max_relative_deviation = 0.0;  // |w − w_nest| / |w_nest| (|w − w_nest| where w_nest = 0); NaN if unmatched
};

// `weights` in canonical order (by source gid, target gid, connection order), as a run reports them.
std::vector<BlockDeviation> compare_final_weights(const ReferenceCase& c, const std::vector<WeightRecord>& weights);

inline bool within(const std::vector<BlockDeviation>& d, double tolerance) {
  for (const BlockDeviation& b : d)
    if (!(b.max_relative_deviation <= tolerance)) return false;
  return true;
}

}  // namespace eligo
