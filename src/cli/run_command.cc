#include "cli/run_command.h"

#include <pthread.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <ctime>
#include <iostream>
#include <stop_token>
#include <thread>

#include "pipeline/job_loader.h"

namespace floe::cli {

namespace {

/// While it lives, SIGINT and SIGTERM request a stop instead of ending the process: they are
/// blocked in this thread and in every thread started after it (the job's), and one thread of
/// its own waits for them. Create it before the job starts any thread.
class StopOnSignals {
 public:
  StopOnSignals() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
    waiter_ = std::thread([this] { Wait(); });
  }
  ~StopOnSignals() {
    done_.store(true);
    waiter_.join();
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

  std::stop_token token() const { return stop_.get_token(); }

 private:
  void Wait() {
    // Woken every 100 ms to notice the end of the run.
    const timespec poll{0, 100'000'000};
    while (!done_.load()) {
      if (sigtimedwait(&signals_, nullptr, &poll) > 0) stop_.request_stop();
    }
  }

  sigset_t signals_;
  sigset_t previous_;
  std::stop_source stop_;
  std::atomic<bool> done_{false};
  std::thread waiter_;
};

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
    StopOnSignals signals;
    pipeline::Job job(std::move(plan).value(), options, out, logger, signals.token());
    status = job.Open();
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
                      "500ms); for catch-up runs of unbounded (Kafka) sources");
  run_cmd
      ->add_option("--instance", args->instance,
                   "This process's name among the job's processes, in its Kafka transactional "
                   "ids (<job>.<sink>.<instance>.<worker>). Give a restarted process the name "
                   "it had and Kafka aborts its unfinished transaction at once; unique per "
                   "process. Default: <host>-<pid>")
      ->envname("FLOE_INSTANCE");
  run_cmd->callback([&context, args] {
    RunOptions options;
    options.instance = args->instance;
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
