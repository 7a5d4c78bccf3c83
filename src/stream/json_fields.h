#pragma once

// The JSON decoder's and encoder's view of an Iceberg schema: one FieldSpec per top-level
// field, keyed by the field's name.

#include <vector>

#include "common/result.h"
#include "format/json/field_spec.h"
#include "iceberg/schema.h"

namespace floe::stream {

/// The decoder field of an Iceberg field (top-level primitives only; nested types are
/// NotSupported naming the field).
Result<json::FieldSpec> JsonFieldFor(const iceberg::NestedField& field);
/// JsonFieldFor of every top-level field, in order.
Result<std::vector<json::FieldSpec>> JsonFieldsFor(const iceberg::Schema& schema);

}  // namespace floe::stream
