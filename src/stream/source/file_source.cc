#include "stream/source/file_source.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>

namespace floe::stream {

namespace {

bool IsGlob(const std::string& pattern) {
  return pattern.find_first_of("*?[") != std::string::npos;
}

Result<std::vector<std::string>> Expand(const std::string& pattern) {
  if (pattern == "-") return std::vector<std::string>{"-"};
  if (!IsGlob(pattern)) {
    std::error_code error;
    const std::filesystem::file_status status = std::filesystem::status(pattern, error);
    if (!std::filesystem::is_regular_file(status) && !std::filesystem::is_fifo(status)) {
      return NotFound("input file {} does not exist or is neither a regular file nor a pipe",
                      pattern);
    }
    return std::vector<std::string>{pattern};
  }
  glob_t matches{};
  int code = ::glob(pattern.c_str(), GLOB_ERR, nullptr, &matches);
  std::vector<std::string> files;
  if (code == 0) {
    for (size_t i = 0; i < matches.gl_pathc; ++i) {
      std::error_code error;
      if (std::filesystem::is_regular_file(matches.gl_pathv[i], error)) {
        files.emplace_back(matches.gl_pathv[i]);
      }
    }
  }
  ::globfree(&matches);
  if (code != 0 && code != GLOB_NOMATCH) return IoError("cannot expand {}", pattern);
  if (files.empty()) return NotFound("no input file matches {}", pattern);
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

Result<std::unique_ptr<FileSource>> FileSource::Open(std::string name, const std::string& pattern,
                                                     PartitionListener* listener) {
  FLOE_ASSIGN_OR_RAISE(std::vector<std::string> files, Expand(pattern));
  std::set<std::string> pipes;
  for (const std::string& file : files) {
    std::error_code error;
    if (file != "-" && std::filesystem::is_fifo(file, error)) pipes.insert(file);
  }
  return std::unique_ptr<FileSource>(
      new FileSource(std::move(name), std::move(files), std::move(pipes), listener));
}

Status FileSource::OpenNext() {
  const std::string& path = files_[next_file_++];
  FLOE_ASSIGN_OR_RAISE(reader_, LineChunkReader::Open(path, chunk_bytes_));
  reader_->set_detached(detached_);
  current_ = TopicPartition{path == "-" ? kStdinTopic : path, 0};
  OffsetMap start;
  FLOE_RETURN_IF_ERROR(listener_->OnAssigned({current_}, &start));
  auto found = start.find(current_);
  resume_line_ = found == start.end() || !Resumable(current_) ? 1 : found->second;
  return Status::Ok();
}

Result<bool> FileSource::Next(std::chrono::milliseconds, SourceChunk* chunk) {
  chunk->Clear();
  while (true) {
    if (reader_ == nullptr) {
      if (next_file_ == files_.size()) return false;
      FLOE_RETURN_IF_ERROR(OpenNext());
    }
    FLOE_ASSIGN_OR_RAISE(std::optional<LineChunkReader::Chunk> read, reader_->Next());
    if (!read) {
      // The file is done: it stays committed at its end, nothing more to hold for it.
      reader_.reset();
      continue;
    }
    std::string_view lines = read->lines;
    int64_t first_line = read->first_line;
    // Skip the lines every sink has committed already.
    while (first_line < resume_line_ && !lines.empty()) {
      size_t newline = lines.find('\n');
      lines.remove_prefix(newline == std::string_view::npos ? lines.size() : newline + 1);
      ++first_line;
    }
    chunk->partition = current_;
    chunk->lines = lines;
    chunk->first_line = first_line;
    chunk->next_offset = reader_->next_line();
    chunk->skipped = first_line - read->first_line;
    chunk->bytes = lines.size();
    chunk->keep_alive = std::move(read->keep_alive);
    return true;
  }
}

Status FileSource::Close() {
  reader_.reset();
  next_file_ = files_.size();
  return Status::Ok();
}

}  // namespace floe::stream
