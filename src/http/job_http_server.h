#pragma once

// The job's own HTTP server (`floe run JOB --http 127.0.0.1:PORT`): GET /metrics (Prometheus
// text 0.0.4), /health (200, or 503 with the reason), /api/job (JSON status) and / (the
// dashboard, a page built into the binary that asks nothing of any other host).

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "common/listen_address.h"
#include "common/metrics_registry.h"
#include "common/result.h"
#include "stream/job_telemetry.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace floe::http {

/// Serves one job on its own threads from Start() until Stop() (or destruction). Thread safety:
/// Stop() from any thread; the handlers only read `telemetry` and `registry`, which must outlive
/// the server.
class JobHttpServer {
  struct MakeToken {
    explicit MakeToken() = default;
  };

 public:
  /// Binds `address` (port 0: a free one, see port()) and starts serving. IoError when the
  /// address cannot be bound (in use, no such interface).
  static Result<std::unique_ptr<JobHttpServer>> Start(const ListenAddress& address,
                                                      const stream::JobTelemetry* telemetry,
                                                      const MetricsRegistry* registry);
  JobHttpServer(MakeToken, const stream::JobTelemetry* telemetry, const MetricsRegistry* registry);
  ~JobHttpServer();
  JobHttpServer(const JobHttpServer&) = delete;
  JobHttpServer& operator=(const JobHttpServer&) = delete;

  int port() const { return port_; }
  /// "http://127.0.0.1:PORT/".
  const std::string& url() const { return url_; }
  /// Stops listening and waits for the serving thread. Idempotent.
  void Stop();

 private:
  void InstallRoutes();

  const stream::JobTelemetry* telemetry_;
  const MetricsRegistry* registry_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<bool> serve_finished_{false};  // the serving thread's loop has returned
  int port_ = 0;
  std::string url_;
};

}  // namespace floe::http
