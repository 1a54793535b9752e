#include "actors/cluster/middleman_setup.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>
#include <cerrno>
#include <cstring>
#include <memory>

namespace eligo::cluster {

void configure_middleman(caf::actor_system_config& cfg, const ControlSecurity& security) {
  cfg.load<caf::io::middleman>();
  if (security.insecure) return;
  cfg.load<caf::openssl::manager>();
  cfg.openssl_cafile = security.files.ca_file.string();
  cfg.openssl_certificate = security.files.cert_file.string();
  cfg.openssl_key = security.files.key_file.string();
}

caf::expected<std::uint16_t> publish_actor(const caf::actor& a, std::uint16_t port, const std::string& host,
                                           const ControlSecurity& security) {
  const char* in = host.empty() ? nullptr : host.c_str();
  if (security.insecure) return a.home_system().middleman().publish(a, port, in, /*reuse=*/true);
  return caf::openssl::publish(a, port, in, /*reuse=*/true);
}

caf::expected<caf::actor> connect_actor(caf::actor_system& sys, const std::string& host, std::uint16_t port,
                                        const ControlSecurity& security) {
  if (security.insecure) return sys.middleman().remote_actor(host, port);
  return caf::openssl::remote_actor(sys, host, port);
}

std::optional<std::string> probe_tcp(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0)
    return "cannot resolve " + host + ": " + gai_strerror(rc);
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(found, freeaddrinfo);
  std::string reason = "no address";
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (addrinfo* ai = list.get(); ai; ai = ai->ai_next) {
    const int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      reason = std::strerror(errno);
      continue;
    }
    int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{fd, POLLOUT, 0};
      rc = poll(&p, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
      if (rc == 0) {
        close(fd);
        return "no answer within " + std::to_string(timeout.count()) + " ms";
      }
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      rc = err == 0 ? 0 : -1;
      errno = err;
    }
    const int saved = errno;
    close(fd);
    if (rc == 0) return std::nullopt;
    reason = std::strerror(saved);
  }
  return reason;
}

}  // namespace eligo::cluster
