#include "io/file_io.h"

#include "io/local_file_io.h"

namespace floe::io {

Result<std::shared_ptr<FileIO>> MakeFileIO(const std::string& location,
                                           const std::map<std::string, std::string>& properties) {
  // Properties configure remote stores (endpoints, credentials); local files need none.
  static_cast<void>(properties);
  // The scheme check lives in one place: the path conversion the local FileIO uses anyway.
  FLOE_RETURN_IF_ERROR(LocalFileIO::ToPath(location));
  return std::shared_ptr<FileIO>(std::make_shared<LocalFileIO>());
}

}  // namespace floe::io
