#pragma once

// Write parallelism for a table sink: N threads, each with its own PartitionedWriter (so its own
// open files), encode and compress the rows while the job's thread decodes the next batch. Rows
// are copied (gathered) into the queue, so the caller's batch is free again when Write returns.
// A commit drains the queues and finishes every writer: all files go into one snapshot.

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "iceberg/partitioned_writer.h"
#include "iceberg/table_metadata.h"
#include "io/file_io.h"

namespace floe::stream {

/// Thread safety: Write, Finish and Abort are called by one thread (the sink's); the writer
/// threads are internal. Lifetime: Finish or Abort before destruction (the destructor aborts).
class ParallelWriter {
 public:
  /// `threads` >= 1 writers for `metadata`'s current schema and spec.
  static Result<std::unique_ptr<ParallelWriter>> Make(std::shared_ptr<io::FileIO> io,
                                                      const iceberg::TableMetadata& metadata,
                                                      int threads,
                                                      const std::string& file_prefix = "");
  ~ParallelWriter();

  /// Queues a copy of the selected rows for the next writer (waits while its queue is full).
  /// A writer's earlier failure is returned here.
  Status Write(std::span<const ColumnVector* const> columns, Selection selection);
  /// Waits for the queues, closes every file (each writer on its own thread): the data files of
  /// all writers. If any writer fails, every file written is deleted and the failure returned.
  Result<std::vector<iceberg::DataFile>> Finish();
  /// Stops the threads and deletes what they wrote.
  Status Abort();

  int64_t rows_written() const { return rows_queued_; }

 private:
  struct Worker {
    std::unique_ptr<iceberg::PartitionedWriter> writer;
    std::deque<std::vector<ColumnVector>> queue;
    bool busy = false;
    std::thread thread;
    // What the writer's Finish gave, when its thread finished it.
    std::optional<Result<std::vector<iceberg::DataFile>>> finished;
  };
  ParallelWriter() = default;
  void Loop(Worker* worker);
  Status StopThreads();

  std::shared_ptr<io::FileIO> io_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::unique_ptr<Worker>> workers_;
  size_t next_ = 0;
  bool stopping_ = false;
  bool finishing_ = false;  // the threads finish their writers once their queues are drained
  Status error_;            // the first writer failure
  int64_t rows_queued_ = 0;
};

}  // namespace floe::stream
