#pragma once
// `eligo certs ...`: the cluster's certificate authority for mutual TLS between processes.
// `eligo certs init` creates the CA, `eligo certs issue NAME...` a certificate and key per node
// (actors/cluster/certificates.hpp).
#include <CLI/CLI.hpp>

namespace eligo::cli {

void add_certs_command(CLI::App& app, int& exit_code);

}  // namespace eligo::cli
