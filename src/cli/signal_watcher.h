#pragma once

// SIGINT and SIGTERM taken by a thread of their own, for the commands that run until stopped
// (`floe run`, `floe catalog serve`).

#include <atomic>
#include <csignal>
#include <functional>
#include <thread>

namespace floe::cli {

/// While it lives, SIGINT and SIGTERM do not end the process: the constructor blocks them in
/// the calling thread, and every thread started after it inherits the mask; once Watch() has
/// started it, a thread of the watcher's own takes each of them and calls `on_signal`.
/// Create it before any other thread exists (a thread started earlier would still be killed).
/// Stop() and destruction wake the watching thread at once (no polling interval to wait out)
/// and join it; destruction then restores the caller's mask. Thread safety: one owner; `on_signal`
/// runs on the watching thread and must be safe to call there, more than once.
class SignalWatcher {
 public:
  SignalWatcher();
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  /// Starts the watching thread; a signal that arrived since the constructor is taken at once.
  /// Call once.
  void Watch(std::function<void()> on_signal);
  /// Ends the watching (no `on_signal` call after it returns); signals stay blocked until the
  /// destructor. Idempotent.
  void Stop();

 private:
  void Wait();

  sigset_t signals_;
  sigset_t previous_;
  std::function<void()> on_signal_;
  std::atomic<bool> done_{false};
  std::thread waiter_;
};

}  // namespace floe::cli
