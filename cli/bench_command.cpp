#include "cli/bench_command.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "actors/coordinator.hpp"
#include "cli/bench_stream_command.hpp"
#include "cli/eprop_mode_option.hpp"
#include "cli/memory_limit_option.hpp"
#include "runtime/network/benchmark_network.hpp"

namespace eligo::cli {
namespace {

struct BenchOptions {
  BenchmarkParams params;
  double seconds = 0.0;  // alternative to --iterations: simulated seconds of task
  actors::RunOptions run;
  std::string plasticity = "on";
  EpropMode mode = EpropMode::exact;
  std::string memory_limit;  // --memory-limit, or empty: this machine's memory
};

double max_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// The network's memory estimate, its sizes named by the flags that set them.
MemoryEstimate memory_of(const NetworkDescription& net, const BenchmarkParams& p) {
  SizeNames names;
  names.n_in = "inputs";
  names.n_rec = "--neurons";
  names.n_out = "readouts";
  names.rec_rec.indegree = "--indegree";
  names.cutoff = "the trace cutoff";
  const double spikes = static_cast<double>(net.n_in) * static_cast<double>(p.sequence) * p.input_rate_hz / 1000.0;
  const SampleSize sample{p.sequence, "steps per iteration", spikes, "steps per iteration × --rate", true};
  return estimate_memory(net, sample, names, WeightGathering::columns);
}

int run_bench(BenchOptions o) {
  o.params.plastic = o.plasticity == "on";
  o.run.keep_weights = false;  // only their count and digest are printed
  if (o.seconds > 0) {
    o.params.iterations = std::max<std::int64_t>(1, static_cast<std::int64_t>(o.seconds * 1000.0 / o.params.sequence));
  }
  BenchmarkNetwork b = make_benchmark_network(o.params);
  b.network.eprop_mode = o.mode;
  if (const auto refusal = refuse_over_limit(memory_of(b.network, o.params), memory_limit_of(o.memory_limit))) {
    spdlog::error("bench: {}", refusal->message());
    return 2;
  }
  const actors::IterationPlan plan{b.timing.loss.first_step, b.timing.loss.sequence, b.timing.loss.group_size,
                                   b.timing.loss.n_iter};
  spdlog::info("bench: N = {}, K = {}, {} iteration(s) of {} steps, {} thread(s), {} shard(s), {} mode", o.params.n_rec,
               b.indegree, o.params.iterations, o.params.sequence, o.run.threads, o.run.shards, to_string(o.mode));
  actors::Callbacks callbacks;
  callbacks.on_iteration = [](const actors::IterationReport& it, double elapsed) {
    spdlog::info("bench: iteration {} loss {:.6g} ({:.1f} s)", it.iteration + 1, it.loss, elapsed);
  };
  const actors::RunResult r = actors::run_network(b.network, b.timing.n_steps, plan, o.run, callbacks);

  const std::uint64_t n_rec = o.params.n_rec, n_out = 1;
  const std::uint64_t in_rec = r.input_spikes * n_rec;
  const std::uint64_t rec_out = r.rec_spikes * n_out;
  const std::uint64_t total = r.synaptic_events;
  const std::uint64_t n_synapses = r.n_weights;
  const double task_seconds = static_cast<double>(o.params.iterations * o.params.sequence) / 1000.0;
  nlohmann::ordered_json j;
  j["n_in"] = b.network.n_in;
  j["n_rec"] = n_rec;
  j["n_out"] = n_out;
  j["K"] = b.indegree;
  j["threads"] = o.run.threads;
  j["shards"] = o.run.shards;
  j["plasticity"] = o.plasticity;
  j["optimizer"] = to_string(o.params.optimizer);
  j["mode"] = to_string(o.mode);
  j["iters"] = o.params.iterations;
  j["steps_per_iter"] = o.params.sequence;
  j["seed"] = o.params.seed;
  j["n_synapses"] = n_synapses;
  j["t_build_s"] = r.build_seconds;
  j["t_sim_s"] = r.simulate_seconds;
  j["rec_spikes"] = r.rec_spikes;
  j["rec_rate_hz"] = static_cast<double>(r.rec_spikes) / static_cast<double>(n_rec) / task_seconds;
  j["syn_events_in_rec"] = in_rec;
  j["syn_events_rec_rec"] = total - in_rec - rec_out;
  j["syn_events_rec_out"] = rec_out;
  j["syn_events_total"] = total;
  j["ns_per_syn_event"] = total > 0 ? r.simulate_seconds * 1e9 / static_cast<double>(total) : 0.0;
  j["bytes_per_synapse"] =
      n_synapses > 0 ? static_cast<double>(r.synapse_bytes) / static_cast<double>(n_synapses) : 0.0;
  j["history_entries_max"] = r.history_entries_max;
  j["history_bytes_per_neuron"] =  // recurrent neurons and readouts, at each archive's largest
      static_cast<double>(r.history_bytes_max) / static_cast<double>(n_rec + n_out);
  j["closed_windows"] = r.closed_windows;  // windows of ≥ 2 steps integrated from summaries
  j["loop_windows"] = r.loop_windows;      // and by the loop
  j["maxrss_MiB"] = max_rss_mib();
  j["weights_digest"] = r.weights_digest;
  std::printf("%s\n", j.dump().c_str());
  return 0;
}

}  // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<BenchOptions>();
  CLI::App* cmd = app.add_subcommand("bench", "Train the standard benchmark network and print its figures as JSON");
  cmd->add_option("--neurons", o->params.n_rec, "Recurrent neurons N")
      ->capture_default_str()
      ->check(CLI::Range(2u, 100000000u));
  cmd->add_option("--indegree", o->params.indegree, "Recurrent in-degree K (at most N-1)")->capture_default_str();
  cmd->add_option("--rate", o->params.input_rate_hz, "Input rate, Hz")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1000.0));
  cmd->add_option("--iterations", o->params.iterations, "Iterations of 1000 steps")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seconds", o->seconds, "Task length in simulated seconds (overrides --iterations)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", o->params.seed, "Seed")->capture_default_str();
  cmd->add_option("--threads", o->run.threads, "Worker threads")->capture_default_str()->check(CLI::Range(1u, 1024u));
  cmd->add_option(
      "--shards", o->run.shards,
      "Recurrent shards (default: 2, or --threads when more: 1 and 2 threads compare the same partition, and "
      "few shards keep the per-source bookkeeping small)");
  cmd->add_option("--plasticity", o->plasticity, "on or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"on", "off"}));
  const std::map<std::string, OptimizerType> optimizers{{"gd", OptimizerType::gradient_descent},
                                                        {"gradient_descent", OptimizerType::gradient_descent},
                                                        {"adam", OptimizerType::adam}};
  cmd->add_option("--optimizer", o->params.optimizer, "gd or adam")
      ->transform(CLI::CheckedTransformer(optimizers, CLI::ignore_case));
  add_eprop_mode_option(*cmd, o->mode, "How synapses integrate an interval: exact, closed_form or auto")
      ->capture_default_str();
  add_memory_limit_option(*cmd, o->memory_limit);
  CLI::App* stream = add_bench_stream_command(*cmd, exit_code);
  cmd->callback([o, cmd, stream, &exit_code] {
    if (stream->parsed()) return;  // `eligo bench stream` ran instead
    if (cmd->count("--shards") == 0) o->run.shards = std::max(2u, o->run.threads);
    exit_code = run_bench(*o);
  });
}

}  // namespace eligo::cli
