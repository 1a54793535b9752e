#pragma once
// Bounds the config loader puts on sizes, so that a typo is refused instead of exhausting memory.
#include <cstdint>

namespace eligo::config_loading {

// Larger populations are a typo, not a network (the same bound as the reference case loader).
inline constexpr std::int64_t kMaxPopulation = 100'000'000;
// Bounds a single setting counted in steps or samples (a sequence, a phase, a group): 1e7 steps is
// 2.8 h at h = 1 ms.
inline constexpr std::int64_t kMaxTaskSteps = 10'000'000;
// The whole run: its stimulus is streamed (docs/architecture.md §3.1), so its length costs no memory;
// the bound only keeps step numbers far from overflow (1e12 steps is 31 years at h = 1 ms).
inline constexpr std::int64_t kMaxRunSteps = 1'000'000'000'000;
// One sample is held in memory while it is presented (input spikes and target values, 16 bytes
// each): about 4 GB.
inline constexpr double kMaxSampleEntries = 2.5e8;
// The sine-wave task draws its frozen input raster cell by cell (inputs × sequence steps) when the config
// loads, whatever the rate: as many draws as a sample may hold entries, well under a second.
inline constexpr double kMaxRasterCells = kMaxSampleEntries;

}  // namespace eligo::config_loading
