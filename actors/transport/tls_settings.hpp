#pragma once
// How a data link between two nodes is secured: mutual TLS under the cluster's CA
// (actors/cluster/certificates.hpp) unless the run is explicitly insecure. Any certificate the CA
// signed is accepted; which node is speaking is said by the link hello (frame_codec.hpp), not by the
// certificate's name.
#include <filesystem>
#include <stdexcept>

namespace boost::asio::ssl {
class context;  // <boost/asio/ssl/context.hpp>; kept out of this header so its users need no Asio
}

namespace eligo::transport {

// A data link could not be set up or used. The message names the address or node and the reason.
struct LinkError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct LinkSecurity {
  bool insecure = false;  // plain TCP: only for a trusted network or a single machine
  std::filesystem::path ca_file, cert_file, key_file;
  // A server that also takes another credential (`eligo serve --token-file`) verifies a client
  // certificate when one is shown but does not insist on it.
  bool client_certificate_optional = false;
};

// A TLS 1.2+ context for both ends of a link: no compression, the peer must present a certificate
// signed by ca_file, ours is cert_file (a chain) with key_file. Throws LinkError naming the file that
// is missing or unusable.
boost::asio::ssl::context make_tls_context(const LinkSecurity& security);

}  // namespace eligo::transport
