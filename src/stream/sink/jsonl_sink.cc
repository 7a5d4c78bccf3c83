#include "stream/sink/jsonl_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/uuid.h"
#include "stream/json_fields.h"
#include "stream/offsets_json.h"

namespace floe::stream {

namespace {

constexpr const char* kStateLength = "length";
constexpr const char* kStateOffsets = "offsets";

Status WriteAllBytes(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return IoError("writing {}: {}", path, std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return Status::Ok();
}

/// Reads the state file: committed length and offsets; none yet → nullopt.
Result<std::optional<std::pair<int64_t, OffsetMap>>> ReadState(const std::string& state_path) {
  std::ifstream in(state_path, std::ios::binary);
  if (!in) return std::optional<std::pair<int64_t, OffsetMap>>();
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json state = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (state.is_discarded() || !state.is_object() || !state.contains(kStateLength) ||
      !state[kStateLength].is_number_integer() || !state.contains(kStateOffsets) ||
      !state[kStateOffsets].is_object()) {
    return Corrupt("{}: not a JSON-lines sink state ({{\"length\": N, \"offsets\": {{...}}}})",
                   state_path);
  }
  auto offsets = OffsetsFromJsonValue(state[kStateOffsets]);
  if (!offsets.ok()) return offsets.status().WithContext(state_path);
  return std::optional(
      std::make_pair(state[kStateLength].get<int64_t>(), std::move(offsets).value()));
}

}  // namespace

JsonlSink::JsonlSink(JsonlSinkOptions options, json::RowEncoder encoder, int fd,
                     int64_t committed_bytes, OffsetMap offsets)
    : options_(std::move(options)),
      encoder_(std::move(encoder)),
      fd_(fd),
      committed_bytes_(committed_bytes),
      offsets_(std::move(offsets)),
      file_bytes_(committed_bytes) {}

JsonlSink::~JsonlSink() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<JsonlSink>> JsonlSink::Open(const iceberg::Schema& input_schema,
                                                   JsonlSinkOptions options) {
  const std::string where = fmt::format("sink '{}' ({})", options.name, options.path);
  auto fields = JsonFieldsFor(input_schema);
  if (!fields.ok()) return fields.status().WithContext(where);
  FLOE_ASSIGN_OR_RAISE(json::RowEncoder encoder, json::RowEncoder::Make(std::move(*fields)));

  std::filesystem::path path(options.path);
  std::error_code error;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), error);
  if (error)
    return IoError("{}: cannot create {}: {}", where, path.parent_path().string(), error.message());
  int fd = ::open(options.path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("{}: cannot open: {}", where, std::strerror(errno));
  auto sink = std::unique_ptr<JsonlSink>(
      new JsonlSink(std::move(options), std::move(encoder), fd, 0, OffsetMap{}));

  const off_t size = ::lseek(fd, 0, SEEK_END);
  if (size < 0) return IoError("{}: {}", where, std::strerror(errno));
  auto state = ReadState(StatePath(sink->options_.path));
  if (!state.ok()) return state.status().WithContext(where);
  if (!state->has_value()) {
    // No state: a new output, or one written by something else; what is there stays. Record
    // that before writing anything, so that a crash before the first commit leaves a state
    // that cuts this run's rows off again (without it they would pass for older content).
    sink->committed_bytes_ = size;
    sink->file_bytes_ = size;
    FLOE_RETURN_IF_ERROR_CTX(sink->WriteState(), where);
    return sink;
  }
  auto& [length, offsets] = **state;
  if (length > size) {
    return Corrupt("{}: the state says {} bytes were committed but the file has {}", where, length,
                   size);
  }
  if (length < size && ::ftruncate(fd, length) != 0) {  // drop a crashed run's uncommitted tail
    return IoError("{}: cannot cut the uncommitted tail: {}", where, std::strerror(errno));
  }
  if (::lseek(fd, length, SEEK_SET) < 0) return IoError("{}: {}", where, std::strerror(errno));
  sink->committed_bytes_ = length;
  sink->file_bytes_ = length;
  sink->offsets_ = std::move(offsets);
  return sink;
}

Status JsonlSink::Write(const RecordBatch& batch, Selection selection) {
  std::vector<const ColumnVector*> columns;
  columns.reserve(batch.columns.size());
  for (const ColumnVector& column : batch.columns) columns.push_back(&column);
  FLOE_RETURN_IF_ERROR_CTX(encoder_.EncodeLines(columns, selection, &pending_),
                           fmt::format("sink '{}'", options_.name));
  if (pending_.size() >= kFlushBytes) return FlushPending();
  return Status::Ok();
}

Status JsonlSink::WriteEncoded(std::string_view encoded) {
  pending_.append(encoded);
  if (pending_.size() >= kFlushBytes) return FlushPending();
  return Status::Ok();
}

Status JsonlSink::FlushPending() {
  FLOE_RETURN_IF_ERROR_CTX(WriteAllBytes(fd_, pending_, options_.path),
                           fmt::format("sink '{}'", options_.name));
  file_bytes_ += static_cast<int64_t>(pending_.size());
  pending_.clear();
  return Status::Ok();
}

Status JsonlSink::WriteState() const {
  nlohmann::json state;
  state[kStateLength] = committed_bytes_;
  state[kStateOffsets] = OffsetsToJsonValue(offsets_);
  const std::string path = StatePath(options_.path);
  const std::string temp = fmt::format("{}.{}.tmp", path, NewUuid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("cannot write {}: {}", temp, std::strerror(errno));
  Status status = WriteAllBytes(fd, state.dump(), temp);
  if (status.ok() && ::fsync(fd) != 0) status = IoError("fsync {}: {}", temp, std::strerror(errno));
  ::close(fd);
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    status = IoError("cannot replace {}: {}", path, std::strerror(errno));
  }
  if (!status.ok()) ::unlink(temp.c_str());
  return status;
}

Status JsonlSink::Commit(const CheckpointInfo& checkpoint) {
  const std::string where = fmt::format("sink '{}' ({})", options_.name, options_.path);
  OffsetMap merged = MergeOffsets(offsets_, checkpoint.offsets);
  FLOE_RETURN_IF_ERROR(FlushPending());
  if (file_bytes_ == committed_bytes_ && merged == offsets_) return Status::Ok();
  if (::fsync(fd_) != 0) return IoError("{}: fsync: {}", where, std::strerror(errno));
  const int64_t previous_bytes = committed_bytes_;
  OffsetMap previous_offsets = std::move(offsets_);
  committed_bytes_ = file_bytes_;
  offsets_ = std::move(merged);
  Status status = WriteState();
  if (!status.ok()) {
    // Not committed: the rows stay an uncommitted tail, cut off at Close or the next open.
    committed_bytes_ = previous_bytes;
    offsets_ = std::move(previous_offsets);
    return status.WithContext(where);
  }
  return Status::Ok();
}

Status JsonlSink::Close() {
  pending_.clear();
  if (file_bytes_ == committed_bytes_) return Status::Ok();
  // Rows written since the last commit are not part of the output: take them back.
  if (::ftruncate(fd_, committed_bytes_) != 0 || ::lseek(fd_, committed_bytes_, SEEK_SET) < 0) {
    return IoError("sink '{}' ({}): cannot cut the uncommitted tail: {}", options_.name,
                   options_.path, std::strerror(errno));
  }
  file_bytes_ = committed_bytes_;
  return Status::Ok();
}

}  // namespace floe::stream
