#pragma once
// Checkpoints on disk (docs/architecture.md §7). One directory per checkpoint under RUN/checkpoints/:
//
//   iteration-000010/
//     shard-0000.bin …     each shard's blob (shard_checkpoint.hpp), one per actor
//     shard-0003.actor     an actor's own state where it has one (the supervisor's metrics)
//     weights.bin          the plastic weights in canonical order (for `eligo eval`)
//     manifest.json        written last, by atomic rename: a checkpoint without it does not exist
//
// The manifest names the run's config by digest, the partition, the slice and the iteration, and
// each file's size and SHA-256, so a damaged or swapped file is found before anything is restored.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/core/file_field_error.hpp"
#include "runtime/core/time.hpp"
#include "runtime/core/weight_record.hpp"

namespace eligo {

class CheckpointError : public FileFieldError {
 public:
  using FileFieldError::FileFieldError;
};

struct CheckpointManifest {
  std::string name;           // the run's name
  std::string config_path;    // absolute path of the run's config file
  std::string config_digest;  // SHA-256 of what determines the run (config text and overrides)
  std::uint64_t seed = 0;     // the run's seed and iterations (after overrides)
  std::int64_t iterations = 0;
  std::int64_t iteration = 0;  // iterations completed
  Step slice = 0;              // taken after this slice
  Step slice_steps = 1;
  Step n_steps = 0;
  std::uint32_t input_shards = 1, recurrent_shards = 1;
  std::string weights_digest;
};

struct CheckpointContents {
  CheckpointManifest manifest;
  std::vector<std::string> blobs;         // parallel to the network's shards
  std::vector<std::string> actor_states;  // parallel to blobs; empty where an actor has none
  std::vector<WeightRecord> weights;      // canonical order
};

// Writes RUN/checkpoints/iteration-NNNNNN and returns its path. An existing checkpoint of the same
// iteration is replaced only once the new one is complete.
std::filesystem::path write_checkpoint(const std::filesystem::path& run_dir, const CheckpointContents& c);

// `path` is a checkpoint directory or a run directory (then its latest complete checkpoint is used).
// Checks the manifest and every file against it; CheckpointError names the file and the problem.
CheckpointContents read_checkpoint(const std::filesystem::path& path);

// The checkpoint directory read_checkpoint would use.
std::filesystem::path find_checkpoint(const std::filesystem::path& path);

// Only the manifest and weights (what evaluation needs), with the same checks.
CheckpointContents read_checkpoint_weights(const std::filesystem::path& path);

}  // namespace eligo
