#include "io/local_file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <optional>
#include <system_error>
#include <utility>

#include "common/uuid.h"

namespace floe::io {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kFileScheme = "file";
/// The only host a file URL may name besides the empty one (RFC 8089).
constexpr std::string_view kLocalHost = "localhost";
/// New files get rw for everyone and the process umask takes away what it should, as with any
/// tool that creates files.
constexpr mode_t kNewFileMode = S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH;

std::string ErrnoText(int err) { return std::generic_category().message(err); }

/// An error from a system call on `path`: NotFound for ENOENT (callers such as the catalog tell
/// a missing file from a failing disk), IoError otherwise.
Status SysError(std::string_view action, std::string_view path, int err) {
  if (err == ENOENT) return NotFound("{} {}: {}", action, path, ErrnoText(err));
  return IoError("{} {}: {}", action, path, ErrnoText(err));
}

/// Owns a file descriptor.
class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() { Reset(); }

  int Get() const { return fd_; }
  /// Closes and returns close(2)'s result: on some file systems (NFS) a failing close is the
  /// only report of lost writes, so writers check it.
  int Close() {
    int fd = std::exchange(fd_, -1);
    return fd >= 0 ? ::close(fd) : 0;
  }

 private:
  // Readers and discarded writers have nothing to learn from close(2).
  void Reset() { static_cast<void>(Close()); }

  int fd_ = -1;
};

/// RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) followed by ':'. A path whose
/// first segment merely contains ':' after a '/' has no scheme.
std::optional<std::string_view> SchemeOf(std::string_view location) {
  size_t colon = location.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view scheme = location.substr(0, colon);
  auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!is_alpha(scheme.front())) return std::nullopt;
  for (char c : scheme) {
    bool allowed = is_alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    if (!allowed) return std::nullopt;
  }
  return scheme;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

Status WriteAll(int fd, const char* data, size_t size, std::string_view path) {
  while (size > 0) {
    ssize_t written = ::write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      return SysError("writing", path, errno);
    }
    data += written;
    size -= static_cast<size_t>(written);
  }
  return Status::Ok();
}

Status ReadAllAt(int fd, int64_t offset, size_t size, char* out, std::string_view path) {
  if (offset < 0) return InvalidArgument("reading {}: negative offset {}", path, offset);
  const int64_t start = offset;
  const size_t wanted = size;
  while (size > 0) {
    ssize_t got = ::pread(fd, out, size, static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      return SysError("reading", path, errno);
    }
    if (got == 0) {
      return IoError("reading {}: the file ends at {}, short of the {} bytes asked for at {}", path,
                     offset, wanted, start);
    }
    out += got;
    offset += got;
    size -= static_cast<size_t>(got);
  }
  return Status::Ok();
}

Result<int64_t> FileSize(int fd, std::string_view path) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return SysError("reading the size of", path, errno);
  if (!S_ISREG(info.st_mode)) return InvalidArgument("{} is not a regular file", path);
  return static_cast<int64_t>(info.st_size);
}

Result<FileDescriptor> OpenForReading(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return SysError("opening", path, errno);
  return FileDescriptor(fd);
}

/// A rename or link is durable only once the directory holding the new name is synced.
Status SyncDirectory(const fs::path& directory) {
  int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return SysError("opening directory", directory.native(), errno);
  FileDescriptor owned(fd);
  if (::fsync(owned.Get()) != 0) return SysError("syncing directory", directory.native(), errno);
  return Status::Ok();
}

/// Writes into a hidden temporary file and publishes it at the target on Close().
class LocalOutputStream final : public OutputStream {
 public:
  LocalOutputStream(std::string path, std::string temp_path, FileDescriptor fd, WriteMode mode)
      : path_(std::move(path)), temp_path_(std::move(temp_path)), fd_(std::move(fd)), mode_(mode) {}

  ~LocalOutputStream() override {
    // An unclosed stream is discarded. If even the unlink fails, what stays is a hidden
    // temporary file that no reader looks at; a destructor has no one to report that to.
    if (state_ == State::kOpen) static_cast<void>(Abort());
  }

  Status Write(const void* data, size_t size) override {
    if (state_ != State::kOpen) return InvalidArgument("writing {} after Close or Abort", path_);
    if (!write_error_.ok()) return write_error_;
    const char* bytes = static_cast<const char*>(data);
    if (buffer_.size() + size > kLocalWriteBufferBytes) {
      FLOE_RETURN_IF_ERROR(Remember(FlushBuffer()));
      // A write at least as large as the buffer gains nothing from a copy.
      if (size >= kLocalWriteBufferBytes) {
        FLOE_RETURN_IF_ERROR(Remember(WriteAll(fd_.Get(), bytes, size, temp_path_)));
        position_ += static_cast<int64_t>(size);
        return Status::Ok();
      }
    }
    buffer_.append(bytes, size);
    position_ += static_cast<int64_t>(size);
    return Status::Ok();
  }

  int64_t Position() const override { return position_; }

