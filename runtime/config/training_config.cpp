// Loader of the native config format (proto/eligo/config.proto).
//
// Three stages, each of which reports every problem as a ConfigError naming the file and the field:
//   1. text → JSON document (config_document.cpp), duplicate keys refused in YAML and JSON alike.
//   2. JSON → TrainingConfig message (config_schema.cpp), unknown fields refused.
//   3. message → TrainingSetup: everything the schema cannot express, stage by stage: populations and
//      their parameters (config_populations.cpp), optimizer (config_optimizer.cpp), connections
//      (config_connections.cpp), training length and task (config_task.cpp). This file runs them in order.
#include "runtime/config/training_config.hpp"

#include <cmath>
#include <exception>
#include <nlohmann/json.hpp>
#include <vector>

#include "runtime/config/config_bsshslm.hpp"
#include "runtime/config/config_connections.hpp"
#include "runtime/config/config_document.hpp"
#include "runtime/config/config_errors.hpp"
#include "runtime/config/config_limits.hpp"
#include "runtime/config/config_optimizer.hpp"
#include "runtime/config/config_populations.hpp"
#include "runtime/config/config_schema.hpp"
#include "runtime/config/config_task.hpp"
#include "runtime/config/memory_estimate.hpp"

namespace eligo {

namespace {

using namespace config_loading;
namespace pb = ::eligo::config;
using json = nlohmann::json;

double read_resolution(const Reporter& r, const pb::TrainingConfig& c) {
  const double h = c.has_resolution_ms() ? c.resolution_ms() : 1.0;
  r.expect(h > 0.0 && std::isfinite(h), "resolution_ms", "> 0 and finite", h);
  return h;
}

// The config fields behind each size of the network, for the memory estimate's messages.
SizeNames size_names(const std::vector<PopulationRef>& pops, const BlockFields& blocks) {
  SizeNames n;
  for (const PopulationRef& p : pops) {
    const std::string size = member(p.field, "size");
    if (p.role == Role::input) n.n_in = size;
    if (p.role == Role::recurrent) {
      n.n_rec = size;
      n.cutoff = member(member(p.field, "params"), "eprop_isi_trace_cutoff");
    }
    if (p.role == Role::readout) n.n_out = size;
  }
  const auto block = [](const std::string& path) {
    return SizeNames::Block{member(path, "indegree"), member(path, "probability")};
  };
  n.in_rec = block(blocks.in_rec);
  n.rec_rec = block(blocks.rec_rec);
  n.rec_out = block(blocks.rec_out);
  n.feedback = block(blocks.feedback);
  return n;
}

TrainingSetup build_setup(const Reporter& r, const pb::TrainingConfig& c, const ConfigOverrides& overrides) {
  TrainingSetup s;
  s.path = r.file();
  s.name = c.name().empty() ? r.file().stem().string() : c.name();
  s.seed = overrides.seed.value_or(c.has_seed() ? c.seed() : 1);
  NetworkDescription& net = s.network;
  net.seed = s.seed;
  net.resolution_ms = read_resolution(r, c);
  const std::vector<PopulationRef> pops = read_populations(r, c, net.resolution_ms, net);
  net.optimizer = read_optimizer(r, c);
  if (overrides.eprop_mode) {
    net.eprop_mode = config_loading::choose(r, "eprop_mode (overridden)", *overrides.eprop_mode, kEpropModeNames);
    s.eprop_mode_override = overrides.eprop_mode;
  } else if (!c.eprop_mode().empty()) {
    net.eprop_mode = config_loading::choose(r, "eprop_mode", c.eprop_mode(), kEpropModeNames);
  }
  const BlockFields blocks = read_connections(r, c, pops, net.resolution_ms, net);
  read_bsshslm_settings(r, c, net.resolution_ms, net);
  const std::int64_t iterations = read_iterations(r, c, overrides);
  s.network_without_task = net;
  s.checkpoint_every = c.training().has_checkpoint_every()
                           ? r.integer(c.training().checkpoint_every(), "training.checkpoint_every", 0, kMaxTaskSteps)
                           : 0;
  s.evaluate_every = c.training().has_evaluate_every()
                         ? r.integer(c.training().evaluate_every(), "training.evaluate_every", 0, kMaxTaskSteps)
                         : 0;

  s.size_names = size_names(pops, blocks);
  read_task(r, c, iterations, overrides, s, [&](const SampleSize& sample) {
    s.sample = sample;
    if (!overrides.memory_limit) return;
    const MemoryEstimate estimate = estimate_memory(s.network, sample, s.size_names);
    if (const auto refusal = refuse_over_limit(estimate, *overrides.memory_limit))
      r.fail(refusal->field, refusal->problem);
  });
  return s;
}

}  // namespace

TrainingSetup load_training_config_text(const std::string& text, const std::filesystem::path& as_file,
                                        const ConfigOverrides& overrides) {
  const Reporter r(as_file);
  try {
    const json document = parse_document(text, r);
    return build_setup(r, to_message(document, r), overrides);
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    r.fail("", std::string("cannot load: ") + e.what());
  }
}

TrainingSetup load_training_config(const std::filesystem::path& file, const ConfigOverrides& overrides) {
  const Reporter r(file);
  try {
    const json document = parse_document(read_text(r), r);
    return build_setup(r, to_message(document, r), overrides);
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {  // e.g. bad_alloc, or a library error the checks did not foresee
    r.fail("", std::string("cannot load: ") + e.what());
  }
}

}  // namespace eligo
