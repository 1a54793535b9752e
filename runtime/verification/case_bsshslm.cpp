// The parts of a schema-v3 case file that only the bsshslm_2020 variant has (tests/data/nest/README.md "Schema
// version 3"): kernel_params, synapse_common, and NEST's final weights.
#include <algorithm>
#include <numeric>
#include <string>

#include "runtime/verification/case_sections.hpp"

namespace eligo::case_loading {

void read_bsshslm_settings(const CaseReader& rd, const Field& root, double h, NetworkDescription& net) {
  const Field kernel = rd.at(root, "kernel_params");
  BsshslmSettings& b = net.bsshslm;
  const Field interval = rd.at(kernel, "eprop_update_interval");
  b.update_interval = rd.time_step(interval, h);
  rd.expect(b.update_interval >= 1, interval.ptr, "at least one step", rd.finite(interval));
  const Field window = rd.at(kernel, "eprop_learning_window");
  b.learning_window = rd.time_step(window, h);
  rd.expect(b.learning_window >= 1 && b.learning_window <= b.update_interval, window.ptr,
            "between one step and eprop_update_interval", rd.finite(window));
  if (auto f = rd.find(kernel, "eprop_reset_neurons_on_update")) b.reset_neurons_on_update = rd.boolean(*f);

  const Field common = rd.at(root, "synapse_common");
  if (auto f = rd.find(common, "synapse_model")) rd.expect_literal(*f, "eprop_synapse_bsshslm_2020");
  if (auto f = rd.find(common, "average_gradient")) b.average_gradient = rd.boolean(*f);

  // timing_steps repeats T and LW; a file that disagrees with itself is refused.
  if (auto timing = rd.find(root, "timing_steps")) {
    if (auto f = rd.find(*timing, "update_interval"))
      rd.expect(rd.integer(*f, 1, b.update_interval + 1) == b.update_interval, f->ptr,
                "kernel_params.eprop_update_interval in steps (" + std::to_string(b.update_interval) + ")",
                f->value.get<double>());
    if (auto f = rd.find(*timing, "learning_window"))
      rd.expect(rd.integer(*f, 1, b.update_interval + 1) == b.learning_window, f->ptr,
                "kernel_params.eprop_learning_window in steps (" + std::to_string(b.learning_window) + ")",
                f->value.get<double>());
  }
}

std::vector<std::size_t> nest_port_order(const CaseReader& rd, const Field& block, std::size_t n_connections) {
  const auto ports = rd.find(block, "nest_port");
  if (!ports) return {};
  rd.expect_size(*ports, n_connections, "one port per connection");
  std::vector<std::int64_t> port(n_connections);
  for (std::size_t i = 0; i < n_connections; ++i) port[i] = rd.integer(rd.at(*ports, i), 0, INT64_MAX);
  std::vector<std::size_t> order(n_connections);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return port[a] < port[b]; });
  return order;
}

void read_final_weights(const CaseReader& rd, const Field& root, ReferenceCase& rc) {
  const auto recordings = rd.find(root, "nest_recordings");
  if (!recordings) return;
  const auto weights = rd.find(*recordings, "final_weights");
  if (!weights) return;
  FinalWeights fw;
  const NetworkDescription& net = rc.network;
  const Field connections = rd.at(root, "connections");
  const auto block = [&](std::string_view key, std::size_t n) {
    const Field f = rd.at(*weights, key);
    rd.expect_size(f, n, "one weight per connection of connections." + std::string(key));
    std::vector<double> w = rd.finite_array(f);
    // The lists were put into NEST's delivery order (read_connections); the weights follow them.
    const std::vector<std::size_t> order = nest_port_order(rd, rd.at(connections, key), n);
    if (order.empty()) return w;
    std::vector<double> sorted(n);
    for (std::size_t i = 0; i < n; ++i) sorted[i] = w[order[i]];
    return sorted;
  };
  fw.in_rec = block("in_rec", net.in_rec.size());
  fw.rec_rec = block("rec_rec", net.rec_rec.size());
  fw.rec_out = block("rec_out", net.rec_out.size());
  rc.final_weights = std::move(fw);
}

}  // namespace eligo::case_loading
