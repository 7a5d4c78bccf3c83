#pragma once

// Where the job's HTTP server listens: "HOST:PORT" from --http or job.http, loopback only unless
// the user allows other addresses (the server has no authentication).

#include <string>
#include <string_view>

#include "common/result.h"

namespace floe {

struct ListenAddress {
  std::string host;  // "127.0.0.1", "::1", "localhost" (or any, when allowed)
  int port = 0;      // 0: a free port, chosen when binding
};

/// "127.0.0.1:9249", "[::1]:9249", "localhost:0". InvalidArgument naming the text for a missing
/// or bad port, and for a host that is not loopback (127.0.0.0/8, ::1, localhost) unless
/// `allow_remote`.
Result<ListenAddress> ParseListenAddress(std::string_view text, bool allow_remote);

/// Whether `host` names this machine's loopback interface only.
bool IsLoopbackHost(std::string_view host);

}  // namespace floe
