#include "actors/cluster/control_codec.hpp"

namespace eligo::cluster {

void to_wire(const actors::WeightRecords& from, google::protobuf::RepeatedPtrField<wire::Weight>& to) {
  to.Reserve(static_cast<int>(from.size()));
  for (const WeightRecord& w : from) {
    wire::Weight* o = to.Add();
    o->set_source_gid(w.source_gid);
    o->set_target_gid(w.target_gid);
    o->set_weight(w.weight);
  }
}

actors::WeightRecords from_wire(const google::protobuf::RepeatedPtrField<wire::Weight>& from) {
  actors::WeightRecords w;
  w.reserve(static_cast<std::size_t>(from.size()));
  for (const wire::Weight& o : from) w.push_back(WeightRecord{o.source_gid(), o.target_gid(), o.weight()});
  return w;
}

wire::ShardCheckpointPart to_wire(const actors::ShardCheckpoint& c) {
  wire::ShardCheckpointPart p;
  p.set_slice(c.slice);
  p.set_shard_id(c.shard_id);
  p.set_blob(c.blob);
  p.set_actor_state(c.actor_state);
  to_wire(c.weights, *p.mutable_weights());
  return p;
}

actors::ShardCheckpointPtr from_wire(const wire::ShardCheckpointPart& p) {
  auto c = std::make_shared<actors::ShardCheckpoint>();
  c->slice = p.slice();
  c->shard_id = p.shard_id();
  c->blob = p.blob();
  c->actor_state = p.actor_state();
  c->weights = from_wire(p.weights());
  return c;
}

wire::Iteration to_wire(const actors::IterationReport& r) {
  wire::Iteration o;
  o.set_iteration(r.iteration);
  o.set_loss(r.loss);
  o.set_accuracy(r.accuracy);
  o.set_rec_spikes(r.rec_spikes);
  return o;
}

actors::IterationReport from_wire(const wire::Iteration& o) {
  return actors::IterationReport{o.iteration(), o.loss(), o.accuracy(), o.rec_spikes()};
}

wire::RecordingPart to_wire(const actors::Recording& r) {
  wire::RecordingPart o;
  o.set_first_step(r.first_step);
  o.set_n_out(r.n_out);
  for (const auto& [step, neuron] : r.rec_spikes) {
    wire::RecordedSpike* s = o.add_rec_spikes();
    s->set_step(step);
    s->set_neuron(neuron);
  }
  o.mutable_readout_signal()->Add(r.readout_signal.begin(), r.readout_signal.end());
  o.mutable_target_signal()->Add(r.target_signal.begin(), r.target_signal.end());
  return o;
}

actors::Recording from_wire(const wire::RecordingPart& o) {
  actors::Recording r;
  r.first_step = o.first_step();
  r.n_out = o.n_out();
  for (const wire::RecordedSpike& s : o.rec_spikes()) r.rec_spikes.emplace_back(s.step(), s.neuron());
  r.readout_signal.assign(o.readout_signal().begin(), o.readout_signal().end());
  r.target_signal.assign(o.target_signal().begin(), o.target_signal().end());
  return r;
}

}  // namespace eligo::cluster
