#pragma once

// Constants of the object container file layout shared by the writer and the reader.

#include <cstddef>
#include <string_view>

namespace floe::avro::internal {

inline constexpr std::string_view kMagic{"Obj\x01", 4};
inline constexpr size_t kSyncMarkerBytes = 16;
inline constexpr std::string_view kSchemaKey = "avro.schema";
inline constexpr std::string_view kCodecKey = "avro.codec";
inline constexpr std::string_view kReservedKeyPrefix = "avro.";

}  // namespace floe::avro::internal