  Status Close() override {
    if (state_ == State::kClosed) return close_status_;
    if (state_ == State::kAborted) return InvalidArgument("closing {} after Abort", path_);
    state_ = State::kClosed;
    close_status_ = Publish();
    if (!close_status_.ok()) {
      // The failure is what the caller needs to hear; a leftover hidden file is secondary.
      static_cast<void>(RemoveTemp());
    }
    buffer_ = std::string();
    return close_status_;
  }

  Status Abort() override {
    // After a successful Close there is nothing to discard; after a failed one the temporary
    // file is gone already.
    if (state_ != State::kOpen) return Status::Ok();
    state_ = State::kAborted;
    buffer_ = std::string();
    // The bytes are being thrown away, so a failing close(2) changes nothing.
    static_cast<void>(fd_.Close());
    return RemoveTemp();
  }

 private:
  enum class State { kOpen, kClosed, kAborted };

  /// Keeps the first write error, so that Close() cannot publish a file with a hole in it.
  Status Remember(Status status) {
    if (!status.ok() && write_error_.ok()) write_error_ = status;
    return status;
  }

  Status FlushBuffer() {
    if (buffer_.empty()) return Status::Ok();
    Status status = WriteAll(fd_.Get(), buffer_.data(), buffer_.size(), temp_path_);
    buffer_.clear();
    return status;
  }

  Status Publish() {
    FLOE_RETURN_IF_ERROR(write_error_);
    FLOE_RETURN_IF_ERROR(FlushBuffer());
    // The data must be on disk before the name points at it, or a crash could leave a complete
    // name over incomplete contents.
    if (::fsync(fd_.Get()) != 0) return SysError("syncing", temp_path_, errno);
    if (fd_.Close() != 0) return SysError("closing", temp_path_, errno);
    if (mode_ == WriteMode::kOverwrite) {
      if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
        return SysError("renaming into place", path_, errno);
      }
      temp_exists_ = false;
    } else {
      // link(2) fails if the target exists, atomically, even against other processes.
      if (::link(temp_path_.c_str(), path_.c_str()) != 0) {
        int err = errno;
        if (err == EEXIST) return AlreadyExists("{} exists already", path_);
        return SysError("linking into place", path_, err);
      }
      // The file is published under its real name now; a temporary name that cannot be removed
      // is a hidden leftover, not a failed write.
      static_cast<void>(RemoveTemp());
    }
    return SyncDirectory(fs::path(path_).parent_path());
  }

  Status RemoveTemp() {
    if (!temp_exists_) return Status::Ok();
    temp_exists_ = false;
    if (::unlink(temp_path_.c_str()) != 0 && errno != ENOENT) {
      return SysError("removing temporary file", temp_path_, errno);
    }
    return Status::Ok();
  }

  std::string path_;
  std::string temp_path_;
  FileDescriptor fd_;
  WriteMode mode_;
  State state_ = State::kOpen;
  bool temp_exists_ = true;
  std::string buffer_;
  int64_t position_ = 0;
  Status write_error_;
  Status close_status_;
};

class LocalInputFile final : public InputFile {
 public:
  LocalInputFile(std::string path, FileDescriptor fd)
      : path_(std::move(path)), fd_(std::move(fd)) {}

  Result<int64_t> Size() override { return FileSize(fd_.Get(), path_); }

  Status ReadAt(int64_t offset, size_t size, void* out) override {
    return ReadAllAt(fd_.Get(), offset, size, static_cast<char*>(out), path_);
  }

 private:
  std::string path_;
  FileDescriptor fd_;
};

Result<std::unique_ptr<LocalOutputStream>> OpenOutputStream(const std::string& location,
                                                            WriteMode mode) {
  FLOE_ASSIGN_OR_RAISE(std::string path, LocalFileIO::ToPath(location));
  const fs::path target(path);
  if (!target.has_filename()) return InvalidArgument("{} names a directory, not a file", location);
  std::error_code error;
  fs::create_directories(target.parent_path(), error);
  if (error) {
    return IoError("creating directory {} for {}: {}", target.parent_path().native(), location,
                   error.message());
  }
  // Beside the target, so that the final rename or link stays within one file system.
  std::string temp_path =
      (target.parent_path() / ("." + target.filename().native() + "." + NewUuid() + ".tmp"))
          .native();
  int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kNewFileMode);
  if (fd < 0) return SysError("creating temporary file", temp_path, errno);
  return std::make_unique<LocalOutputStream>(std::move(path), std::move(temp_path),
                                             FileDescriptor(fd), mode);
}

}  // namespace

