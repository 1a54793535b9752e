#include "cli/verify_command.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "actors/coordinator.hpp"
#include "actors/training_plan.hpp"
#include "cli/bundled_cases.hpp"
#include "cli/eprop_mode_option.hpp"
#include "runtime/network/eprop_mode.hpp"
#include "runtime/verification/loss_comparison.hpp"
#include "runtime/verification/reference_case.hpp"
#include "runtime/verification/weight_comparison.hpp"

namespace eligo::cli {
namespace {

struct VerifyOptions {
  std::vector<std::string> cases;
  double tolerance = 1e-8;
  actors::RunOptions run;
  EpropMode mode = EpropMode::exact;
};

struct CaseOutcome {
  std::vector<double> loss;
  LossComparison comparison;
  std::vector<BlockDeviation> weights;  // where the case records NEST's final weights
  actors::RunResult run;
  bool within(double tolerance) const { return comparison.within(tolerance) && eligo::within(weights, tolerance); }
};

// Runs the case through the actors: the one code path for the numbers.
CaseOutcome run_case(const ReferenceCase& c, const actors::RunOptions& options) {
  CaseOutcome o;
  o.run = actors::run_network(c.network, c.n_steps, actors::make_iteration_plan(c), options);
  for (const actors::IterationReport& r : o.run.iterations) o.loss.push_back(r.loss);
  o.comparison = compare_losses(o.loss, c.loss_reference);
  o.weights = compare_final_weights(c, o.run.weights);
  return o;
}

void print_result(const ReferenceCase& c, const CaseOutcome& o, double tolerance) {
  std::printf("%s  (%s)\n", c.name.c_str(), c.path.string().c_str());
  std::printf("  %-5s %-24s %-24s %s\n", "iter", "loss", "loss_nest_reference", "rel.dev");
  for (std::size_t i = 0; i < o.loss.size() && i < c.loss_reference.size(); ++i) {
    std::printf("  %-5zu %-24.17g %-24.17g %.1e\n", i + 1, o.loss[i], c.loss_reference[i],
                o.comparison.relative_deviation[i]);
  }
  const actors::RunResult& r = o.run;
  std::printf(
      "  max relative deviation %.2e  %s  (rec spikes %llu, synaptic events %llu, history max %zu entries, "
      "%.2f s)\n  weights digest %s\n",
      o.comparison.max_relative_deviation, o.within(tolerance) ? "PASS" : "FAIL",
      static_cast<unsigned long long>(r.rec_spikes), static_cast<unsigned long long>(r.synaptic_events),
      r.history_entries_max, r.build_seconds + r.simulate_seconds, r.weights_digest.c_str());
  if (!o.weights.empty()) {
    std::printf("  final weights vs NEST's, max relative deviation:");
    for (const BlockDeviation& d : o.weights) std::printf("  %s %.2e", d.block.c_str(), d.max_relative_deviation);
    std::printf("\n");
  }
  if (c.network.variant == EpropVariant::bsshslm_2020) {
    std::printf("  variant bsshslm_2020: update interval %lld steps, learning window %lld, %s loss\n",
                static_cast<long long>(c.network.bsshslm.update_interval),
                static_cast<long long>(c.network.bsshslm.learning_window), to_string(c.loss.function));
  }
  if (c.network.eprop_mode != EpropMode::exact) {
    const ClosedFormChoice choice = choose_closed_form(c.network);
    auto where = [](bool closed, const std::string& why) {
      return closed ? std::string("closed form") : "loop (" + why + ")";
    };
    std::printf(
        "  %s mode: recurrent targets %s, readouts %s; windows: %llu closed form, %llu loop, %llu clamp fallbacks\n",
        to_string(c.network.eprop_mode), where(choice.recurrent, choice.recurrent_reason).c_str(),
        where(choice.readout, choice.readout_reason).c_str(), static_cast<unsigned long long>(r.closed_windows),
        static_cast<unsigned long long>(r.loop_windows), static_cast<unsigned long long>(r.clamp_fallbacks));
  }
  std::fflush(stdout);
}

int run_verify(const VerifyOptions& options) {
  std::vector<std::string> files = options.cases;
  if (files.empty()) {
    const BundledCases bundled = find_bundled_cases();
    files = bundled.files;
    std::string looked;
    for (const auto& dir : bundled.looked_in) looked += (looked.empty() ? "" : ", ") + dir.string();
    if (files.empty()) {
      spdlog::error("verify: no case files given and no bundled cases found (looked in {}; set ELIGO_CASES_DIR)",
                    looked.empty() ? "nowhere: the binary's directory is unknown" : looked);
      return 2;
    }
  }
  int passed = 0, failed = 0, unreadable = 0;
  double worst = 0.0;
  for (const std::string& file : files) {
    try {
      ReferenceCase c = load_reference_case(file);
      c.network.eprop_mode = options.mode;
      spdlog::info("verify: running {} ({} steps, {} rec, {} readouts)", c.name, c.n_steps, c.network.n_rec,
                   c.network.n_out);
      const CaseOutcome o = run_case(c, options.run);
      print_result(c, o, options.tolerance);
      (o.within(options.tolerance) ? passed : failed) += 1;
      double dev = o.comparison.max_relative_deviation;
      for (const BlockDeviation& d : o.weights)
        dev = std::isnan(d.max_relative_deviation) ? NAN : std::max(dev, d.max_relative_deviation);
      worst = std::isnan(dev) || std::isnan(worst) ? NAN : std::max(worst, dev);
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      ++unreadable;
    }
  }
  std::printf(
      "verify: %zu case(s): %d passed, %d failed, %d unreadable; worst relative deviation %.2e "
      "(tolerance %.0e)\n",
      files.size(), passed, failed, unreadable, worst, options.tolerance);
  if (unreadable > 0) return 2;
  return failed > 0 ? 1 : 0;
}

}  // namespace

void add_verify_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand("verify", "Run NEST reference cases and compare the losses with NEST's");
  cmd->add_option("cases", options->cases,
                  "Case files (default: the bundled cases, installed next to eligo in share/eligo/nest)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--tolerance", options->tolerance, "Largest accepted relative deviation from NEST's losses")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--shards", options->run.shards, "Number of shards the recurrent population is split into")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1u << 20));
  cmd->add_option("--threads", options->run.threads, "Worker threads of the actor scheduler")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1024u));
  add_eprop_mode_option(
      *cmd, options->mode,
      "exact (NEST's loop, the default) or closed_form / auto (window summaries where exact up to rounding)")
      ->capture_default_str();
  cmd->callback([options, &exit_code] { exit_code = run_verify(*options); });
}

}  // namespace eligo::cli
