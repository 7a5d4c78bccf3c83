#pragma once

// FileIO on the local file system: absolute paths, file:///path and file:/path locations.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "io/file_io.h"

namespace floe::io {

/// Output streams collect this many bytes before they call write(2), so that the many small
/// writes of an encoder cost a memcpy each rather than a system call.
inline constexpr size_t kLocalWriteBufferBytes = size_t{1} << 20;

/// Reads and writes local files. A file is written to a hidden temporary file beside its target
/// (".<name>.<uuid>.tmp"), fsynced, and only then renamed into place (kOverwrite) or hard-linked
/// there (kCreateNew, which fails if the target exists), so readers never see a partial file and
/// a crash leaves at most a hidden temporary file. Parent directories are created as needed.
/// Thread safety: stateless; one instance may serve any number of threads.
class LocalFileIO final : public FileIO {
 public:
  /// The local path a location names: "file:///a/b", "file://localhost/a/b" and "file:/a/b" all
  /// name "/a/b"; a relative path is made absolute against the working directory. Any other
  /// scheme is NotSupported, naming it.
  static Result<std::string> ToPath(std::string_view location);

  /// Like NewOutputFile, with the write mode applied when the stream is closed.
  Result<std::unique_ptr<OutputStream>> NewOutputFile(const std::string& location, WriteMode mode);

  Result<std::unique_ptr<OutputStream>> NewOutputFile(const std::string& location) override;
  Result<std::unique_ptr<InputFile>> NewInputFile(const std::string& location) override;
  Status WriteFile(const std::string& location, std::string_view contents, WriteMode mode) override;
  Result<std::string> ReadFile(const std::string& location) override;
  Status DeleteFile(const std::string& location) override;
  Result<bool> Exists(const std::string& location) override;
  /// Regular files only, sorted by location. Each location is `prefix` (as given, file:// or
  /// not) joined with the path below it. A missing prefix lists nothing, as an object store would.
  Result<std::vector<FileInfo>> ListFiles(const std::string& prefix) override;
};

}  // namespace floe::io
