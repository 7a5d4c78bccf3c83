#pragma once

// The JSON form of source offsets, as snapshot summaries (floe.offsets.<group>) and sink state
// files store them: topic → partition → next offset, {"profanity_words": {"0": 1043, "1": 998}}.
// A file source is the topic named by its path, partition 0.

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "common/offsets.h"
#include "common/result.h"

namespace floe::stream {

std::string OffsetsToJson(const OffsetMap& offsets);
/// kCorrupt naming what is wrong: not an object, a partition that is not a number, an offset
/// that is not an integer.
Result<OffsetMap> OffsetsFromJson(const std::string& json);

/// The same as JSON values, for documents that hold offsets among other keys (sink state).
nlohmann::json OffsetsToJsonValue(const OffsetMap& offsets);
Result<OffsetMap> OffsetsFromJsonValue(const nlohmann::json& json);

/// `base` with every partition of `update` set to its offset (partitions move on; the others
/// keep theirs).
OffsetMap MergeOffsets(OffsetMap base, const OffsetMap& update);

}  // namespace floe::stream
