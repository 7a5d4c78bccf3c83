// The line chunk reader: whole lines in order and numbered, from a mapped regular file and from a
// pipe alike; lines longer than a read, an unterminated last line, an empty file.

#include "stream/source/line_chunk_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace floe::stream {
namespace {

namespace fs = std::filesystem;

class LineChunkReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("floe-line-chunk-reader-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& text) {
    const fs::path path = dir_ / "in.jsonl";
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  /// Reads `path` to its end: the concatenated chunks, checking that each holds whole lines and
  /// starts at the line after the previous one's.
  std::string ReadAll(const std::string& path, int64_t* lines) {
    auto reader = LineChunkReader::Open(path);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok()) return "";
    std::string all;
    int64_t expected_first = 1;
    while (true) {
      auto chunk = (*reader)->Next();
      EXPECT_TRUE(chunk.ok()) << chunk.status().ToString();
      if (!chunk.ok() || !*chunk) break;
      EXPECT_EQ((*chunk)->first_line, expected_first);
      const std::string_view text = (*chunk)->lines;
      EXPECT_FALSE(text.empty());
      all.append(text);
      expected_first = (*reader)->next_line();
      // Only the input's last line may lack its line break.
      if (!text.empty() && text.back() != '\n') {
        EXPECT_EQ(all.size(), fs::file_size(path));
      }
    }
    *lines = expected_first - 1;
    return all;
  }

  fs::path dir_;
};

TEST_F(LineChunkReaderTest, ManyChunksOfWholeLines) {
  std::string text;
  for (int i = 0; i < 200000; ++i)
    text += "{\"n\":" + std::to_string(i) + ",\"pad\":\"xxxxxxxx\"}\n";
  int64_t lines = 0;
  EXPECT_EQ(ReadAll(Write(text), &lines), text);
  EXPECT_EQ(lines, 200000);
}

TEST_F(LineChunkReaderTest, LinesLongerThanARead) {
  const std::string long_line(5 << 20, 'x');
  const std::string text = "short\n" + long_line + "\n" + long_line + "\nlast";
  int64_t lines = 0;
  EXPECT_EQ(ReadAll(Write(text), &lines), text);
  EXPECT_EQ(lines, 4);
}

TEST_F(LineChunkReaderTest, UnterminatedLastLineAndEmptyFile) {
  int64_t lines = 0;
  EXPECT_EQ(ReadAll(Write("a\nb"), &lines), "a\nb");
  EXPECT_EQ(lines, 2);
  EXPECT_EQ(ReadAll(Write(""), &lines), "");
  EXPECT_EQ(lines, 0);
  EXPECT_EQ(ReadAll(Write("\n\n"), &lines), "\n\n");
  EXPECT_EQ(lines, 2);
}

TEST_F(LineChunkReaderTest, APipeReadsTheSame) {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "line " + std::to_string(i) + "\n";
  text += "tail";
  const std::string path = Write(text);
  const fs::path fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // The writer fills the pipe while the reader drains it.
  std::FILE* writer = ::popen(("cat '" + path + "' > '" + fifo.string() + "'").c_str(), "r");
  ASSERT_NE(writer, nullptr);
  auto reader = LineChunkReader::Open(fifo.string());
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::string all;
  while (true) {
    auto chunk = (*reader)->Next();
    ASSERT_TRUE(chunk.ok()) << chunk.status().ToString();
    if (!*chunk) break;
    all.append((*chunk)->lines);
  }
  ::pclose(writer);
  EXPECT_EQ(all, text);
  EXPECT_EQ((*reader)->next_line(), 100002);
}

}  // namespace
}  // namespace floe::stream
