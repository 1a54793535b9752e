#pragma once
// Bounds the config loader puts on sizes, so that a typo is refused instead of exhausting memory.
#include <cstdint>

namespace eligo::config_loading {

// Larger populations are a typo, not a network (the same bound as the reference case loader).
inline constexpr std::int64_t kMaxPopulation = 100'000'000;
// The task's input spikes and targets are stored step by step for the whole run (NetworkDescription),
// so a longer task is refused rather than left to exhaust memory. 1e7 steps is 2.8 h at h = 1 ms.
inline constexpr std::int64_t kMaxTaskSteps = 10'000'000;

}  // namespace eligo::config_loading
