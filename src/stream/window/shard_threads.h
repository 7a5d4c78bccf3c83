#pragma once

// The threads a sharded window step runs its shards on: Run(task) calls task(i) for every shard
// i, shard 0 on the calling thread and each other on a thread of its own that lives as long as
// this object, and returns once every call has returned. One Run at a time.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace floe::stream::window {

/// Thread safety: Run is called by one thread (the worker's); the tasks of one Run run at once
/// and must touch disjoint data. Lifetime: the destructor stops and joins the threads.
class ShardThreads {
 public:
  explicit ShardThreads(size_t shards);
  ~ShardThreads();
  ShardThreads(const ShardThreads&) = delete;
  ShardThreads& operator=(const ShardThreads&) = delete;

  size_t shards() const { return threads_.size() + 1; }
  /// task(0) here, task(1..shards-1) on the threads; returns when all are done.
  void Run(const std::function<void(size_t)>& task);

 private:
  void Loop(size_t shard);

  std::mutex mutex_;
  std::condition_variable wake_;  // a new round, or the end
  std::condition_variable done_;  // the last thread of a round finished
  const std::function<void(size_t)>* task_ = nullptr;
  uint64_t round_ = 0;
  size_t running_ = 0;  // threads still in the current round
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace floe::stream::window
