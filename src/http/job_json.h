#pragma once

// GET /api/job: the job's status as JSON (the model is stream::JobTelemetry; this is its wire
// form, read by the dashboard and by scripts). Snapshot ids are strings: they do not fit the
// 53 bits a JavaScript number holds exactly.

#include <nlohmann/json.hpp>

#include "stream/job_telemetry.h"

namespace floe::http {

/// {"job", "status", "health", "config", "counters", "dead_letters", "partitions",
///  "watermark", "checkpoints", "sinks", "commits", "process", "now_ms"}.
nlohmann::json JobStatusJson(const stream::JobTelemetry& telemetry);

}  // namespace floe::http
