#include "stream/sink/parallel_writer.h"

namespace floe::stream {

namespace {

// Batches waiting per writer: enough to keep it busy, few enough to bound memory.
constexpr size_t kQueueDepth = 2;

}  // namespace

Result<std::unique_ptr<ParallelWriter>> ParallelWriter::Make(std::shared_ptr<io::FileIO> io,
                                                             const iceberg::TableMetadata& metadata,
                                                             int threads,
                                                             const std::string& file_prefix) {
  if (threads < 1) return InvalidArgument("write parallelism {}: must be at least 1", threads);
  auto writer = std::unique_ptr<ParallelWriter>(new ParallelWriter());
  writer->io_ = io;
  for (int i = 0; i < threads; ++i) {
    auto worker = std::make_unique<Worker>();
    FLOE_ASSIGN_OR_RAISE(worker->writer, iceberg::PartitionedWriter::Make(io, metadata));
    worker->writer->set_file_prefix(file_prefix);
    writer->workers_.push_back(std::move(worker));
  }
  for (auto& worker : writer->workers_) {
    Worker* raw = worker.get();
    worker->thread = std::thread([w = writer.get(), raw] { w->Loop(raw); });
  }
  return writer;
}

ParallelWriter::~ParallelWriter() { (void)Abort(); }

void ParallelWriter::Loop(Worker* worker) {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || !worker->queue.empty(); });
    if (worker->queue.empty()) {  // stopping, and nothing left to write
      if (!finishing_ || !error_.ok()) return;
      lock.unlock();
      // Each writer closes its own files (the last row groups' encoding and compression) on its
      // own thread, so that the writers finish side by side rather than one after another.
      worker->finished = worker->writer->Finish();
      return;
    }
    std::vector<ColumnVector> batch = std::move(worker->queue.front());
    worker->queue.pop_front();
    worker->busy = true;
    changed_.notify_all();  // room in the queue
    lock.unlock();
    std::vector<const ColumnVector*> columns;
    columns.reserve(batch.size());
    for (const ColumnVector& column : batch) columns.push_back(&column);
    const size_t rows = batch.empty() ? 0 : batch.front().size();
    Status status = worker->writer->Write(columns, Selection::All(rows));
    lock.lock();
    worker->busy = false;
    if (!status.ok() && error_.ok()) error_ = status;
    changed_.notify_all();
  }
}

Status ParallelWriter::Write(std::span<const ColumnVector* const> columns, Selection selection) {
  if (selection.count == 0) return Status::Ok();
  std::vector<ColumnVector> copy;
  copy.reserve(columns.size());
  for (const ColumnVector* column : columns) {
    copy.emplace_back(column->kind(), column->fixed_width());
    copy.back().AppendRows(*column, selection.indices, selection.count);
  }
  std::unique_lock lock(mutex_);
  FLOE_RETURN_IF_ERROR(error_);
  if (stopping_) return Internal("write after the writer was finished");
  Worker& worker = *workers_[next_];
  next_ = (next_ + 1) % workers_.size();
  changed_.wait(lock, [&] { return worker.queue.size() < kQueueDepth || !error_.ok(); });
  FLOE_RETURN_IF_ERROR(error_);
  worker.queue.push_back(std::move(copy));
  rows_queued_ += static_cast<int64_t>(selection.count);
  changed_.notify_all();
  return Status::Ok();
}

Status ParallelWriter::StopThreads() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return error_;
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
  std::lock_guard lock(mutex_);
  return error_;
}

Result<std::vector<iceberg::DataFile>> ParallelWriter::Finish() {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) finishing_ = true;
  }
  // The threads drain their queues, then (no writer having failed) finish their writers.
  Status status = StopThreads();
  if (!status.ok()) {
    (void)Abort();
    return status;
  }
  std::vector<iceberg::DataFile> files;
  Status failed = Status::Ok();
  for (auto& worker : workers_) {
    if (worker->writer == nullptr) continue;
    if (!worker->finished.has_value()) worker->finished = worker->writer->Finish();
    worker->writer.reset();
    if (!worker->finished->ok()) {
      if (failed.ok()) failed = worker->finished->status();
      continue;
    }
    files.insert(files.end(), (*worker->finished)->begin(), (*worker->finished)->end());
  }
  if (!failed.ok()) {
    (void)Abort();
    for (const iceberg::DataFile& file : files) (void)io_->DeleteFile(file.file_path);
    return failed;
  }
  return files;
}

Status ParallelWriter::Abort() {
  {
    std::lock_guard lock(mutex_);
    for (auto& worker : workers_) worker->queue.clear();
  }
  (void)StopThreads();
  Status result = Status::Ok();
  for (auto& worker : workers_) {
    if (worker->writer == nullptr) continue;
    Status status = worker->writer->Abort();
    worker->writer.reset();
    if (result.ok()) result = status;
  }
  return result;
}

}  // namespace floe::stream
