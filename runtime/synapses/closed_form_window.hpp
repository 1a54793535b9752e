#pragma once
// The shared plan of a closed-form interval (docs/numerics.md §19.1, §19.4): after the peel step,
// which the loop runs literally, the rest of the interval, calls 1 … n − 1, is taken from stored window
// summaries instead of being stepped through. Everything in the plan is the same for all synapses of
// one source in one shard (the window, its pieces, their amplitudes and decay factors, the optimizer
// steps), so it is made once per event; each synapse then gathers two or a few summaries of its target
// neuron and applies them.
//
// With per-step optimization the window splits at the last optimizer step f inside it: the gradient up
// to f moves the weight (once, by the sum, which equals the per-step sequence up to rounding when no
// clamp triggers in between: each synapse checks that with a bound), the rest is carried in `cum`.
// What follows f runs from summaries when it is long enough, by the loop otherwise.
#include <cstdint>
#include <vector>

#include "runtime/core/time.hpp"
#include "runtime/optimizers/weight_optimizer.hpp"
#include "runtime/synapses/window_summaries.hpp"

namespace eligo {

// One piece with the shared numbers applying it needs: z̄ at its first step (A) and κ^ℓ, κr^ℓ.
struct PlannedPiece {
  SummaryPiece piece;
  double amplitude = 0.0;
  double kappa_l = 1.0, kappa_reg_l = 1.0;
};

struct ClosedWindowPlan {
  std::vector<PlannedPiece> pieces;  // [0, split): calls 1 … last_closed; [split, end): what follows
  std::size_t split = 0;
  std::int64_t last_closed = 0;  // the last call covered by the first part
  bool tail_by_loop = false;     // calls last_closed + 1 … n − 1 run by the loop (too short for summaries)
  const OptimizerTrigger* fire = nullptr;  // the last optimizer step in the window (per-step mode), or none
  double amplitude = 0.0;                  // z̄ at the first window step
  std::vector<SummaryPiece> scratch;
};

// Plans calls 1 … n_steps − 1 of an interval that began its history at t_begin; false when the loop must
// run them (window too short or not stored, or the optimizer steps use different η: a synapse's first
// step with eta_first_change, docs/numerics.md §10). z_bar: z̄ of each call (shared loop).
template <class Target>
bool plan_closed_window(const Target& target, Step t_begin, Step n_steps, const double* z_bar,
                        const OptimizerSchedule& schedule, bool each_step, ClosedWindowPlan& plan) {
  const WindowSummaryTable& table = *target.table;
  plan.pieces.clear();
  plan.fire = nullptr;
  plan.tail_by_loop = false;
  plan.last_closed = n_steps - 1;
  if (each_step) {
    for (const OptimizerTrigger& trigger : schedule.triggers) {
      if (trigger.call < 1) continue;  // the peel step's own optimizer step runs in the loop body
      if (plan.fire != nullptr && trigger.eta != plan.fire->eta) return false;
      plan.fire = &trigger;
    }
    if (plan.fire != nullptr) plan.last_closed = plan.fire->call;
  }
  std::vector<SummaryPiece>& pieces = plan.scratch;
  pieces.clear();
  if (!table.decompose(t_begin + 1, t_begin + plan.last_closed, pieces)) return false;
  plan.split = pieces.size();
  if (plan.last_closed < n_steps - 1 &&
      !table.decompose(t_begin + plan.last_closed + 1, t_begin + n_steps - 1, pieces)) {
    plan.tail_by_loop = true;
  }
  // Each piece starts from the loop's own z̄ of its first step (the shared loop computed them all).
  plan.amplitude = z_bar[1];
  Step start = t_begin + 1;
  for (const SummaryPiece& piece : pieces) {
    PlannedPiece planned{piece, z_bar[start - t_begin], 1.0, 1.0};
    target.piece_factors(piece.length, planned);
    plan.pieces.push_back(planned);
    start += piece.length;
  }
  return true;
}

}  // namespace eligo
