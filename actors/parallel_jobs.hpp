#pragma once
// Runs independent jobs on up to `threads` threads (the caller's among them), for work that happens
// before the actors start: building a network's shards (runtime/network/network_builder.hpp,
// PartitionOptions::run_jobs). The first exception a job throws is rethrown once every thread is done.
#include <functional>
#include <vector>

namespace eligo::actors {

void run_on_threads(std::vector<std::function<void()>>& jobs, unsigned threads);

}  // namespace eligo::actors
