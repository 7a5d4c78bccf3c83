#include "io/local_file_io.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "common/uuid.h"

namespace floe::io {
namespace {

namespace fs = std::filesystem;

class LocalFileIOTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe_io_test_" + NewUuid());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ignored);
    fs::remove_all(dir_, ignored);
  }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  /// Every entry below the test directory, hidden ones included, relative to it.
  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
      if (entry.is_regular_file()) names.push_back(entry.path().lexically_relative(dir_).string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  static std::string Slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  fs::path dir_;
  LocalFileIO io_;
};

TEST_F(LocalFileIOTest, ManySmallWritesRoundTrip) {
  auto stream = io_.NewOutputFile(Path("data.bin"));
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  std::string expected;
  for (int i = 0; i < 100000; ++i) {
    std::string piece = fmt::format("{},", i);
    ASSERT_TRUE((*stream)->Write(piece).ok());
    expected += piece;
  }
  EXPECT_EQ((*stream)->Position(), static_cast<int64_t>(expected.size()));
  ASSERT_TRUE((*stream)->Close().ok());

  auto contents = io_.ReadFile(Path("data.bin"));
  ASSERT_TRUE(contents.ok()) << contents.status().ToString();
  EXPECT_EQ(*contents, expected);

  auto input = io_.NewInputFile(Path("data.bin"));
  ASSERT_TRUE(input.ok());
  auto size = (*input)->Size();
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, static_cast<int64_t>(expected.size()));
  std::string middle(10, '\0');
  ASSERT_TRUE((*input)->ReadAt(1000, middle.size(), middle.data()).ok());
  EXPECT_EQ(middle, expected.substr(1000, 10));
}

TEST_F(LocalFileIOTest, WritesLargerThanTheBufferKeepTheirOrder) {
  auto stream = io_.NewOutputFile(Path("big.bin"));
  ASSERT_TRUE(stream.ok());
  std::string expected;
  const std::vector<size_t> sizes = {
      7, kLocalWriteBufferBytes - 3, 5, 2 * kLocalWriteBufferBytes + 1, kLocalWriteBufferBytes, 1};
  char fill = 'a';
  for (size_t size : sizes) {
    std::string piece(size, fill++);
    ASSERT_TRUE((*stream)->Write(piece).ok());
    expected += piece;
  }
  ASSERT_TRUE((*stream)->Close().ok());
  EXPECT_EQ(Slurp(Path("big.bin")), expected);
}

TEST_F(LocalFileIOTest, NothingIsVisibleBeforeClose) {
  auto stream = io_.NewOutputFile(Path("t.json"));
  ASSERT_TRUE(stream.ok());
  // More than the buffer, so the temporary file really holds bytes.
  ASSERT_TRUE((*stream)->Write(std::string(kLocalWriteBufferBytes + 1, 'x')).ok());
  EXPECT_FALSE(*io_.Exists(Path("t.json")));
  std::vector<std::string> during = Entries();
  ASSERT_EQ(during.size(), 1u);
  EXPECT_TRUE(during[0].starts_with(".t.json.")) << during[0];
  EXPECT_TRUE(during[0].ends_with(".tmp")) << during[0];

  ASSERT_TRUE((*stream)->Close().ok());
  EXPECT_EQ(Entries(), std::vector<std::string>{"t.json"});
}

TEST_F(LocalFileIOTest, AbortAndDestructionLeaveNothing) {
  {
    auto stream = io_.NewOutputFile(Path("aborted"));
    ASSERT_TRUE(stream.ok());
    ASSERT_TRUE((*stream)->Write(std::string(kLocalWriteBufferBytes * 2, 'x')).ok());
    ASSERT_TRUE((*stream)->Abort().ok());
    EXPECT_TRUE((*stream)->Abort().ok());
    EXPECT_FALSE((*stream)->Write("more").ok());
    EXPECT_FALSE((*stream)->Close().ok());
  }
  {
    auto stream = io_.NewOutputFile(Path("dropped"));
    ASSERT_TRUE(stream.ok());
    ASSERT_TRUE((*stream)->Write("half a file").ok());
  }
  EXPECT_TRUE(Entries().empty());
}

