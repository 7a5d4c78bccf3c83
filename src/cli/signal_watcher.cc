#include "cli/signal_watcher.h"

#include <pthread.h>

#include <ctime>

namespace floe::cli {

SignalWatcher::SignalWatcher() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
}

SignalWatcher::~SignalWatcher() {
  Stop();
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

void SignalWatcher::Stop() {
  if (!waiter_.joinable()) return;
  done_.store(true);
  // A SIGTERM for the watching thread alone ends its wait now; seeing done_, it does not pass
  // it on.
  pthread_kill(waiter_.native_handle(), SIGTERM);
  waiter_.join();
}

void SignalWatcher::Watch(std::function<void()> on_signal) {
  on_signal_ = std::move(on_signal);
  waiter_ = std::thread([this] { Wait(); });
}

void SignalWatcher::Wait() {
  // The destructor's signal wakes the wait; the timeout is only a second guard.
  const timespec poll{1, 0};
  while (!done_.load()) {
    if (sigtimedwait(&signals_, nullptr, &poll) > 0 && !done_.load()) on_signal_();
  }
}

}  // namespace floe::cli
