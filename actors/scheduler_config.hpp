#pragma once
// The CAF scheduler every eligo actor system runs on: `threads` workers, and a shorter back-off for an idle
// worker than CAF's. With slices of one step, a worker runs out of work many times a millisecond; CAF 0.17
// then sleeps 50 µs between polls of its queues (work-stealing.moderate-sleep-duration), which delays the
// next slice. 10 µs made two threads 3–12 % faster at N = 10,000 in both modes and changed nothing on one
// thread or for the 100-neuron sine example (docs/benchmark.md, "Scheduler back-off"). Polling without
// sleeping was slower (58–62 against 42 ns per event): spinning workers take the cores from the main thread.
#include <algorithm>
#include <caf/actor_system_config.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace eligo::actors {

inline void configure_scheduler(caf::actor_system_config& cfg, std::uint32_t threads) {
  cfg.set("scheduler.max-threads", static_cast<std::size_t>(std::max<std::uint32_t>(1, threads)));
  cfg.set("work-stealing.moderate-sleep-duration", caf::timespan{std::chrono::microseconds(10)});
}

}  // namespace eligo::actors