TEST_F(LocalFileIOTest, CloseTwiceReturnsTheFirstOutcome) {
  auto stream = io_.NewOutputFile(Path("f"));
  ASSERT_TRUE(stream.ok());
  ASSERT_TRUE((*stream)->Write("abc").ok());
  ASSERT_TRUE((*stream)->Close().ok());
  EXPECT_TRUE((*stream)->Close().ok());
  EXPECT_TRUE((*stream)->Abort().ok());  // a no-op after success
  EXPECT_EQ(Slurp(Path("f")), "abc");
  EXPECT_FALSE((*stream)->Write("more").ok());

  // A failed kCreateNew close stays failed and leaves the existing file alone.
  auto loser = io_.NewOutputFile(Path("f"), WriteMode::kCreateNew);
  ASSERT_TRUE(loser.ok());
  ASSERT_TRUE((*loser)->Write("other").ok());
  Status first = (*loser)->Close();
  EXPECT_TRUE(first.IsAlreadyExists()) << first.ToString();
  EXPECT_TRUE((*loser)->Close().IsAlreadyExists());
  EXPECT_TRUE((*loser)->Abort().ok());
  EXPECT_EQ(Slurp(Path("f")), "abc");
  EXPECT_EQ(Entries(), std::vector<std::string>{"f"});
}

TEST_F(LocalFileIOTest, KilledWriterLeavesNoPartialFile) {
  const std::string target = Path("crash.bin");
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child writes past the buffer and dies without closing, as a crashed process would.
    LocalFileIO io;
    auto stream = io.NewOutputFile(target);
    if (!stream.ok()) ::_exit(1);
    if (!(*stream)->Write(std::string(kLocalWriteBufferBytes * 3, 'x')).ok()) ::_exit(1);
    ::raise(SIGKILL);
    ::_exit(1);
  }
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(wait_status));
  EXPECT_FALSE(*io_.Exists(target));
  // What is left is one hidden temporary file that no reader looks at.
  std::vector<std::string> left = Entries();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_TRUE(left[0].starts_with(".crash.bin.")) << left[0];
}

TEST_F(LocalFileIOTest, OverwriteReplacesAndCreateNewRefuses) {
  ASSERT_TRUE(io_.WriteFile(Path("a"), "one", WriteMode::kOverwrite).ok());
  ASSERT_TRUE(io_.WriteFile(Path("a"), "two", WriteMode::kOverwrite).ok());
  EXPECT_EQ(*io_.ReadFile(Path("a")), "two");

  Status status = io_.WriteFile(Path("a"), "three", WriteMode::kCreateNew);
  EXPECT_TRUE(status.IsAlreadyExists()) << status.ToString();
  EXPECT_NE(status.message().find(Path("a")), std::string::npos) << status.message();
  EXPECT_EQ(*io_.ReadFile(Path("a")), "two");

  ASSERT_TRUE(io_.WriteFile(Path("b"), "new", WriteMode::kCreateNew).ok());
  EXPECT_EQ(*io_.ReadFile(Path("b")), "new");
  EXPECT_EQ(Entries(), (std::vector<std::string>{"a", "b"}));
}

TEST_F(LocalFileIOTest, CreateNewRaceHasOneWinner) {
  constexpr int kRounds = 50;
  for (int round = 0; round < kRounds; ++round) {
    const std::string target = Path(fmt::format("v{}.metadata.json", round));
    // Both streams are written before either closes, so the link in Close() decides, not the
    // early existence check of WriteFile.
    std::vector<std::unique_ptr<OutputStream>> streams;
    for (int writer = 0; writer < 2; ++writer) {
      auto stream = io_.NewOutputFile(target, WriteMode::kCreateNew);
      ASSERT_TRUE(stream.ok());
      ASSERT_TRUE((*stream)->Write(fmt::format("writer {}", writer)).ok());
      streams.push_back(std::move(*stream));
    }
    std::atomic<int> ready{0};
    std::vector<Status> outcomes(2);
    std::vector<std::thread> threads;
    for (int writer = 0; writer < 2; ++writer) {
      threads.emplace_back([&, writer] {
        ready.fetch_add(1);
        while (ready.load() < 2) {
        }
        outcomes[writer] = streams[writer]->Close();
      });
    }
    for (auto& thread : threads) thread.join();
    int winners = 0;
    int winner = -1;
    for (int writer = 0; writer < 2; ++writer) {
      if (outcomes[writer].ok()) {
        ++winners;
        winner = writer;
      } else {
        EXPECT_TRUE(outcomes[writer].IsAlreadyExists()) << outcomes[writer].ToString();
      }
    }
    ASSERT_EQ(winners, 1);
    EXPECT_EQ(*io_.ReadFile(target), fmt::format("writer {}", winner));
  }
  EXPECT_EQ(Entries().size(), static_cast<size_t>(kRounds));  // no temporary file left
}

