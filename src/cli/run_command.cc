#include "cli/run_command.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <stop_token>

#include "cli/signal_watcher.h"
#include "common/listen_address.h"
#include "common/metrics_registry.h"
#include "http/job_http_server.h"
#include "http/job_metrics.h"
#include "pipeline/job_loader.h"

namespace floe::cli {

namespace {

/// The job's HTTP server when --http or job.http asks for one (else null). InvalidArgument for
/// a bad address (the user's), IoError when it cannot be bound.
Result<std::unique_ptr<http::JobHttpServer>> ServeHttp(const pipeline::JobConfig& config,
                                                       const RunOptions& options,
                                                       const stream::JobTelemetry& telemetry,
                                                       MetricsRegistry* registry, Logger& logger) {
  const std::optional<std::string>& text = options.http ? options.http : config.http;
  if (!text) return std::unique_ptr<http::JobHttpServer>();
  const std::string where = options.http ? "--http" : config.file + ": job.http";
  auto address = ParseListenAddress(*text, options.http_allow_remote || config.http_allow_remote);
  if (!address.ok()) return address.status().WithContext(where);
  FLOE_RETURN_IF_ERROR(http::RegisterJobMetrics(telemetry, registry));
  auto server = http::JobHttpServer::Start(*address, &telemetry, registry);
  if (!server.ok()) return server.status().WithContext(where);
  logger.Info(fmt::format("serving {} (metrics, health, api/job, dashboard)", (*server)->url()));
  return server;
}

}  // namespace

int RunJobCommand(const std::string& job_path, const std::vector<std::string>& overrides,
                  const RunOptions& options, std::ostream& out, Logger& logger) {
  auto config = pipeline::LoadJobFile(job_path, overrides, pipeline::ProcessEnvironment());
  if (!config.ok()) {
    logger.Error(config.status());
    return kExitUsage;
  }
  // Catalog credentials and storage keys of the job: never in a log line.
  for (const pipeline::CatalogConfig& catalog : config->catalogs) {
    logger.AddSecretsFrom(catalog.properties);
  }
  auto plan = pipeline::PlanJob(*config);
  if (!plan.ok()) {
    logger.Error(plan.status());
    return kExitUsage;
  }
  Status status = Status::Ok();
  {
    // SIGINT and SIGTERM request a stop (the job commits and ends) instead of ending the
    // process; the watcher exists before the job starts any thread.
    std::stop_source stop;
    SignalWatcher signals;
    signals.Watch([&stop] { stop.request_stop(); });
    pipeline::Job job(std::move(plan).value(), options, out, logger, stop.get_token());
    MetricsRegistry registry;  // outlives the server, which stops before the job goes
    auto server = ServeHttp(*config, options, job.telemetry(), &registry, logger);
    if (!server.ok() && server.status().kind() == ErrorKind::kInvalidArgument) {
      logger.Error(server.status());
      return kExitUsage;
    }
    status = server.status();
    if (status.ok()) status = job.Open();
    if (status.ok()) status = job.Run();
  }
  if (!status.ok()) {
    logger.Error(status);
    return kExitError;
  }
  return 0;
}

namespace {

/// The arguments of `floe run`, owned by the callback that reads them.
struct RunArgs {
  std::string job_path;
  std::vector<std::string> overrides;
  std::string stop_when_idle;
  std::string instance;
  std::string http;
  bool http_allow_remote = false;
  bool drain = false;
};

}  // namespace

void RegisterRunCommand(CLI::App& app, CommandContext& context) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* run_cmd = app.add_subcommand(
      "run",
      "Run a streaming job exactly once: to the end of its input (files), or until "
      "SIGINT/SIGTERM or --stop-when-idle (Kafka)");
  run_cmd->add_option("JOB", args->job_path, "Job file (YAML), e.g. examples/profanity-local.yaml")
      ->required();
  AddRepeatedOption(*run_cmd, "--set", args->overrides,
                    "Override a job key, path.to.key=value (repeatable), e.g. "
                    "--set sinks.filtered.table=ns.t");
  run_cmd->add_option("--stop-when-idle", args->stop_when_idle,
                      "Commit and exit once no record has arrived for this long (e.g. 5s, "
                      "500ms) and every partition held is read to its end; for catch-up runs "
                      "of unbounded (Kafka) sources. Fails, naming the group's members, when no "
                      "partition comes within this + 30 s");
  run_cmd
      ->add_option("--instance", args->instance,
                   "This process's name among the job's processes, in its Kafka transactional "
                   "ids (<job>.<sink>.<instance>.<worker>) and, when given, its static consumer "
                   "group membership (group.instance.id <job>.<instance>.<worker>). Give a "
                   "restarted process the name it had: it gets its partitions back at once "
                   "(not after the dead process's session timeout) and Kafka aborts its "
                   "unfinished transaction at once. Unique per live process. Default: "
                   "<host>-<pid>, a dynamic group member")
      ->envname("FLOE_INSTANCE");
  run_cmd->add_option("--http", args->http,
                      "Serve /metrics (Prometheus), /health, /api/job and a dashboard at / on "
                      "HOST:PORT, e.g. 127.0.0.1:9249 (port 0: any free one); loopback only "
                      "unless --http-allow-remote. Overrides job.http");
  run_cmd->add_flag("--http-allow-remote", args->http_allow_remote,
                    "Let --http listen on an address that is not loopback (the server has no "
                    "authentication)");
  run_cmd->add_flag("--drain", args->drain,
                    "When the run stops (SIGTERM, --stop-when-idle), fire every open window "
                    "instead of keeping it in the job's state for the next run");
  run_cmd->callback([&context, args] {
    RunOptions options;
    options.instance = args->instance;
    if (!args->http.empty()) options.http = args->http;
    options.http_allow_remote = args->http_allow_remote;
    options.drain = args->drain;
    if (!args->stop_when_idle.empty()) {
      auto idle = pipeline::ParseDuration(args->stop_when_idle);
      if (!idle.ok()) {
        PrintErrorMessage(std::cerr, "--stop-when-idle: " + idle.status().message());
        context.exit_code = kExitUsage;
        return;
      }
      options.stop_when_idle = *idle;
    }
    context.exit_code =
        RunJobCommand(args->job_path, args->overrides, options, std::cout, *context.logger);
  });
}

}  // namespace floe::cli
