#pragma once

// Small numeric helpers shared by decoders, expressions and generators.

#include <array>
#include <cassert>
#include <cstdint>

namespace floe {

/// The largest power of ten an int64_t holds: 10^18.
inline constexpr int32_t kMaxInt64PowerOfTen = 18;

/// 10^exponent for 0 <= exponent <= 18.
constexpr int64_t PowerOfTen(int32_t exponent) {
  constexpr auto kPowers = [] {
    std::array<int64_t, kMaxInt64PowerOfTen + 1> powers{};
    powers[0] = 1;
    for (size_t i = 1; i < powers.size(); ++i) powers[i] = powers[i - 1] * 10;
    return powers;
  }();
  assert(exponent >= 0 && exponent <= kMaxInt64PowerOfTen);
  return kPowers[static_cast<size_t>(exponent)];
}

}  // namespace floe
