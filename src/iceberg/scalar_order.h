#pragma once

// The order Iceberg gives the values of one primitive type: what bounds, partition summaries
// and scan pruning compare with.

#include "iceberg/transform.h"
#include "iceberg/type.h"

namespace floe::iceberg {

/// a < b for two non-null scalars of `type` (same alternative). Strings, binary, fixed and uuid
/// compare as unsigned bytes (UTF-8 order is code point order); -0.0 sorts before +0.0; wide
/// decimals compare numerically.
bool ScalarLess(const Type& type, const Scalar& a, const Scalar& b);

}  // namespace floe::iceberg
