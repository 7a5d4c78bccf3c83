#pragma once

// The footer payload of a Puffin file as JSON (the Puffin spec's "FileMetadata"):
// {"blobs": [{"type", "fields", "snapshot-id", "sequence-number", "offset", "length",
// "compression-codec"?, "properties"?}], "properties"?: {...}}.

#include <string>
#include <string_view>

#include "common/result.h"
#include "format/puffin/file_metadata.h"

namespace floe::puffin {

std::string FileMetadataToJson(const FileMetadata& metadata);

/// Parses a footer payload. Bad JSON or a missing/mistyped key is Corrupt naming the JSON path
/// ("blobs[1].offset: expected a number").
Result<FileMetadata> FileMetadataFromJson(std::string_view text);

}  // namespace floe::puffin
