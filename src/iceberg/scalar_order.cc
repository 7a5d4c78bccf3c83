#include "iceberg/scalar_order.h"

#include <cmath>

namespace floe::iceberg {

bool ScalarLess(const Type& type, const Scalar& a, const Scalar& b) {
  if (type.id() == TypeId::kDecimal && std::holds_alternative<std::string>(a)) {
    // 16-byte two's complement: flipping the sign bit makes byte order numeric order.
    std::string x = std::get<std::string>(a);
    std::string y = std::get<std::string>(b);
    x[0] = static_cast<char>(static_cast<uint8_t>(x[0]) ^ 0x80);
    y[0] = static_cast<char>(static_cast<uint8_t>(y[0]) ^ 0x80);
    return x < y;
  }
  if (const auto* x = std::get_if<float>(&a)) {
    const float y = std::get<float>(b);
    // -0.0 sorts before +0.0, as the spec's bounds require.
    if (*x == y) return std::signbit(*x) && !std::signbit(y);
    return *x < y;
  }
  if (const auto* x = std::get_if<double>(&a)) {
    const double y = std::get<double>(b);
    if (*x == y) return std::signbit(*x) && !std::signbit(y);
    return *x < y;
  }
  return a < b;  // same alternative: bool, int32, int64 and bytes compare naturally
}

}  // namespace floe::iceberg
