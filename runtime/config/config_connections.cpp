// Stage 3c of the config loader (config_connections.hpp): connection blocks, their rules, weights and delays.
#include "runtime/config/config_connections.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/config/config_limits.hpp"

namespace eligo::config_loading {

namespace pb = ::eligo::config;

namespace {

// Synapses of one block: at about 50 bytes each, 1e9 synapses would need 50 GB.
constexpr double kMaxBlockSynapses = 1e9;

// The four blocks of NetworkDescription, by (source role, target role).
struct BlockKind {
  Role source, target;
  std::string_view label;
  std::optional<GeneratedConnections> NetworkDescription::*slot;
  Step NetworkDescription::*delay;
  bool NetworkDescription::*plastic;  // null: the block cannot be static (feedback)
  std::string_view synapse;           // the only synapse model NEST's e-prop allows there
  bool required;
};

constexpr BlockKind kBlocks[] = {
    {Role::input, Role::recurrent, "input → recurrent", &NetworkDescription::in_rec_rule,
     &NetworkDescription::in_rec_delay, &NetworkDescription::in_rec_plastic, "eprop", true},
    {Role::recurrent, Role::recurrent, "recurrent → recurrent", &NetworkDescription::rec_rec_rule,
     &NetworkDescription::rec_rec_delay, &NetworkDescription::rec_rec_plastic, "eprop", false},
    {Role::recurrent, Role::readout, "recurrent → readout", &NetworkDescription::rec_out_rule,
     &NetworkDescription::rec_out_delay, &NetworkDescription::rec_out_plastic, "eprop", true},
    {Role::readout, Role::recurrent, "readout → recurrent", &NetworkDescription::out_rec_feedback_rule,
     &NetworkDescription::feedback_delay, nullptr, "feedback", true},
};

constexpr std::string_view kSupportedBlocks =
    "input → recurrent, recurrent → recurrent, recurrent → readout (synapse eprop) and readout → recurrent "
    "(synapse feedback)";

constexpr Choice<ConnectionRule> kRules[] = {
    {"all_to_all", ConnectionRule::all_to_all},
    {"one_to_one", ConnectionRule::one_to_one},
    {"fixed_indegree", ConnectionRule::fixed_indegree},
    {"pairwise_bernoulli", ConnectionRule::pairwise_bernoulli},
};

constexpr Choice<WeightKind> kWeightKinds[] = {
    {"constant", WeightKind::constant},
    {"normal", WeightKind::normal},
    {"uniform", WeightKind::uniform},
};

const PopulationRef& find_population(const Reporter& r, const std::vector<PopulationRef>& pops, const std::string& name,
                                     const std::string& field) {
  std::string names;
  for (const PopulationRef& p : pops) {
    if (p.name == name) return p;
    names += (names.empty() ? "" : ", ") + p.name;
  }
  r.fail(field, (name.empty() ? std::string("missing") : "unknown population " + in_quotes(name)) +
                    " (populations: " + names + ")");
}

// A parameter that one value of a selector (rule, distribution) needs and the others do not take.
void expect_presence(const Reporter& r, bool present, bool used, const std::string& field, const std::string& user) {
  if (used && !present) r.fail(field, "missing (required by " + user + ")");
  if (!used && present) r.fail(field, "is only used by " + user);
}

WeightDistribution read_weight(const Reporter& r, const pb::Weight& w, const std::string& path) {
  WeightDistribution d;
  d.kind = w.distribution().empty() ? WeightKind::constant
                                    : choose(r, member(path, "distribution"), w.distribution(), kWeightKinds);
  d.value = 1.0;  // NEST's default weight of eprop_synapse and eprop_learning_signal_connection (docs/numerics.md §13)
  const struct {
    std::string_view name;
    bool present;
    double value;
    double WeightDistribution::*target;
    WeightKind kind;
  } fields[] = {
      {"value", w.has_value(), w.value(), &WeightDistribution::value, WeightKind::constant},
      {"mean", w.has_mean(), w.mean(), &WeightDistribution::mean, WeightKind::normal},
      {"std", w.has_std(), w.std(), &WeightDistribution::std, WeightKind::normal},
      {"low", w.has_low(), w.low(), &WeightDistribution::low, WeightKind::uniform},
      {"high", w.has_high(), w.high(), &WeightDistribution::high, WeightKind::uniform},
      {"scale", w.has_scale(), w.scale(), &WeightDistribution::scale, d.kind},  // every distribution
  };
  for (const auto& f : fields) {
    if (!f.present) continue;
    const std::string field = member(path, f.name);
    if (f.kind != d.kind) r.fail(field, "is not used by distribution " + name_of(d.kind, kWeightKinds));
    r.expect(std::isfinite(f.value), field, "finite", f.value);
    d.*f.target = f.value;
  }
  d.scale_by_sqrt_fan_in = w.scale_by_sqrt_fan_in();
  return d;
}

GeneratedConnections read_rule(const Reporter& r, const pb::Connection& c, const std::string& path) {
  GeneratedConnections g;
  g.rule = choose(r, member(path, "rule"), c.rule(), kRules);
  const bool indegree = g.rule == ConnectionRule::fixed_indegree;
  const bool bernoulli = g.rule == ConnectionRule::pairwise_bernoulli;
  expect_presence(r, c.has_indegree(), indegree, member(path, "indegree"), "rule fixed_indegree");
  expect_presence(r, c.has_probability(), bernoulli, member(path, "probability"), "rule pairwise_bernoulli");
  if (indegree)
    g.indegree = static_cast<std::uint32_t>(r.integer(c.indegree(), member(path, "indegree"), 0, kMaxPopulation));
  if (bernoulli) g.probability = c.probability();
  if (c.has_allow_autapses()) g.allow_autapses = c.allow_autapses();
  if (c.has_allow_multapses()) g.allow_multapses = c.allow_multapses();
  g.weight = read_weight(r, c.weight(), member(path, "weight"));
  return g;
}

constexpr Step kMaxDelaySteps = 1000;

// Returns the delay in steps (1 when absent). Delays longer than one step are an eligo extension
// (network_description.hpp); NEST's e-prop accepts only one step.
Step read_synapse_and_delay(const Reporter& r, const pb::Connection& c, const std::string& path, const BlockKind& block,
                            double h, NetworkDescription& net) {
  const std::string& synapse = c.synapse();
  if (synapse == "static" && block.plastic != nullptr) {
    net.*block.plastic = false;  // fixed weights: the block takes no part in learning
  } else if (!synapse.empty() && synapse != block.synapse)
    r.fail(member(path, "synapse"), "must be " + in_quotes(block.synapse) +
                                        (block.plastic != nullptr ? " or \"static\"" : "") + " for a " +
                                        std::string(block.label) + " connection (got " + in_quotes(synapse) + ")");
  if (!c.has_delay_ms()) return 1;
  const double ms = c.delay_ms();
  // The range test first: it keeps absurd values away from the integer conversion.
  r.expect(std::isfinite(ms) && ms / h >= 0.5 && ms / h < static_cast<double>(kMaxDelaySteps) + 0.5 &&
               std::fabs(ms / h - std::round(ms / h)) < 1e-9,
           member(path, "delay_ms"),
           "a whole number of steps (" + show(h) + " ms each) from 1 to " + std::to_string(kMaxDelaySteps), ms);
  return ms_to_steps(ms, h);
}

}  // namespace

namespace {

// The bsshslm_2020 variant (docs/numerics.md §16): NEST's one-step delay and plastic e-prop synapses, with
// tau_m_readout (κ = exp(−h/tau_m_readout)) per plastic block.
void read_bsshslm_synapse(const Reporter& r, const pb::Connection& conn, const std::string& path, std::size_t block,
                          NetworkDescription& net) {
  const bool bsshslm = net.variant == EpropVariant::bsshslm_2020;
  if (!bsshslm || block == 3) {
    if (conn.has_tau_m_readout())
      r.fail(member(path, "tau_m_readout"),
             bsshslm ? "applies to the plastic e-prop blocks, not the feedback"
                     : "applies to eprop_synapse_bsshslm_2020 only (the bsshslm_2020 models)");
    if (!bsshslm) return;
  }
  const Step delay = block == 0   ? net.in_rec_delay
                     : block == 1 ? net.rec_rec_delay
                     : block == 2 ? net.rec_out_delay
                                  : net.feedback_delay;
  if (delay != 1) r.fail(member(path, "delay_ms"), "must be one step: NEST's bsshslm_2020 synapses take no other");
  if (block == 3) return;
  if (!(block == 0 ? net.in_rec_plastic : block == 1 ? net.rec_rec_plastic : net.rec_out_plastic))
    r.fail(member(path, "synapse"), "must be eprop: the bsshslm_2020 variant has no static blocks");
  if (!conn.has_tau_m_readout()) return;
  const double tau = conn.tau_m_readout();
  r.expect(tau > 0.0 && std::isfinite(tau), member(path, "tau_m_readout"), "> 0 and finite", tau);
  double* slot[] = {&net.bsshslm.tau_m_readout_in_rec, &net.bsshslm.tau_m_readout_rec_rec,
                    &net.bsshslm.tau_m_readout_rec_out};
  *slot[block] = tau;
}

}  // namespace

BlockFields read_connections(const Reporter& r, const pb::TrainingConfig& c, const std::vector<PopulationRef>& pops,
                             double h, NetworkDescription& net) {
  std::string first_of[std::size(kBlocks)];  // field of the connection that filled each block
  for (int i = 0; i < c.connections_size(); ++i) {
    const pb::Connection& conn = c.connections(i);
    const std::string path = element("connections", static_cast<std::size_t>(i));
    const PopulationRef& src = find_population(r, pops, conn.source(), member(path, "source"));
    const PopulationRef& tgt = find_population(r, pops, conn.target(), member(path, "target"));
    const auto block = std::find_if(std::begin(kBlocks), std::end(kBlocks),
                                    [&](const BlockKind& b) { return b.source == src.role && b.target == tgt.role; });
    if (block == std::end(kBlocks))
      r.fail(member(path, "target"), std::string("connections from the ") + role_name(src.role) + " population " +
                                         in_quotes(src.name) + " to the " + role_name(tgt.role) + " population " +
                                         in_quotes(tgt.name) + " are not supported; supported are " +
                                         std::string(kSupportedBlocks));
    std::string& first = first_of[block - std::begin(kBlocks)];
    if (!first.empty())
      r.fail(path, "a second " + std::string(block->label) + " block (the first is " + first +
                       "); give all of its connections in one block");
    first = path;
    net.*block->delay = read_synapse_and_delay(r, conn, path, *block, h, net);
    read_bsshslm_synapse(r, conn, path, static_cast<std::size_t>(block - std::begin(kBlocks)), net);
    GeneratedConnections g = read_rule(r, conn, path);
    g.stream = static_cast<std::uint64_t>(i) + 1;
    const std::string problem = validate(g, src.size, tgt.size, src.name == tgt.name);
    if (!problem.empty()) r.fail(path, problem);
    const double synapses = expected_connections(g, src.size, tgt.size, src.name == tgt.name);
    if (synapses > kMaxBlockSynapses) {
      r.fail(path, "would create about " + show(synapses) + " synapses, more than " + show(kMaxBlockSynapses) +
                       " fit in any machine's memory at about 50 bytes each");
    }
    net.*block->slot = g;
  }
  for (std::size_t b = 0; b < std::size(kBlocks); ++b) {
    if (kBlocks[b].required && first_of[b].empty())
      r.fail("connections", "no " + std::string(kBlocks[b].label) + " block; e-prop needs " +
                                std::string(kSupportedBlocks) + " (recurrent → recurrent is optional)");
  }
  if (!net.rec_rec_rule) net.rec_rec_delay = net.in_rec_delay;  // no such block: it must not shorten slices
  const Step into_rec = std::min(net.in_rec_delay, net.rec_rec_delay);
  if (net.feedback_delay > into_rec) {
    r.fail(member(first_of[3], "delay_ms"),
           "the feedback delay (" + std::to_string(net.feedback_delay) +
               " steps) may not exceed the delays of the spikes into the recurrent population (" +
               std::to_string(into_rec) + " steps): a spike would read learning signals that have not arrived");
  }
  return {first_of[0], first_of[1], first_of[2], first_of[3]};
}

}  // namespace eligo::config_loading
