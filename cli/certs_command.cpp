#include "cli/certs_command.hpp"

#include <filesystem>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "actors/cluster/certificates.hpp"
#include "cli/guarded_run.hpp"

namespace eligo::cli {
namespace {

namespace fs = std::filesystem;

struct InitOptions {
  fs::path dir = "certs";
  int days = cluster::kCaValidDays;
};

struct IssueOptions {
  fs::path dir = "certs";
  int days = cluster::kNodeValidDays;
  std::vector<std::string> names;
};

int run_init(const InitOptions& o) {
  cluster::init_certificate_authority(o.dir, o.days);
  std::cout << "wrote " << (o.dir / "ca.pem").string() << " (cluster CA certificate, " << o.days << " days)\n"
            << "wrote " << (o.dir / "ca.key").string()
            << " (CA private key, mode 0600; keep it off the nodes once their certificates are issued)\n";
  return 0;
}

int run_issue(const IssueOptions& o) {
  // Check every name before writing anything, so that a bad name late in the list leaves no partial set.
  std::set<std::string> seen;
  for (const std::string& name : o.names) {
    if (!seen.insert(name).second) throw cluster::CertificateError("node name '" + name + "' is given twice");
    cluster::check_issuable(o.dir, name);
  }
  for (const std::string& name : o.names) {
    const cluster::TlsFiles f = cluster::issue_certificate(o.dir, name, o.days);
    std::cout << "wrote " << f.cert_file.string() << " (certificate of " << name << ", signed by " << f.ca_file.string()
              << ")\n"
              << "wrote " << f.key_file.string() << " (private key of " << name << ", mode 0600)\n";
  }
  return 0;
}

CLI::Option* add_days_option(CLI::App& cmd, int& days, const std::string& what) {
  return cmd.add_option("--days", days, "Days " + what + " stays valid")
      ->capture_default_str()
      ->check(CLI::Range(1, cluster::kMaxValidDays));
}

}  // namespace

void add_certs_command(CLI::App& app, int& exit_code) {
  CLI::App* certs = app.add_subcommand("certs", "Certificates for mutual TLS between the cluster's processes");
  certs->require_subcommand(1);

  auto init = std::make_shared<InitOptions>();
  CLI::App* init_cmd = certs->add_subcommand("init", "Create the cluster CA: DIR/ca.pem and DIR/ca.key");
  init_cmd->add_option("--dir", init->dir, "Certificate folder (created if missing)")->capture_default_str();
  add_days_option(*init_cmd, init->days, "the CA");
  init_cmd->callback([init, &exit_code] { run_guarded(exit_code, [&] { return run_init(*init); }); });

  auto issue = std::make_shared<IssueOptions>();
  CLI::App* issue_cmd =
      certs->add_subcommand("issue", "Issue DIR/NAME.pem and DIR/NAME.key for each node, signed by DIR's CA");
  issue_cmd->add_option("names", issue->names, "Node names (letters, digits, '-', '_', '.'; also the DNS name)")
      ->required();
  issue_cmd->add_option("--dir", issue->dir, "Certificate folder holding ca.pem and ca.key")->capture_default_str();
  add_days_option(*issue_cmd, issue->days, "each certificate (at most until the CA expires)");
  issue_cmd->callback([issue, &exit_code] { run_guarded(exit_code, [&] { return run_issue(*issue); }); });
}

}  // namespace eligo::cli
