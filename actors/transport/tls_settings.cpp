#include "actors/transport/tls_settings.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <string>
#include <utility>  // before Boost.Asio: Boost 1.74 under C++20 misses it (its awaitable.hpp uses std::exchange)

namespace eligo::transport {
namespace {

namespace ssl = boost::asio::ssl;

void require_file(const std::filesystem::path& file, const char* what) {
  if (file.empty()) throw LinkError(std::string("TLS data links need a ") + what + " (or an insecure run)");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw LinkError(std::string(what) + " " + file.string() + " does not exist or is not a file");
}

void check(const boost::system::error_code& ec, const char* what, const std::filesystem::path& file) {
  if (ec) throw LinkError(std::string("cannot load the ") + what + " " + file.string() + ": " + ec.message());
}

}  // namespace

ssl::context make_tls_context(const LinkSecurity& security) {
  require_file(security.ca_file, "CA file");
  require_file(security.cert_file, "certificate file");
  require_file(security.key_file, "private key file");
  ssl::context ctx(ssl::context::tls);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                  ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  // Mutual TLS: both ends verify, and a server refuses a client that shows no certificate.
  ctx.set_verify_mode(security.client_certificate_optional ? ssl::verify_peer
                                                           : ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  boost::system::error_code ec;
  ctx.load_verify_file(security.ca_file.string(), ec);
  check(ec, "CA file", security.ca_file);
  ctx.use_certificate_chain_file(security.cert_file.string(), ec);
  check(ec, "certificate file", security.cert_file);
  ctx.use_private_key_file(security.key_file.string(), ssl::context::pem, ec);
  check(ec, "private key file", security.key_file);
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1)
    throw LinkError("the private key " + security.key_file.string() + " does not belong to the certificate " +
                    security.cert_file.string());
  return ctx;
}

}  // namespace eligo::transport
