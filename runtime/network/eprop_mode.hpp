#pragma once
// Where the closed form runs (docs/numerics.md §19). The modes (NetworkDescription::eprop_mode): `exact` steps through
// it as NEST does (the default, and what the NEST conformance cases check); `closed_form` takes every window after the
// peel step from the target neurons' window summaries wherever that gives the loop's result up to rounding, and runs
// the loop elsewhere; `auto` is closed_form where windows are long enough to gain (cutoff of at least 8 steps). A
// closed-form run is deterministic in its own right: the same digest for any threads, shards, processes and after a
// resume, but not the exact run's digest.
#include <string>

#include "runtime/network/network_description.hpp"

namespace eligo {

// Where the closed form runs, per target population, and why not where it does not.
struct ClosedFormChoice {
  bool recurrent = false;
  bool readout = false;
  std::string recurrent_reason;  // empty when recurrent is true
  std::string readout_reason;
};

ClosedFormChoice choose_closed_form(const NetworkDescription& net);

}  // namespace eligo
