#include "http/job_http_server.h"

#include <httplib.h>

#include "common/metrics_text.h"
#include "http/dashboard_assets.h"
#include "http/job_json.h"

namespace floe::http {

namespace {

constexpr int kOk = 200;
constexpr int kNotFound = 404;
constexpr int kUnavailable = 503;
constexpr size_t kThreads = 2;

/// Nothing here may be cached: every answer is the job's state now.
void NoStore(httplib::Response& res) { res.set_header("Cache-Control", "no-store"); }

}  // namespace

JobHttpServer::JobHttpServer(MakeToken, const stream::JobTelemetry* telemetry,
                             const MetricsRegistry* registry)
    : telemetry_(telemetry), registry_(registry), server_(std::make_unique<httplib::Server>()) {}

JobHttpServer::~JobHttpServer() { Stop(); }

Result<std::unique_ptr<JobHttpServer>> JobHttpServer::Start(const ListenAddress& address,
                                                            const stream::JobTelemetry* telemetry,
                                                            const MetricsRegistry* registry) {
  auto server = std::make_unique<JobHttpServer>(MakeToken{}, telemetry, registry);
  server->InstallRoutes();
  httplib::Server& http = *server->server_;
  if (address.port == 0) {
    server->port_ = http.bind_to_any_port(address.host);
  } else if (http.bind_to_port(address.host, address.port)) {
    server->port_ = address.port;
  } else {
    server->port_ = -1;
  }
  if (server->port_ <= 0) {
    return IoError("http: cannot listen on {}:{} (in use, or no such address)", address.host,
                   address.port);
  }
  const bool v6 = address.host.find(':') != std::string::npos;
  server->url_ = v6 ? fmt::format("http://[{}]:{}/", address.host, server->port_)
                    : fmt::format("http://{}:{}/", address.host, server->port_);
  std::atomic<bool>& finished = server->serve_finished_;
  server->thread_ = std::thread([&http, &finished] {
    http.listen_after_bind();
    finished.store(true);
  });
  // httplib's stop() does nothing before the loop runs: return once it does, so that Stop()
  // always ends it.
  while (!http.is_running() && !finished.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!http.is_running()) {
    server->thread_.join();
    return IoError("http: the server on {}:{} stopped at once", address.host, server->port_);
  }
  return server;
}

void JobHttpServer::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

void JobHttpServer::InstallRoutes() {
  httplib::Server& http = *server_;
  // httplib owns the queue it gets from this factory (its API takes a raw pointer).
  http.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  // httplib's default adds SO_REUSEPORT, which lets a second process share a port that is in
  // use; a busy port must be an error instead.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  http.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    NoStore(res);
    res.set_content(FormatPrometheusText(registry_->Read()),
                    std::string(kPrometheusTextContentType));
  });
  http.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
    const stream::HealthReport health = telemetry_->Health();
    NoStore(res);
    res.status = health.healthy ? kOk : kUnavailable;
    const nlohmann::json body = {{"status", health.healthy ? "UP" : "DOWN"},
                                 {"reason", health.reason}};
    res.set_content(body.dump() + "\n", "application/json");
  });
  http.Get("/api/job", [this](const httplib::Request&, httplib::Response& res) {
    NoStore(res);
    res.set_content(JobStatusJson(*telemetry_).dump() + "\n", "application/json");
  });
  http.Get("/", [](const httplib::Request&, httplib::Response& res) {
    // The page may not load anything from elsewhere: the policy says so to the browser too.
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                   "img-src 'self' data:; connect-src 'self'");
    NoStore(res);
    const std::string_view page = DashboardHtml();
    res.set_content(page.data(), page.size(), "text/html; charset=utf-8");
  });
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status != kNotFound) return;
    res.set_content(fmt::format("no route for {} {}: try /, /metrics, /health or /api/job\n",
                                req.method, req.path),
                    "text/plain; charset=utf-8");
  });
}

}  // namespace floe::http
