#pragma once
// The cluster's certificate authority and node certificates (`eligo certs init|issue`). Both
// planes between processes use mutual TLS under one CA: a peer whose certificate the CA did not sign
// reaches no actor and no data link.
//
// A certificate directory holds
//   ca.pem, ca.key      the cluster CA (keep ca.key off the nodes once the certificates are issued)
//   NAME.pem, NAME.key  one certificate and private key per node, and one for the coordinator
// Keys are EC P-256, certificates X.509 v3; private keys are written with mode 0600.
#include <filesystem>
#include <stdexcept>
#include <string>

namespace eligo::cluster {

class CertificateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Validity in days: the defaults, and the longest accepted. A node certificate never outlives its CA:
// its end is cut to the CA's.
inline constexpr int kCaValidDays = 3650;
inline constexpr int kNodeValidDays = 825;
inline constexpr int kMaxValidDays = 36500;

// The three files a TLS endpoint needs.
struct TlsFiles {
  std::filesystem::path ca_file, cert_file, key_file;
};

// Creates dir (if needed) and a new CA in it. Refuses to overwrite an existing ca.pem or ca.key.
void init_certificate_authority(const std::filesystem::path& dir, int valid_days = kCaValidDays);

// Issues NAME.pem / NAME.key signed by dir's CA (name: letters, digits, '-', '_', '.'; it is the
// certificate's common name and DNS subject alternative name). Refuses to overwrite existing files.
TlsFiles issue_certificate(const std::filesystem::path& dir, const std::string& name, int valid_days = kNodeValidDays);

// Throws CertificateError unless issue_certificate(dir, name) could write NAME's files: the name is
// valid (1 to 64 characters, the first a letter or digit) and neither NAME.pem nor NAME.key exists.
// Lets a caller check a whole list of names before it writes any.
void check_issuable(const std::filesystem::path& dir, const std::string& name);

// The files of NAME in dir, checked: all three exist, the key matches the certificate, and the CA
// signed the certificate (and it is within its validity). Throws CertificateError naming the problem.
TlsFiles tls_files(const std::filesystem::path& dir, const std::string& name);

}  // namespace eligo::cluster
