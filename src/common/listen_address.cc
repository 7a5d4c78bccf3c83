#include "common/listen_address.h"

#include <arpa/inet.h>

#include <charconv>

namespace floe {

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr address{};
  const std::string text(host);
  if (inet_pton(AF_INET, text.c_str(), &address) != 1) return false;
  constexpr uint32_t kLoopbackNet = 127;
  return (ntohl(address.s_addr) >> 24) == kLoopbackNet;
}

Result<ListenAddress> ParseListenAddress(std::string_view text, bool allow_remote) {
  ListenAddress address;
  std::string_view port;
  if (text.starts_with('[')) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return InvalidArgument("http address '{}': expected [IPV6]:PORT", text);
    }
    address.host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
      return InvalidArgument("http address '{}': expected HOST:PORT (e.g. 127.0.0.1:9249)", text);
    }
    address.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  if (address.host.empty()) {
    return InvalidArgument("http address '{}': the host is missing (e.g. 127.0.0.1:9249)", text);
  }
  constexpr int kMaxPort = 65535;
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), address.port);
  if (port.empty() || error != std::errc() || end != port.data() + port.size() ||
      address.port < 0 || address.port > kMaxPort) {
    return InvalidArgument("http address '{}': port '{}' is not a number from 0 to 65535", text,
                           port);
  }
  if (!allow_remote && !IsLoopbackHost(address.host)) {
    return InvalidArgument(
        "http address '{}': {} is not a loopback address; the job's HTTP server has no "
        "authentication, so it listens on 127.0.0.1 or ::1 unless you allow others "
        "(--http-allow-remote, or job.http_allow_remote: true)",
        text, address.host);
  }
  return address;
}

}  // namespace floe
