#pragma once

// Reads a whole Avro object container file held in memory (manifests and manifest lists are
// small): the header, the writer schema and every row.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "format/avro/schema.h"
#include "format/avro/value.h"

namespace floe::avro {

/// The contents of a container file.
struct ContainerFile {
  NodePtr schema;  // the writer schema, from "avro.schema"
  /// Every header key-value, including "avro.schema" and "avro.codec" when present.
  std::map<std::string, std::string> metadata;
  std::vector<Value> rows;
};

/// Decodes a container file with the null or deflate codec. Damaged input (bad magic, a
/// truncated block, a wrong sync marker, an unknown codec, a varint running off the end...) is
/// Corrupt, saying what and at which byte offset or block; the buffer is never read past.
Result<ContainerFile> ReadContainer(std::string_view bytes);

}  // namespace floe::avro
