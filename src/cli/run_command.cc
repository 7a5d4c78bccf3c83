#include "cli/run_command.h"

#include <pthread.h>

#include <atomic>
#include <csignal>
#include <ctime>
#include <stop_token>
#include <thread>

#include "pipeline/job_loader.h"

namespace floe::cli {

namespace {

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

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

void PrintError(std::ostream& err, const Status& status) {
  err << "floe: error: " << status.message() << " (" << ErrorKindName(status.kind()) << ")\n";
}

}  // namespace

int RunJobCommand(const std::string& job_path, const std::vector<std::string>& overrides,
                  const RunOptions& options, std::ostream& out, std::ostream& err) {
  auto config = pipeline::LoadJobFile(job_path, overrides, pipeline::ProcessEnvironment());
  if (!config.ok()) {
    PrintError(err, config.status());
    return kExitUsage;
  }
  auto plan = pipeline::PlanJob(*config);
  if (!plan.ok()) {
    PrintError(err, plan.status());
    return kExitUsage;
  }
  Status status = Status::Ok();
  {
    StopOnSignals signals;
    pipeline::Job job(std::move(plan).value(), options, out, err, signals.token());
    status = job.Open();
    if (status.ok()) status = job.Run();
  }
  if (!status.ok()) {
    PrintError(err, status);
    return kExitError;
  }
  return 0;
}

}  // namespace floe::cli
