#include "io/file_io.h"

#include "io/local_file_io.h"
#include "io/s3_file_io.h"
#include "io/s3_options.h"

namespace floe::io {

Result<std::shared_ptr<FileIO>> MakeFileIO(const std::string& location,
                                           const std::map<std::string, std::string>& properties) {
  if (IsS3Location(location)) {
    // The location must name a bucket; endpoint and credentials come from the properties, then
    // from the environment.
    FLOE_RETURN_IF_ERROR(S3Location::Parse(location, /*allow_empty_key=*/true).status());
    FLOE_ASSIGN_OR_RAISE(S3Options options, S3Options::Resolve(properties));
    FLOE_ASSIGN_OR_RAISE(std::shared_ptr<S3FileIO> s3, S3FileIO::Make(std::move(options)));
    return std::shared_ptr<FileIO>(std::move(s3));
  }
  // The scheme check lives in one place: the path conversion the local FileIO uses anyway.
  FLOE_RETURN_IF_ERROR(LocalFileIO::ToPath(location));
  return std::shared_ptr<FileIO>(std::make_shared<LocalFileIO>());
}

}  // namespace floe::io
