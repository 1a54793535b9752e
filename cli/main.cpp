// eligo: event-driven e-prop. One binary, thin subcommands over runtime/ and actors/.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <map>
#include <string>

#include "cli/bench_command.hpp"
#include "cli/certs_command.hpp"
#include "cli/data_command.hpp"
#include "cli/eval_command.hpp"
#include "cli/node_command.hpp"
#include "cli/plot_command.hpp"
#include "cli/serve_command.hpp"
#include "cli/stream_command.hpp"
#include "cli/train_command.hpp"
#include "cli/verify_command.hpp"

namespace {

void configure_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("eligo");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("[%H:%M:%S.%e] [%^%l%$] %v");
  spdlog::set_level(spdlog::level::from_str(level));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"eligo: trains recurrent spiking networks online with event-driven e-prop, exactly as NEST does"};
  app.set_version_flag("--version", std::string("eligo ") + ELIGO_VERSION);
  app.require_subcommand(1);
  std::string log_level = "info";
  const std::map<std::string, std::string> levels{{"trace", "trace"}, {"debug", "debug"}, {"info", "info"},
                                                  {"warn", "warn"},   {"error", "error"}, {"off", "off"}};
  app.add_option("--log-level", log_level, "Logging threshold")
      ->capture_default_str()
      ->transform(CLI::CheckedTransformer(levels, CLI::ignore_case));
  app.parse_complete_callback([&] { configure_logging(log_level); });

  int exit_code = 0;
  eligo::cli::add_train_command(app, exit_code);
  eligo::cli::add_verify_command(app, exit_code);
  eligo::cli::add_bench_command(app, exit_code);
  eligo::cli::add_data_command(app, exit_code);
  eligo::cli::add_plot_command(app, exit_code);
  eligo::cli::add_eval_command(app, exit_code);
  eligo::cli::add_certs_command(app, exit_code);
  eligo::cli::add_node_command(app, exit_code);
  eligo::cli::add_serve_command(app, exit_code);
  eligo::cli::add_stream_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    // Any error a subcommand did not handle: report it, never crash.
    spdlog::error("{}", e.what());
    return 2;
  }
  return exit_code;
}
