#pragma once

// Random identifiers: UUIDs (v4) for tables, files and commits, and random positive ids for
// snapshots. Drawn from OpenSSL's CSPRNG so that processes started at the same instant differ.

#include <array>
#include <cstdint>
#include <string>

namespace floe {

/// 16 random bytes with the version (4) and variant bits set.
std::array<uint8_t, 16> NewUuidBytes();
/// "8-4-4-4-12" lower-case hex form of NewUuidBytes().
std::string NewUuid();
/// The text form of 16 UUID bytes.
std::string UuidToString(const std::array<uint8_t, 16>& bytes);
/// A random positive 63-bit integer (never 0): snapshot ids.
int64_t NewPositiveId();

}  // namespace floe
