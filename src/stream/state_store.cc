#include "stream/state_store.h"

#include <fmt/format.h>

#include "common/uuid.h"
#include "stream/job_files.h"

namespace floe::stream {

namespace {

constexpr std::string_view kStateSuffix = ".state";

bool ValidStateName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string StateStore::FolderFor(std::string_view table_location) {
  while (table_location.ends_with('/')) table_location.remove_suffix(1);
  return fmt::format("{}/metadata/floe-state", table_location);
}

Result<std::string> StateStore::Write(const std::string& job_id, const std::string& state_name,
                                      int64_t checkpoint_id, std::string_view bytes) const {
  if (!ValidStateName(state_name)) {
    return InvalidArgument("state name '{}': letters, digits, '.', '-' and '_' only", state_name);
  }
  const std::string location = fmt::format("{}/{}{}-{}-{}{}", folder_, JobFilePrefix(job_id),
                                           state_name, checkpoint_id, NewUuid(), kStateSuffix);
  FLOE_RETURN_IF_ERROR_CTX(io_->WriteFile(location, bytes, io::WriteMode::kCreateNew),
                           fmt::format("writing state '{}'", state_name));
  return location;
}

Result<std::string> StateStore::Read(const std::string& location) const {
  auto bytes = io_->ReadFile(location);
  if (!bytes.ok()) return bytes.status().WithContext(fmt::format("reading state {}", location));
  return bytes;
}

Status StateStore::DeleteOrphans(const std::string& file_prefix,
                                 const std::set<std::string>& referenced,
                                 int64_t modified_before_ms,
                                 iceberg::OrphanCleanup* cleanup) const {
  if (file_prefix.empty()) return InvalidArgument("deleting orphan state: no file-name prefix");
  FLOE_ASSIGN_OR_RAISE(std::vector<io::FileInfo> listed, io_->ListFiles(folder_ + "/"));
  for (const io::FileInfo& file : listed) {
    std::string_view name = file.location;
    name.remove_prefix(name.rfind('/') + 1);
    if (!name.starts_with(file_prefix) || !name.ends_with(kStateSuffix)) continue;
    if (referenced.contains(file.location)) {
      ++cleanup->referenced;
    } else if (file.modified_ms == 0 || file.modified_ms >= modified_before_ms) {
      ++cleanup->too_young;  // a live attempt may be about to commit it (or its age is unknown)
    } else {
      FLOE_RETURN_IF_ERROR_CTX(io_->DeleteFile(file.location), "deleting an orphan state file");
      ++cleanup->deleted;
    }
  }
  return Status::Ok();
}

}  // namespace floe::stream
