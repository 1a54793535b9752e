#pragma once
// The network whose shard checkpoints tests/fuzz/fuzz_shard_checkpoint.cpp reads, and whose real
// checkpoints tests/fuzz/make_seeds.cpp writes as its seeds: 3 inputs, 5 adaptive neurons in 2
// recurrent shards, 2 readouts, Adam in batches of 2, a cutoff and flushes, so that every section of a
// shard's state has something in it.
#include "runtime/network/network_builder.hpp"

namespace eligo::fuzz {

inline void connect(ConnectionList& list, std::uint32_t source, std::uint32_t target, double weight) {
  list.source.push_back(source);
  list.target.push_back(target);
  list.weight.push_back(weight);
}

inline NetworkDescription tiny_network() {
  NetworkDescription net;
  net.n_in = 3;
  net.n_rec = 5;
  net.n_out = 2;
  net.rec_model = RecurrentModel::eprop_iaf_adapt;
  net.rec.V_th = net.rec.E_L + 2.0;
  net.rec.eprop_isi_trace_cutoff = 6.0;
  net.rec.flush_event_send_interval = 8.0;
  net.out.eprop_isi_trace_cutoff = 6.0;
  net.input.flush_event_send_interval = 8.0;
  net.optimizer.type = OptimizerType::adam;
  net.optimizer.batch_size = 2;
  net.optimizer.optimize_each_step = false;
  for (std::uint32_t j = 0; j < net.n_rec; ++j) {
    for (std::uint32_t i = 0; i < net.n_in; ++i) connect(net.in_rec, i, j, 400.0 + 100.0 * i);
    connect(net.rec_rec, (j + 1) % net.n_rec, j, 50.0);
    for (std::uint32_t k = 0; k < net.n_out; ++k) connect(net.out_rec_feedback, k, j, 0.5 - k);
  }
  for (std::uint32_t k = 0; k < net.n_out; ++k)
    for (std::uint32_t j = 0; j < net.n_rec; ++j) connect(net.rec_out, j, k, 0.1 * (j + 1));
  net.input_spike_steps = {{1, 4, 9, 15}, {2, 3, 11}, {6, 7, 8, 20}};
  net.targets = {StepSignal{{0, 10}, {0.5, -0.5}}, StepSignal{{0}, {1.0}}};
  net.learning_window = StepSignal{{0}, {1.0}};
  return net;
}

inline PartitionOptions tiny_partition() {
  PartitionOptions p;
  p.recurrent_shards = 2;
  return p;
}

inline constexpr Step kTinySteps = 30;  // the run the seeds' checkpoints are taken in

}  // namespace eligo::fuzz
