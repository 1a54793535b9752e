#pragma once
// The control plane's plumbing: CAF's middleman, with libcaf_openssl for mutual TLS under the cluster
// CA unless the run is explicitly --insecure. Everything that publishes or reaches a remote actor
// goes through here, so that no call site can forget the TLS variant.
#include <caf/actor.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/expected.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "actors/cluster/certificates.hpp"

namespace eligo::cluster {

struct ControlSecurity {
  bool insecure = false;
  TlsFiles files;  // when secure
};

// Loads the middleman (and the OpenSSL manager with the node's certificate, key and CA when secure).
void configure_middleman(caf::actor_system_config& cfg, const ControlSecurity& security);

caf::expected<std::uint16_t> publish_actor(const caf::actor& a, std::uint16_t port, const std::string& host,
                                           const ControlSecurity& security);

caf::expected<caf::actor> connect_actor(caf::actor_system& sys, const std::string& host, std::uint16_t port,
                                        const ControlSecurity& security);

// Opens and closes a TCP connection to host:port within `timeout`, so that an unreachable node is
// reported after the connect timeout rather than after the operating system's (minutes). Returns the
// reason when it fails ("connection refused", "no answer within 5 s", "cannot resolve ...").
std::optional<std::string> probe_tcp(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout);

}  // namespace eligo::cluster
