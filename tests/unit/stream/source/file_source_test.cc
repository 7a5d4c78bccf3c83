#include "stream/source/file_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

namespace floe::stream {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

/// Records what the source asks and answers with fixed resume points.
class Listener final : public PartitionListener {
 public:
  Status OnAssigned(const std::vector<TopicPartition>& partitions, OffsetMap* start_at) override {
    for (const TopicPartition& partition : partitions) {
      assigned.push_back(partition);
      auto found = resume.find(partition);
      if (found != resume.end()) (*start_at)[partition] = found->second;
    }
    return Status::Ok();
  }
  Status OnRevoked(const std::vector<TopicPartition>&, bool) override { return Status::Ok(); }

  OffsetMap resume;
  std::vector<TopicPartition> assigned;
};

class FileSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("floe-file-source-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }

  /// Every chunk as "partition:first_line:lines|next_offset".
  std::vector<std::string> ReadAll(FileSource& source, int64_t* skipped = nullptr) {
    std::vector<std::string> chunks;
    SourceChunk chunk;
    while (true) {
      auto more = source.Next(std::chrono::milliseconds(10), &chunk);
      EXPECT_TRUE(more.ok()) << more.status().ToString();
      if (!more.ok() || !*more) break;
      if (skipped != nullptr) *skipped += chunk.skipped;
      if (chunk.empty()) continue;
      chunks.push_back(fmt::format("{}:{}:{}|{}",
                                   fs::path(chunk.partition.topic).filename().string(),
                                   chunk.first_line, chunk.lines, chunk.next_offset));
    }
    return chunks;
  }

  fs::path dir_;
};

TEST_F(FileSourceTest, AGlobReadsEveryMatchInNameOrderEachItsOwnPartition) {
  Write("b.jsonl", "b1\nb2\n");
  Write("a.jsonl", "a1\na2\na3");
  Write("c.txt", "not matched\n");
  fs::create_directories(dir_ / "d.jsonl");  // a directory that matches is not a file
  Listener listener;
  auto source = FileSource::Open("in", (dir_ / "*.jsonl").string(), &listener);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  EXPECT_TRUE((*source)->bounded());
  EXPECT_EQ(ReadAll(**source),
            (std::vector<std::string>{"a.jsonl:1:a1\na2\na3|4", "b.jsonl:1:b1\nb2\n|3"}));
  ASSERT_EQ(listener.assigned.size(), 2u);
  EXPECT_EQ(listener.assigned[0], (TopicPartition{(dir_ / "a.jsonl").string(), 0}));
}

TEST_F(FileSourceTest, ResumesEachFileWhereTheListenerSays) {
  std::string a = Write("a.jsonl", "a1\na2\na3\n");
  std::string b = Write("b.jsonl", "b1\nb2\n");
  Listener listener;
  listener.resume[{a, 0}] = 3;   // lines 1 and 2 are committed everywhere
  listener.resume[{b, 0}] = 99;  // all of b
  auto source = FileSource::Open("in", (dir_ / "?.jsonl").string(), &listener);
  ASSERT_TRUE(source.ok());
  int64_t skipped = 0;
  EXPECT_EQ(ReadAll(**source, &skipped), (std::vector<std::string>{"a.jsonl:3:a3\n|4"}));
  EXPECT_EQ(skipped, 4);
}

TEST_F(FileSourceTest, StdinIsReadButNeverResumed) {
  Listener listener;
  listener.resume[{kStdinTopic, 0}] = 5;
  auto source = FileSource::Open("in", "-", &listener);
  ASSERT_TRUE(source.ok());
  EXPECT_FALSE((*source)->Resumable({kStdinTopic, 0}));
  EXPECT_TRUE((*source)->Resumable({"/x.jsonl", 0}));
}

TEST_F(FileSourceTest, APipeIsReadButNeverResumed) {
  const std::string fifo = (dir_ / "in.fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { std::ofstream(fifo) << "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n"; });
  Listener listener;
  listener.resume[{fifo, 0}] = 3;  // must not skip: a pipe gives other lines next time
  auto source = FileSource::Open("in", fifo, &listener);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  EXPECT_FALSE((*source)->Resumable({fifo, 0}));
  SourceChunk chunk;
  std::string read;
  for (;;) {
    auto more = (*source)->Next(std::chrono::milliseconds(100), &chunk);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    read += chunk.lines;
  }
  writer.join();
  EXPECT_EQ(read, "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n");
}

TEST_F(FileSourceTest, MissingInputIsAClearError) {
  Listener listener;
  auto missing = FileSource::Open("in", (dir_ / "nope.jsonl").string(), &listener);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_THAT(missing.status().message(), HasSubstr("nope.jsonl does not exist"));
  auto no_match = FileSource::Open("in", (dir_ / "*.jsonl").string(), &listener);
  ASSERT_FALSE(no_match.ok());
  EXPECT_THAT(no_match.status().message(), HasSubstr("no input file matches"));
  auto directory = FileSource::Open("in", dir_.string(), &listener);
  EXPECT_FALSE(directory.ok());
}

}  // namespace
}  // namespace floe::stream

namespace floe::stream {
namespace {

TEST_F(FileSourceTest, DetachedGlobRangesCoverEveryFileInOrderAndOwnTheirMemory) {
  std::string a_text, c_text;
  for (int i = 0; i < 40; ++i) a_text += "a" + std::to_string(i) + (i % 2 ? "\r\n" : "\n");
  for (int i = 0; i < 25; ++i) c_text += "c" + std::to_string(i) + "\n";
  c_text += "c-last";
  const std::string a = Write("a.jsonl", a_text);
  Write("b.jsonl", "");  // empty: matched, assigned, no chunk
  const std::string c = Write("c.jsonl", c_text);
  Listener listener;
  auto source = FileSource::Open("in", (dir_ / "*.jsonl").string(), &listener);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  (*source)->set_detached(true);
  (*source)->set_chunk_bytes(16);
  // Every chunk kept to the end: each still views its lines.
  std::vector<SourceChunk> chunks;
  while (true) {
    SourceChunk chunk;
    auto more = (*source)->Next(std::chrono::milliseconds(10), &chunk);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    if (!chunk.empty()) chunks.push_back(std::move(chunk));
  }
  ASSERT_EQ(listener.assigned.size(), 3u);
  std::map<std::string, std::string> joined;
  std::map<std::string, int64_t> next_line;
  std::string order;
  for (const SourceChunk& chunk : chunks) {
    ASSERT_NE(chunk.keep_alive, nullptr);
    const std::string& file = chunk.partition.topic;
    if (order.empty() || order.back() != fs::path(file).filename().string()[0]) {
      order += fs::path(file).filename().string()[0];
    }
    // Each range starts at the line after the previous one's end, numbered from 1 per file.
    EXPECT_EQ(chunk.first_line, next_line.contains(file) ? next_line[file] : 1);
    next_line[file] = chunk.next_offset;
    joined[file] += chunk.lines;
  }
  EXPECT_GT(chunks.size(), 6u);
  EXPECT_EQ(order, "ac");  // file by file, in name order
  EXPECT_EQ(joined[a], a_text);
  EXPECT_EQ(joined[c], c_text);
  EXPECT_EQ(next_line[a], 41);
  EXPECT_EQ(next_line[c], 27);
}

}  // namespace
}  // namespace floe::stream
