// ShardThreads: every round calls the task once per shard, shard 0 on the calling thread and
// the others on distinct threads, and returns only when all calls have returned.

#include "stream/window/shard_threads.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

namespace floe::stream::window {
namespace {

TEST(ShardThreadsTest, EachRoundRunsEveryShardOnceAndWaitsForAll) {
  ShardThreads threads(4);
  EXPECT_EQ(threads.shards(), 4u);
  const std::thread::id caller = std::this_thread::get_id();
  std::vector<int> calls(4, 0);
  std::vector<std::thread::id> ran_on(4);
  for (int round = 0; round < 500; ++round) {
    threads.Run([&](size_t shard) {
      // A slow shard: Run must still wait for it.
      if (shard == 3 && round % 100 == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      ++calls[shard];
      ran_on[shard] = std::this_thread::get_id();
    });
    for (int count : calls) ASSERT_EQ(count, round + 1) << "round " << round;
  }
  EXPECT_EQ(ran_on[0], caller);
  const std::set<std::thread::id> distinct(ran_on.begin(), ran_on.end());
  EXPECT_EQ(distinct.size(), 4u);
}

TEST(ShardThreadsTest, OneShardRunsOnTheCaller) {
  ShardThreads threads(1);
  std::atomic<int> calls = 0;
  threads.Run([&](size_t shard) {
    EXPECT_EQ(shard, 0u);
    ++calls;
  });
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace floe::stream::window
