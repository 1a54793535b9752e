#include "actors/cluster/batch_router.hpp"

#include <caf/all.hpp>

#include "actors/messages.hpp"

namespace eligo::cluster {

void BatchRouter::set_routes(std::map<std::uint32_t, std::vector<caf::actor>> spike_routes,
                             std::vector<caf::actor> error_route) {
  std::lock_guard lock(mutex_);
  spike_routes_ = std::move(spike_routes);
  error_route_ = std::move(error_route);
}

void BatchRouter::clear() { set_routes({}, {}); }

bool BatchRouter::deliver(transport::Batch&& batch) {
  std::lock_guard lock(mutex_);
  if (auto* spikes = std::get_if<SpikeBatch>(&batch)) {
    auto it = spike_routes_.find(spikes->sender_shard);
    if (it == spike_routes_.end()) return false;
    auto shared = std::make_shared<const SpikeBatch>(std::move(*spikes));
    for (const caf::actor& a : it->second) caf::anon_send(a, actors::SpikeBatchPtr(shared));
    return true;
  }
  if (auto* errors = std::get_if<ErrorBatch>(&batch)) {
    if (error_route_.empty()) return false;
    auto shared = std::make_shared<const ErrorBatch>(std::move(*errors));
    for (const caf::actor& a : error_route_) caf::anon_send(a, actors::ErrorBatchPtr(shared));
    return true;
  }
  return false;
}

}  // namespace eligo::cluster
