#pragma once

// How values of an Iceberg type are held in memory: the one mapping from Iceberg types to
// physical representations. A decoder fills a ColumnVector of this kind, the data file writer
// reads it, and a Scalar (scalar.h) of the type holds its value in the matching alternative
// (kBool bool, kInt32 int32_t, kInt64 int64_t, kFloat float, kDouble double, kBytes and kFixed
// std::string). Partition values, bounds and expression results all go through it.

#include <cstdint>

#include "common/column_vector.h"
#include "common/result.h"
#include "iceberg/type.h"

namespace floe::iceberg {

/// The ColumnVector kind of a primitive type, with the bytes per value in `*fixed_width` for
/// kFixed (0 otherwise): boolean kBool; int, date kInt32; long, time, timestamps and
/// decimal(P<=18) kInt64; float kFloat; double kDouble; string, binary kBytes; uuid (16),
/// fixed(L) (L) and decimal(P>18) (16, two's-complement big-endian) kFixed. NotSupported for
/// nested types.
Result<ColumnKind> ColumnKindFor(const Type& type, int32_t* fixed_width);

}  // namespace floe::iceberg
