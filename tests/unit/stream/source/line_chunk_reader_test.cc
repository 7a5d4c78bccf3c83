// The line chunk reader: whole lines in order and numbered, from a mapped regular file and from a
// pipe alike; lines longer than a read, an unterminated last line, an empty file.

#include "stream/source/line_chunk_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
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

namespace floe::stream {
namespace {

/// A file cut into detached ranges of `chunk_bytes`, every chunk kept until the end: each must
/// still hold its lines after later ones were read (it owns its mapping).
struct Range {
  std::shared_ptr<const void> keep_alive;
  std::string_view lines;
  int64_t first_line = 0;
};

std::vector<Range> Split(const std::string& path, size_t chunk_bytes) {
  auto reader = LineChunkReader::Open(path, chunk_bytes);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return {};
  (*reader)->set_detached(true);
  std::vector<Range> ranges;
  while (true) {
    auto chunk = (*reader)->Next();
    EXPECT_TRUE(chunk.ok()) << chunk.status().ToString();
    if (!chunk.ok() || !*chunk) break;
    ranges.push_back({(*chunk)->keep_alive, (*chunk)->lines, (*chunk)->first_line});
  }
  return ranges;
}

/// The number of the line at byte `at` of `text`, from 1 (counted here, not by the reader).
int64_t LineNumberAt(const std::string& text, size_t at) {
  return 1 + static_cast<int64_t>(std::count(text.begin(), text.begin() + at, '\n'));
}

TEST_F(LineChunkReaderTest, DetachedRangesAreLineAlignedNumberedAndOutliveTheReader) {
  // CRLF lines, lines longer than a range, blank lines, a last line without its line break.
  std::string text;
  for (int i = 0; i < 300; ++i) {
    text += "{\"n\":" + std::to_string(i) + "}" + (i % 3 == 0 ? "\r\n" : "\n");
    if (i % 50 == 7) text += std::string(700, 'L') + "\r\n";
    if (i % 40 == 3) text += "\n";
  }
  text += "{\"n\":\"last\"}";
  const std::string path = Write(text);
  for (size_t chunk_bytes : {size_t{1}, size_t{64}, size_t{333}, size_t{4096}, size_t{1} << 20}) {
    SCOPED_TRACE(chunk_bytes);
    const std::vector<Range> ranges = Split(path, chunk_bytes);
    ASSERT_FALSE(ranges.empty());
    size_t at = 0;
    for (size_t i = 0; i < ranges.size(); ++i) {
      const Range& range = ranges[i];
      ASSERT_NE(range.keep_alive, nullptr);
      // Contiguous, starting on a line and numbered by the lines before it.
      ASSERT_EQ(range.lines, std::string_view(text).substr(at, range.lines.size()));
      EXPECT_TRUE(at == 0 || text[at - 1] == '\n');
      EXPECT_EQ(range.first_line, LineNumberAt(text, at));
      at += range.lines.size();
      // Whole lines: every range but the last ends with its line break (a CRLF stays whole).
      if (i + 1 < ranges.size()) {
        EXPECT_EQ(range.lines.back(), '\n');
      }
      // No larger than a range, unless its first line alone is.
      const size_t first_break = range.lines.find('\n');
      const size_t first_line_bytes =
          first_break == std::string_view::npos ? range.lines.size() : first_break + 1;
      if (first_line_bytes <= chunk_bytes) {
        EXPECT_LE(range.lines.size(), chunk_bytes);
      }
    }
    EXPECT_EQ(at, text.size());
    EXPECT_EQ(ranges.back().lines.back(), '}');  // the unterminated last line is there
  }
}

TEST_F(LineChunkReaderTest, DetachedEmptyFileAndPipeChunks) {
  EXPECT_TRUE(Split(Write(""), 64).empty());
  // Input that is not mapped reuses one buffer: its chunks never claim to own memory.
  const fs::path fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string path = Write("a\r\nb\nc");
  std::FILE* writer = ::popen(("cat '" + path + "' > '" + fifo.string() + "'").c_str(), "r");
  ASSERT_NE(writer, nullptr);
  auto reader = LineChunkReader::Open(fifo.string(), 2);
  ASSERT_TRUE(reader.ok());
  (*reader)->set_detached(true);
  std::string all;
  while (true) {
    auto chunk = (*reader)->Next();
    ASSERT_TRUE(chunk.ok()) << chunk.status().ToString();
    if (!*chunk) break;
    EXPECT_EQ((*chunk)->keep_alive, nullptr);
    all.append((*chunk)->lines);
  }
  ::pclose(writer);
  EXPECT_EQ(all, "a\r\nb\nc");
  EXPECT_EQ(LineChunkReader::Open(path, 0).status().kind(), ErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace floe::stream
