#pragma once

// Fault injection for crash tests: FLOE_FAULT=POINT[:N] kills the process (SIGKILL, as a crash
// would: no destructors, no flushing) the Nth time (default 1st) execution reaches the named
// point. Points: after-data-file, after-manifest, after-index-write (an upsert sink wrote its key
// index, before the commit that names it), before-commit, after-commit-before-response,
// after-iceberg-before-kafka-commit, during-rebalance, after-state-write (operator state files
// written, nothing committed yet), before-kafka-transaction-commit (a transactional Kafka sink,
// e.g. a repartition writer, produced its rows and added the input offsets to its transaction,
// not yet committed). Without FLOE_FAULT a point costs one relaxed atomic load.

#include <string_view>

namespace floe {

/// Marks a point where a crash is interesting (see above).
void FaultPoint(std::string_view point);

}  // namespace floe