Result<std::string> LocalFileIO::ToPath(std::string_view location) {
  if (location.empty()) return InvalidArgument("empty file location");
  if (std::optional<std::string_view> scheme = SchemeOf(location)) {
    if (!EqualsIgnoreCase(*scheme, kFileScheme)) {
      return NotSupported(
          "location {}: scheme '{}' is not supported (local paths and file:// only)", location,
          *scheme);
    }
    std::string_view path = location.substr(scheme->size() + 1);
    if (path.starts_with("//")) {
      std::string_view authority = path.substr(2);
      size_t slash = authority.find('/');
      std::string_view host = authority.substr(0, slash);
      if (!host.empty() && !EqualsIgnoreCase(host, kLocalHost)) {
        return NotSupported("location {}: file URLs naming another host ('{}') are not supported",
                            location, host);
      }
      path = slash == std::string_view::npos ? std::string_view() : authority.substr(slash);
    }
    if (!path.starts_with('/')) {
      return InvalidArgument("location {}: a file URL needs an absolute path", location);
    }
    return std::string(path);
  }
  if (location.starts_with('/')) return std::string(location);
  std::error_code error;
  fs::path absolute = fs::absolute(fs::path(location), error);
  if (error) return IoError("making {} absolute: {}", location, error.message());
  return absolute.native();
}

Result<std::unique_ptr<OutputStream>> LocalFileIO::NewOutputFile(const std::string& location,
                                                                 WriteMode mode) {
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<LocalOutputStream> stream, OpenOutputStream(location, mode));
  return std::unique_ptr<OutputStream>(std::move(stream));
}

Result<std::unique_ptr<OutputStream>> LocalFileIO::NewOutputFile(const std::string& location) {
  return NewOutputFile(location, WriteMode::kOverwrite);
}

Result<std::unique_ptr<InputFile>> LocalFileIO::NewInputFile(const std::string& location) {
  FLOE_ASSIGN_OR_RAISE(std::string path, ToPath(location));
  FLOE_ASSIGN_OR_RAISE(FileDescriptor fd, OpenForReading(path));
  // Refuses directories now rather than at the first read.
  FLOE_RETURN_IF_ERROR(FileSize(fd.Get(), path));
  return std::unique_ptr<InputFile>(
      std::make_unique<LocalInputFile>(std::move(path), std::move(fd)));
}

Status LocalFileIO::WriteFile(const std::string& location, std::string_view contents,
                              WriteMode mode) {
  if (mode == WriteMode::kCreateNew) {
    // Only a shortcut for the common loser of a race: the link in Close() is what decides.
    FLOE_ASSIGN_OR_RAISE(bool exists, Exists(location));
    if (exists) return AlreadyExists("{} exists already", location);
  }
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<OutputStream> stream, NewOutputFile(location, mode));
  Status written = stream->Write(contents);
  if (!written.ok()) {
    // The write error is the one to report; Abort only tidies up.
    static_cast<void>(stream->Abort());
    return written;
  }
  return stream->Close();
}

Result<std::string> LocalFileIO::ReadFile(const std::string& location) {
  FLOE_ASSIGN_OR_RAISE(std::string path, ToPath(location));
  FLOE_ASSIGN_OR_RAISE(FileDescriptor fd, OpenForReading(path));
  FLOE_ASSIGN_OR_RAISE(int64_t size, FileSize(fd.Get(), path));
  std::string contents(static_cast<size_t>(size), '\0');
  FLOE_RETURN_IF_ERROR(ReadAllAt(fd.Get(), 0, contents.size(), contents.data(), path));
  return contents;
}

Status LocalFileIO::DeleteFile(const std::string& location) {
  FLOE_ASSIGN_OR_RAISE(std::string path, ToPath(location));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return SysError("deleting", path, errno);
  return Status::Ok();
}

Result<bool> LocalFileIO::Exists(const std::string& location) {
  FLOE_ASSIGN_OR_RAISE(std::string path, ToPath(location));
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0) return true;
  // ENOTDIR: a parent is a regular file, so nothing can exist below it.
  if (errno == ENOENT || errno == ENOTDIR) return false;
  return SysError("checking", path, errno);
}

Result<std::vector<FileInfo>> LocalFileIO::ListFiles(const std::string& prefix) {
  FLOE_ASSIGN_OR_RAISE(std::string path, ToPath(prefix));
  std::string_view base = prefix;
  // "/" and "file:///" shrink to "" and "file:", which joined with "/" name the same places.
  while (base.ends_with('/')) base.remove_suffix(1);

  std::vector<FileInfo> files;
  std::error_code error;
  fs::recursive_directory_iterator it(path, error);
  if (error == std::errc::no_such_file_or_directory) return files;
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    std::error_code entry_error;
    if (!it->is_regular_file(entry_error)) continue;
    struct stat status;
    if (::stat(it->path().c_str(), &status) != 0) {
      if (errno == ENOENT) continue;  // deleted while listing
      return SysError("listing", it->path().native(), errno);
    }
    std::string relative = it->path().lexically_relative(path).generic_string();
    const int64_t modified_ms =
        static_cast<int64_t>(status.st_mtim.tv_sec) * 1000 + status.st_mtim.tv_nsec / 1000000;
    files.push_back(FileInfo{fmt::format("{}/{}", base, relative),
                             static_cast<int64_t>(status.st_size), modified_ms});
  }
  if (error) return IoError("listing {}: {}", path, error.message());
  std::sort(files.begin(), files.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.location < b.location; });
  return files;
}

}  // namespace floe::io
