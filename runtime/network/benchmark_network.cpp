#include "runtime/network/benchmark_network.hpp"

#include <algorithm>
#include <cmath>

namespace eligo {
namespace {

// N(0,1)/sqrt(fan-in) × scale (docs/benchmark.md, "Connectivity").
GeneratedConnections normal_block(ConnectionRule rule, std::uint64_t stream, double scale) {
  GeneratedConnections g;
  g.rule = rule;
  g.stream = stream;
  g.weight.kind = WeightKind::normal;
  g.weight.mean = 0.0;
  g.weight.std = 1.0;
  g.weight.scale = scale;
  g.weight.scale_by_sqrt_fan_in = true;
  return g;
}

}  // namespace

BenchmarkNetwork make_benchmark_network(const BenchmarkParams& p) {
  BenchmarkNetwork b;
  NetworkDescription& net = b.network;
  net.seed = p.seed;
  net.resolution_ms = 1.0;
  net.n_in = 100;
  net.n_rec = p.n_rec;
  net.n_out = 1;
  net.rec_model = RecurrentModel::eprop_iaf;

  RecurrentParams& r = net.rec;
  r.C_m = 1.0;
  r.E_L = 0.0;
  r.V_m = 0.0;
  r.V_th = 0.03;
  r.tau_m = 30.0;
  r.t_ref = 0.0;
  r.I_e = 0.0;
  r.kappa = r.kappa_reg = 0.97;
  r.c_reg = 300.0 / static_cast<double>(p.sequence);
  r.f_target = 10.0;
  r.surrogate_gradient_function = SurrogateFunction::piecewise_linear;
  r.surrogate_gradient_height = 10.0;
  r.surrogate_gradient_width = 1.0 / 33.3;
  r.eprop_isi_trace_cutoff = 100.0;
  r.flush_event_send_interval = static_cast<double>(p.sequence);

  ReadoutParams& o = net.out;
  o.C_m = 1.0;
  o.E_L = 0.0;
  o.tau_m = 30.0;
  o.V_m = 0.0;
  o.I_e = 0.0;
  o.eprop_isi_trace_cutoff = 100.0;

  OptimizerParams& opt = net.optimizer;
  opt.type = p.optimizer;
  opt.batch_size = 1;
  opt.Wmin = -100.0;
  opt.Wmax = 100.0;
  opt.optimize_each_step = false;
  if (p.optimizer == OptimizerType::adam) {
    opt.eta = 5e-3;
    opt.beta_1 = 0.9;
    opt.beta_2 = 0.999;
    opt.epsilon = 1e-8;
  } else {
    opt.eta = 1e-4 * 0.03 * 0.03;
  }

  b.indegree = std::min<std::uint32_t>(p.indegree, p.n_rec > 0 ? p.n_rec - 1 : 0);
  net.in_rec_rule = normal_block(ConnectionRule::all_to_all, 1, 0.03);
  net.rec_rec_rule = normal_block(ConnectionRule::fixed_indegree, 2, 0.03);
  net.rec_rec_rule->indegree = b.indegree;
  net.rec_rec_rule->allow_multapses = true;
  net.rec_out_rule = normal_block(ConnectionRule::all_to_all, 3, 0.03);
  // B ~ N(0,1)/sqrt(N) × 0.03: scaled by the recurrent size, not by the feedback block's fan-in (n_out).
  net.out_rec_feedback_rule = normal_block(ConnectionRule::all_to_all, 4, 0.03 / std::sqrt(double(p.n_rec)));
  net.out_rec_feedback_rule->weight.scale_by_sqrt_fan_in = false;

  if (!p.plastic) {
    net.plastic = false;
    net.rec_model = RecurrentModel::eprop_iaf_psc_delta;
    r.V_reset = r.E_L;
  }

  SineWaveTaskParams task;
  task.seed = p.seed;
  task.sequence = p.sequence;
  task.iterations = p.iterations;
  task.input_rate_hz = p.input_rate_hz;
  task.final_update_spike = true;
  b.timing = make_sine_wave_task(net, task);
  return b;
}

}  // namespace eligo