TEST_F(LocalFileIOTest, CreateNewRaceThroughWriteFile) {
  constexpr int kRounds = 50;
  for (int round = 0; round < kRounds; ++round) {
    const std::string target = Path(std::to_string(round));
    std::atomic<int> ready{0};
    std::vector<Status> outcomes(2);
    std::vector<std::thread> threads;
    for (int writer = 0; writer < 2; ++writer) {
      threads.emplace_back([&, writer] {
        ready.fetch_add(1);
        while (ready.load() < 2) {
        }
        outcomes[writer] = io_.WriteFile(target, std::to_string(writer), WriteMode::kCreateNew);
      });
    }
    for (auto& thread : threads) thread.join();
    ASSERT_NE(outcomes[0].ok(), outcomes[1].ok());
    const int loser = outcomes[0].ok() ? 1 : 0;
    EXPECT_TRUE(outcomes[loser].IsAlreadyExists()) << outcomes[loser].ToString();
    EXPECT_EQ(*io_.ReadFile(target), std::to_string(1 - loser));
  }
  EXPECT_EQ(Entries().size(), static_cast<size_t>(kRounds));
}

TEST_F(LocalFileIOTest, CreatesParentDirectories) {
  ASSERT_TRUE(io_.WriteFile(Path("a/b/c/file"), "x", WriteMode::kOverwrite).ok());
  EXPECT_EQ(Slurp(Path("a/b/c/file")), "x");
}

TEST_F(LocalFileIOTest, FileUrlsNameLocalPaths) {
  const std::string path = Path("url.txt");
  ASSERT_TRUE(io_.WriteFile("file://" + path, "via url", WriteMode::kOverwrite).ok());
  EXPECT_EQ(*io_.ReadFile(path), "via url");
  EXPECT_EQ(*io_.ReadFile("file:" + path), "via url");
  EXPECT_EQ(*io_.ReadFile("file://localhost" + path), "via url");
  EXPECT_TRUE(*io_.Exists("FILE://" + path));

  EXPECT_EQ(*LocalFileIO::ToPath("file:///a/b"), "/a/b");
  EXPECT_EQ(*LocalFileIO::ToPath("file:/a/b"), "/a/b");
  EXPECT_EQ(*LocalFileIO::ToPath("/a/b"), "/a/b");
  EXPECT_EQ(*LocalFileIO::ToPath("rel/x"), (fs::current_path() / "rel/x").string());
  // A colon after a slash is part of a path, not a scheme.
  EXPECT_EQ(*LocalFileIO::ToPath("/a:b/c"), "/a:b/c");

  auto remote = LocalFileIO::ToPath("file://otherhost/a");
  EXPECT_EQ(remote.status().kind(), ErrorKind::kNotSupported);
  EXPECT_NE(remote.status().message().find("otherhost"), std::string::npos);
  EXPECT_EQ(LocalFileIO::ToPath("file:relative").status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(LocalFileIO::ToPath("").status().kind(), ErrorKind::kInvalidArgument);
}

TEST_F(LocalFileIOTest, OtherSchemesAreNotSupported) {
  auto s3 = io_.ReadFile("s3://bucket/key");
  EXPECT_EQ(s3.status().kind(), ErrorKind::kNotSupported);
  EXPECT_NE(s3.status().message().find("'s3'"), std::string::npos) << s3.status().message();
}

TEST_F(LocalFileIOTest, MissingFiles) {
  auto read = io_.ReadFile(Path("missing"));
  EXPECT_TRUE(read.status().IsNotFound()) << read.status().ToString();
  EXPECT_NE(read.status().message().find(Path("missing")), std::string::npos);
  EXPECT_NE(read.status().message().find("No such file"), std::string::npos);
  EXPECT_TRUE(io_.NewInputFile(Path("missing")).status().IsNotFound());
  EXPECT_FALSE(*io_.Exists(Path("missing")));
  EXPECT_TRUE(io_.DeleteFile(Path("missing")).ok());
  EXPECT_TRUE(io_.DeleteFile(Path("no/such/dir/file")).ok());

  ASSERT_TRUE(io_.WriteFile(Path("present"), "x", WriteMode::kOverwrite).ok());
  EXPECT_TRUE(*io_.Exists(Path("present")));
  ASSERT_TRUE(io_.DeleteFile(Path("present")).ok());
  EXPECT_FALSE(*io_.Exists(Path("present")));
}

TEST_F(LocalFileIOTest, ShortReadsAndDirectoriesAreErrors) {
  ASSERT_TRUE(io_.WriteFile(Path("short"), "0123456789", WriteMode::kOverwrite).ok());
  auto input = io_.NewInputFile(Path("short"));
  ASSERT_TRUE(input.ok());
  std::string out(8, '\0');
  Status past_end = (*input)->ReadAt(5, out.size(), out.data());
  EXPECT_EQ(past_end.kind(), ErrorKind::kIoError) << past_end.ToString();
  EXPECT_NE(past_end.message().find(Path("short")), std::string::npos);
  EXPECT_EQ((*input)->ReadAt(-1, 1, out.data()).kind(), ErrorKind::kInvalidArgument);
  ASSERT_TRUE((*input)->ReadAt(2, out.size(), out.data()).ok());
  EXPECT_EQ(out, "23456789");

  EXPECT_FALSE(io_.ReadFile(dir_.string()).ok());
  EXPECT_FALSE(io_.NewInputFile(dir_.string()).ok());
  EXPECT_EQ(io_.NewOutputFile(Path("dir/")).status().kind(), ErrorKind::kInvalidArgument);
}

TEST_F(LocalFileIOTest, UnwritableLocationsFailWithThePath) {
  // A regular file where a directory should be stops even root.
  ASSERT_TRUE(io_.WriteFile(Path("plain"), "x", WriteMode::kOverwrite).ok());
  Status under_file = io_.WriteFile(Path("plain/child"), "y", WriteMode::kOverwrite);
  EXPECT_EQ(under_file.kind(), ErrorKind::kIoError) << under_file.ToString();
  EXPECT_NE(under_file.message().find(Path("plain")), std::string::npos) << under_file.message();
  EXPECT_NE(under_file.message().find("Not a directory"), std::string::npos)
      << under_file.message();
  EXPECT_FALSE(io_.NewOutputFile(Path("plain/deeper/child")).ok());
  EXPECT_FALSE(*io_.Exists(Path("plain/child")));
}

TEST_F(LocalFileIOTest, ReadOnlyDirectoryFailsWithThePath) {
  const fs::path locked = dir_ / "locked";
  fs::create_directories(locked);
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read |
                              fs::perms::others_exec);
  auto refused_with_the_path = [&] {
    Status status = io_.WriteFile((locked / "f").string(), "x", WriteMode::kOverwrite);
    return status.kind() == ErrorKind::kIoError &&
           status.message().find(locked.string()) != std::string::npos &&
           status.message().find("Permission denied") != std::string::npos;
  };
  if (::geteuid() != 0) {
    EXPECT_TRUE(refused_with_the_path());
    return;
  }
  // Root ignores directory permissions (CI runs as root): try as the unprivileged "nobody" in a
  // child process.
  constexpr uid_t kNobody = 65534;
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::setgid(kNobody) != 0 || ::setuid(kNobody) != 0) ::_exit(2);
    ::_exit(refused_with_the_path() ? 0 : 1);
  }
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFEXITED(wait_status));
  EXPECT_EQ(WEXITSTATUS(wait_status), 0)
      << "1: not refused with the path; 2: could not drop to uid 65534";
}

