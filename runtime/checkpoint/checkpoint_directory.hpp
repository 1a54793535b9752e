#pragma once
// Checkpoints on disk (docs/architecture.md §7). One directory per checkpoint under RUN/checkpoints/:
//
//   iteration-000010/
//     shard-0000.bin …     each shard's blob (shard_checkpoint.hpp), one per actor
//     shard-0003.actor     an actor's own state where it has one (the supervisor's metrics)
//     weights.bin          the plastic weights in canonical order (for `eligo eval`)
//     manifest.json        written last
//
// The manifest names the run's config by digest, the partition, the slice and the iteration, each
// file's size and SHA-256, and its own SHA-256 (manifest_sha256), so a damaged, truncated, missing or
// swapped file is found before anything is restored. A checkpoint is written in
// iteration-NNNNNN.partial/ beside it, every file fsynced, and renamed to its name only when
// complete: a directory iteration-NNNNNN is whole or damaged, never half-written. Readers ignore
// the .partial (and .old) directories.
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
// iteration is replaced only once the new one is complete. On failure (a full disk) the partial
// directory is removed, every other checkpoint is left as it was, and CheckpointError names the
// checkpoint, the file and the system's reason.
std::filesystem::path write_checkpoint(const std::filesystem::path& run_dir, const CheckpointContents& c);

// `path` is a checkpoint directory or a run directory (then its latest checkpoint is used; if that one
// is damaged it is refused, not passed over). Checks the manifest and every file against it;
// CheckpointError names the file and the problem.
CheckpointContents read_checkpoint(const std::filesystem::path& path);

// The checkpoint directory read_checkpoint would use.
std::filesystem::path find_checkpoint(const std::filesystem::path& path);

// Only the manifest and weights (what evaluation needs), after the same checks of every file.
CheckpointContents read_checkpoint_weights(const std::filesystem::path& path);

}  // namespace eligo
