#include "stream/jsonl_sink.h"

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
  OffsetMap offsets;
  for (const auto& [partition, offset] : state[kStateOffsets].items()) {
    if (!offset.is_number_integer()) {
      return Corrupt("{}: offset of '{}' is not an integer", state_path, partition);
    }
    offsets[partition] = offset.get<int64_t>();
  }
  return std::optional(std::make_pair(state[kStateLength].get<int64_t>(), std::move(offsets)));
}

}  // namespace

JsonlSink::JsonlSink(JsonlSinkOptions options, json::RowEncoder encoder, int fd,
                     int64_t committed_bytes, OffsetMap offsets)
    : options_(std::move(options)),
      encoder_(std::move(encoder)),
      fd_(fd),
      committed_bytes_(committed_bytes),
      offsets_(std::move(offsets)) {}

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
    // No state: a new output, or one written by something else; what is there stays.
    sink->committed_bytes_ = size;
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
  sink->offsets_ = std::move(offsets);
  return sink;
}

Status JsonlSink::Write(const RecordBatch& batch, Selection selection) {
  std::vector<const ColumnVector*> columns;
  columns.reserve(batch.columns.size());
  for (const ColumnVector& column : batch.columns) columns.push_back(&column);
  return encoder_.EncodeLines(columns, selection, &pending_)
      .WithContext(fmt::format("sink '{}'", options_.name));
}

Status JsonlSink::WriteState() const {
  nlohmann::json state;
  state[kStateLength] = committed_bytes_;
  state[kStateOffsets] = nlohmann::json::object();
  for (const auto& [partition, offset] : offsets_) state[kStateOffsets][partition] = offset;
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
  OffsetMap merged = offsets_;
  for (const auto& [partition, offset] : checkpoint.offsets) merged[partition] = offset;
  if (pending_.empty() && merged == offsets_) return Status::Ok();
  FLOE_RETURN_IF_ERROR_CTX(WriteAllBytes(fd_, pending_, options_.path), where);
  if (::fsync(fd_) != 0) return IoError("{}: fsync: {}", where, std::strerror(errno));
  const int64_t previous_bytes = committed_bytes_;
  OffsetMap previous_offsets = std::move(offsets_);
  committed_bytes_ += static_cast<int64_t>(pending_.size());
  offsets_ = std::move(merged);
  Status status = WriteState();
  if (!status.ok()) {
    // Not committed: take the rows back out so that the file and the state agree again.
    committed_bytes_ = previous_bytes;
    offsets_ = std::move(previous_offsets);
    if (::ftruncate(fd_, previous_bytes) != 0 || ::lseek(fd_, previous_bytes, SEEK_SET) < 0) {
      return IoError("{}: commit failed ({}) and the rows could not be taken back: {}", where,
                     status.message(), std::strerror(errno));
    }
    return status.WithContext(where);
  }
  pending_.clear();
  return Status::Ok();
}

Status JsonlSink::Close() {
  pending_.clear();
  return Status::Ok();
}

}  // namespace floe::stream
