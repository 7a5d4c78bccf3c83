#pragma once

// The file source: JSON lines from one file, the files a glob matches (in name order), or
// stdin ("-"). Bounded: it ends after the last line of the last file. Each file is a source
// partition of its own (topic = the path, partition 0) whose offsets are line numbers from 1,
// so a job can resume a file where its sinks stopped. Stdin cannot be resumed.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "stream/source/line_chunk_reader.h"
#include "stream/source/source.h"

namespace floe::stream {

/// Stdin's partition name.
inline constexpr const char* kStdinTopic = "<stdin>";

class FileSource final : public Source {
 public:
  /// `pattern`: a path, a glob (*, ?, [...]) or "-". A path may also name a pipe (a FIFO, or
  /// /dev/fd/N from a shell's process substitution), read like stdin: never resumed, since what
  /// it delivers again is not the same lines. Globs match regular files only. NotFound when a
  /// glob matches nothing or the file is missing; the listener must outlive the source.
  static Result<std::unique_ptr<FileSource>> Open(std::string name, const std::string& pattern,
                                                  PartitionListener* listener);

  const std::string& name() const override { return name_; }
  bool bounded() const override { return true; }
  Result<bool> Next(std::chrono::milliseconds timeout, SourceChunk* chunk) override;
  bool Resumable(const TopicPartition& partition) const override {
    return partition.topic != kStdinTopic && !pipes_.contains(partition.topic);
  }
  Status Close() override;

  const std::vector<std::string>& files() const { return files_; }
  /// Detached: the chunks of regular files own their mapping (SourceChunk::keep_alive), so a
  /// runtime may prepare several at once on as many threads; stdin and pipes are read into one
  /// buffer reused from chunk to chunk, so theirs never are. Set before the first Next.
  void set_detached(bool detached) { detached_ = detached; }
  /// The size of the line-aligned ranges a file is cut into (LineChunkReader::Open); set before
  /// the first Next.
  void set_chunk_bytes(size_t bytes) { chunk_bytes_ = bytes; }

 private:
  FileSource(std::string name, std::vector<std::string> files, std::set<std::string> pipes,
             PartitionListener* listener)
      : name_(std::move(name)),
        files_(std::move(files)),
        pipes_(std::move(pipes)),
        listener_(listener) {}
  Status OpenNext();

  std::string name_;
  std::vector<std::string> files_;
  std::set<std::string> pipes_;  // the paths of files_ that are pipes, not regular files
  PartitionListener* listener_;
  size_t next_file_ = 0;
  std::unique_ptr<LineChunkReader> reader_;
  TopicPartition current_;
  int64_t resume_line_ = 1;  // lines below it are committed everywhere: skipped
  bool detached_ = false;
  size_t chunk_bytes_ = LineChunkReader::kDefaultChunkBytes;
};

}  // namespace floe::stream