TEST_F(LocalFileIOTest, ListFilesIsRecursiveAndSorted) {
  ASSERT_TRUE(
      io_.WriteFile(Path("t/metadata/v1.metadata.json"), "12345", WriteMode::kOverwrite).ok());
  ASSERT_TRUE(io_.WriteFile(Path("t/data/b.parquet"), "12", WriteMode::kOverwrite).ok());
  ASSERT_TRUE(io_.WriteFile(Path("t/data/a.parquet"), "1", WriteMode::kOverwrite).ok());
  fs::create_directories(dir_ / "t" / "empty");

  auto files = io_.ListFiles(Path("t"));
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].location, Path("t/data/a.parquet"));
  EXPECT_EQ((*files)[0].size_bytes, 1);
  EXPECT_EQ((*files)[1].location, Path("t/data/b.parquet"));
  EXPECT_EQ((*files)[2].location, Path("t/metadata/v1.metadata.json"));
  EXPECT_EQ((*files)[2].size_bytes, 5);

  auto as_urls = io_.ListFiles("file://" + Path("t") + "/");
  ASSERT_TRUE(as_urls.ok());
  ASSERT_EQ(as_urls->size(), 3u);
  EXPECT_EQ((*as_urls)[0].location, "file://" + Path("t/data/a.parquet"));

  auto missing = io_.ListFiles(Path("nothing"));
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->empty());
}

TEST(MakeFileIOTest, PicksTheFileIOByScheme) {
  EXPECT_TRUE(MakeFileIO("/tmp/warehouse", {}).ok());
  EXPECT_TRUE(MakeFileIO("file:///tmp/warehouse", {}).ok());
  EXPECT_TRUE(MakeFileIO("file:/tmp/warehouse", {}).ok());
  EXPECT_TRUE(MakeFileIO("relative/warehouse", {}).ok());
  auto s3 = MakeFileIO("s3://bucket/warehouse",
                       {{"s3.access-key-id", "k"}, {"s3.secret-access-key", "s"}});
  EXPECT_TRUE(s3.ok()) << s3.status().ToString();
  auto gcs = MakeFileIO("gs://bucket/warehouse", {});
  EXPECT_EQ(gcs.status().kind(), ErrorKind::kNotSupported);
  EXPECT_NE(gcs.status().message().find("'gs'"), std::string::npos);
}

}  // namespace
}  // namespace floe::io
