#include "stream/window/shard_threads.h"

namespace floe::stream::window {

ShardThreads::ShardThreads(size_t shards) {
  for (size_t shard = 1; shard < shards; ++shard) {
    threads_.emplace_back([this, shard] { Loop(shard); });
  }
}

ShardThreads::~ShardThreads() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void ShardThreads::Run(const std::function<void(size_t)>& task) {
  if (threads_.empty()) {
    task(0);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    task_ = &task;
    running_ = threads_.size();
    ++round_;
  }
  wake_.notify_all();
  task(0);
  std::unique_lock lock(mutex_);
  done_.wait(lock, [this] { return running_ == 0; });
  task_ = nullptr;
}

void ShardThreads::Loop(size_t shard) {
  uint64_t seen = 0;
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || round_ != seen; });
    if (stopping_) return;
    seen = round_;
    const std::function<void(size_t)>* task = task_;
    lock.unlock();
    (*task)(shard);
    lock.lock();
    if (--running_ == 0) done_.notify_one();
  }
}

}  // namespace floe::stream::window
