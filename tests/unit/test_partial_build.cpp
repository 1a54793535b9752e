// A cluster node builds only its own shards (PartitionOptions::build_only): those are the same shards
// a full build makes, and the others are left out with their placements intact.
#include <catch2/catch.hpp>

#include "runtime/network/benchmark_network.hpp"
#include "runtime/network/network_builder.hpp"

namespace {

std::vector<eligo::WeightRecord> weights_of(const eligo::Shard& shard) {
  std::vector<eligo::WeightRecord> w;
  shard.append_weights(w);
  return w;
}

}  // namespace

TEST_CASE("a partial build makes exactly the chosen shards, as a full build does", "[cluster]") {
  eligo::BenchmarkParams params;
  params.n_rec = 60;
  params.indegree = 10;
  const eligo::NetworkDescription net = eligo::make_benchmark_network(params).network;
  eligo::PartitionOptions options;
  options.input_shards = 2;
  options.recurrent_shards = 3;
  const eligo::BuiltNetwork full = eligo::build_network(net, options);
  options.build_only = {false, true,  false,
                        true,  false, true};  // ids 1, 3, 5: input shard 1, recurrent shard 3, the readout
  const eligo::BuiltNetwork part = eligo::build_network(net, options);
  REQUIRE(part.shards.size() == full.shards.size());
  REQUIRE(part.placements.size() == full.placements.size());
  for (std::size_t i = 0; i < full.shards.size(); ++i) {
    INFO("shard " << i);
    CHECK(part.placements[i].first_index == full.placements[i].first_index);
    CHECK(part.placements[i].size == full.placements[i].size);
    if (!options.build_only[i]) {
      CHECK(part.shards[i] == nullptr);
      continue;
    }
    REQUIRE(part.shards[i] != nullptr);
    const auto a = weights_of(*part.shards[i]);
    const auto b = weights_of(*full.shards[i]);
    REQUIRE(a.size() == b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
      CHECK(a[k].source_gid == b[k].source_gid);
      CHECK(a[k].target_gid == b[k].target_gid);
      CHECK(a[k].weight == b[k].weight);
    }
  }
  CHECK(!weights_of(*part.shards[3]).empty());  // a recurrent shard has synapses to compare
}
