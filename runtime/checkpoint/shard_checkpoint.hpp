#pragma once
// The checkpoint of one shard as one self-checking blob (docs/architecture.md §7: "every actor writes its
// state"). Layout:
//
//   "ELIGOSHD" | format version (u32) | payload length (u64) | payload | FNV-1a-64 of the payload (u64)
//   payload = section "checkpoint": slice S (i64)
//             Shard::save_state: identity, then everything the shard's run has changed
//             section "last_output": the shard's output of slice S (slice_output_state.hpp)
//
// A shard's output of slice S is the input of slice S+1 for its receivers, so each shard carries its
// own: on resume every shard is restored and re-sends that output, and the run continues with slice
// S+1. A truncated, damaged or foreign blob is refused with a StateError that says why, before the
// shard changes (damage, version) or as the first check of the state (another shard or partition).
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/checkpoint/state_stream.hpp"
#include "runtime/network/shard.hpp"

namespace eligo {

inline constexpr std::string_view kShardCheckpointMagic = "ELIGOSHD";
inline constexpr std::uint32_t kShardCheckpointVersion = 1;

// `slice`: the slice the shard has just advanced (−1 before the first); `output`: what it returned.
std::string save_shard_checkpoint(const Shard& shard, Step slice, const SliceOutput& output);

struct RestoredShard {
  Step slice = -1;     // the slice after which the checkpoint was taken
  SliceOutput output;  // the shard's output of that slice
};

// Restores a shard built from the same network description and partition as the saved one.
RestoredShard load_shard_checkpoint(Shard& shard, std::string_view blob);

// The envelope on its own: seal() wraps a payload, unseal() checks magic, version, length and checksum
// and returns the payload.
std::string seal_checkpoint(std::string_view payload);
std::string_view unseal_checkpoint(std::string_view blob);

}  // namespace eligo
