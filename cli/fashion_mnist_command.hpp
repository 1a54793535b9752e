#pragma once
// `eligo data fashion-mnist-events`: Fashion-MNIST, as Debian's dataset-fashion-mnist package ships
// it, recorded by the simulated saccade camera into an N-MNIST-style folder (docs/data.md).
#include <CLI/CLI.hpp>

namespace eligo::cli {

void add_fashion_mnist_events_command(CLI::App& data, int& exit_code);

}  // namespace eligo::cli
