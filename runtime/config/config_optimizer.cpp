// Stage 3b of the config loader (config_optimizer.hpp): the optimizer settings and their ranges.
#include "runtime/config/config_optimizer.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace eligo::config_loading {

namespace pb = ::eligo::config;

OptimizerParams read_optimizer(const Reporter& r, const pb::TrainingConfig& c) {
  OptimizerParams p;
  const pb::Optimizer& o = c.optimizer();
  const std::string path = "optimizer";
  const auto f = [&](std::string_view key) { return member(path, key); };
  if (!o.type().empty()) p.type = choose(r, f("type"), o.type(), kOptimizerTypeNames);
  if (o.has_batch_size()) p.batch_size = r.integer(o.batch_size(), f("batch_size"), 1, INT64_MAX);
  if (o.has_optimize_each_step()) p.optimize_each_step = o.optimize_each_step();
  const bool adam = p.type == OptimizerType::adam;
  const struct {
    std::string_view name;
    bool present;
    double value;
    double* target;
    bool used;
  } numbers[] = {
      {"eta", o.has_eta(), o.eta(), &p.eta, true},
      {"Wmin", o.has_wmin(), o.wmin(), &p.Wmin, true},
      {"Wmax", o.has_wmax(), o.wmax(), &p.Wmax, true},
      {"beta_1", o.has_beta_1(), o.beta_1(), &p.beta_1, adam},
      {"beta_2", o.has_beta_2(), o.beta_2(), &p.beta_2, adam},
      {"epsilon", o.has_epsilon(), o.epsilon(), &p.epsilon, adam},
  };
  for (const auto& n : numbers) {
    if (!n.present) continue;
    if (!n.used) r.fail(f(n.name), "is only used by the optimizer type adam");
    *n.target = n.value;
  }
  r.expect(p.eta >= 0.0 && std::isfinite(p.eta), f("eta"), ">= 0 and finite", p.eta);
  r.expect(p.Wmin <= p.Wmax, f("Wmin"), "<= Wmax = " + show(p.Wmax), p.Wmin);
  if (adam) {
    r.expect(p.beta_1 >= 0.0 && p.beta_1 < 1.0, f("beta_1"), "in [0, 1)", p.beta_1);
    r.expect(p.beta_2 >= 0.0 && p.beta_2 < 1.0, f("beta_2"), "in [0, 1)", p.beta_2);
    r.expect(p.epsilon > 0.0 && std::isfinite(p.epsilon), f("epsilon"), "> 0 and finite", p.epsilon);
  }
  return p;
}

}  // namespace eligo::config_loading
