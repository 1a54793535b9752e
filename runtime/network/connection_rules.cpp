#include "runtime/network/connection_rules.hpp"

#include <cmath>
#include <numbers>
#include <vector>

namespace eligo {
namespace {

std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// fan_in: the number of sources a target draws from (n_source, or the indegree for fixed_indegree).
double draw_weight(const WeightDistribution& d, CounterRng& rng, std::uint32_t fan_in) {
  double w = 0.0;
  switch (d.kind) {
    case WeightKind::constant:
      w = d.value;
      break;
    case WeightKind::normal:
      w = d.mean + d.std * rng.normal();
      break;
    case WeightKind::uniform:
      w = d.low + (d.high - d.low) * rng.uniform();
      break;
  }
  if (d.scale_by_sqrt_fan_in) w /= std::sqrt(static_cast<double>(fan_in));
  return w * d.scale;
}

}  // namespace

CounterRng::CounterRng(std::uint64_t seed, std::uint64_t stream, std::uint64_t target)
    : state_(mix(mix(mix(seed) ^ stream) ^ target)) {}

std::uint64_t CounterRng::next() {
  state_ += 0x9e3779b97f4a7c15ULL;
  return mix(state_);
}

double CounterRng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

std::uint32_t CounterRng::below(std::uint32_t n) {
  // Lemire's multiply-shift; the tiny bias (< n / 2^64) does not matter for network construction.
  return static_cast<std::uint32_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
}

double CounterRng::normal() {
  const double u1 = 1.0 - uniform();  // (0, 1]
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

void generate_incoming(const GeneratedConnections& rule, std::uint64_t seed, std::uint32_t target,
                       std::uint32_t n_source, bool same_population,
                       const std::function<void(std::uint32_t, double)>& add) {
  CounterRng rng(seed, rule.stream, target);
  const bool skip_self = same_population && !rule.allow_autapses;
  switch (rule.rule) {
    case ConnectionRule::all_to_all:
      for (std::uint32_t i = 0; i < n_source; ++i) {
        if (!(skip_self && i == target)) add(i, draw_weight(rule.weight, rng, n_source));
      }
      break;
    case ConnectionRule::one_to_one:
      if (target < n_source) add(target, draw_weight(rule.weight, rng, n_source));
      break;
    case ConnectionRule::pairwise_bernoulli:
      for (std::uint32_t i = 0; i < n_source; ++i) {
        if (skip_self && i == target) continue;
        if (rng.uniform() < rule.probability) add(i, draw_weight(rule.weight, rng, n_source));
      }
      break;
    case ConnectionRule::fixed_indegree: {
      const std::uint32_t pool = skip_self ? n_source - 1 : n_source;
      std::vector<bool> taken(rule.allow_multapses ? 0 : n_source, false);
      for (std::uint32_t c = 0; c < rule.indegree; ++c) {
        std::uint32_t i;
        do {
          i = rng.below(pool);
          if (skip_self && i >= target) ++i;  // draw from the other neurons (docs/benchmark.md)
        } while (!rule.allow_multapses && taken[i]);
        if (!rule.allow_multapses) taken[i] = true;
        add(i, draw_weight(rule.weight, rng, rule.indegree));
      }
      break;
    }
  }
}

std::string validate(const GeneratedConnections& rule, std::uint32_t n_source, std::uint32_t n_target,
                     bool same_population) {
  const bool skip_self = same_population && !rule.allow_autapses;
  switch (rule.rule) {
    case ConnectionRule::one_to_one:
      if (n_source != n_target) {
        return "one_to_one needs equal sizes (source " + std::to_string(n_source) + ", target " +
               std::to_string(n_target) + ")";
      }
      if (skip_self) return "one_to_one within one population connects each neuron to itself: allow autapses";
      break;
    case ConnectionRule::fixed_indegree: {
      const std::uint64_t pool = skip_self ? n_source - 1 : n_source;
      if (rule.indegree > 0 && pool == 0) return "fixed_indegree has no source neuron to draw from";
      if (!rule.allow_multapses && rule.indegree > pool) {
        return "indegree " + std::to_string(rule.indegree) + " exceeds the " + std::to_string(pool) +
               " distinct sources available without multapses";
      }
      break;
    }
    case ConnectionRule::pairwise_bernoulli:
      if (!(rule.probability >= 0.0 && rule.probability <= 1.0)) return "probability must be in [0, 1]";
      break;
    case ConnectionRule::all_to_all:
      break;
  }
  if (rule.weight.kind == WeightKind::uniform && !(rule.weight.low <= rule.weight.high)) {
    return "uniform weights need low <= high";
  }
  if (rule.weight.kind == WeightKind::normal && !(rule.weight.std >= 0.0)) return "normal weights need std >= 0";
  return {};
}

double expected_connections(const GeneratedConnections& rule, std::uint32_t n_source, std::uint32_t n_target,
                            bool same_population) {
  const double s = n_source, t = n_target;
  const double pairs = same_population && !rule.allow_autapses ? s * t - t : s * t;
  switch (rule.rule) {
    case ConnectionRule::all_to_all:
      return pairs;
    case ConnectionRule::one_to_one:
      return t;
    case ConnectionRule::fixed_indegree:
      return static_cast<double>(rule.indegree) * t;
    case ConnectionRule::pairwise_bernoulli:
      return rule.probability * pairs;
  }
  return 0.0;
}

}  // namespace eligo
