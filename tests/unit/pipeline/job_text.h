// Helpers of the job-file tests: a job text with one piece replaced, and the message of a job
// text that must fail to load.

#ifndef FLOE_TESTS_UNIT_PIPELINE_JOB_TEXT_H_
#define FLOE_TESTS_UNIT_PIPELINE_JOB_TEXT_H_

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/job_loader.h"

namespace floe::pipeline::job_text {

/// `job` with the first `from` replaced by `to`; a test failure when `from` is not in it.
inline std::string Edited(std::string_view job, std::string_view from, std::string_view to) {
  std::string text(job);
  size_t pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

/// `text` loaded as "job.yaml".
inline Result<JobConfig> Load(std::string_view text, const std::vector<std::string>& overrides = {},
                              const Environment& environment = {}) {
  return LoadJobText(text, "job.yaml", overrides, environment);
}

/// The error message of loading `text`, which must fail as an invalid argument.
inline std::string LoadError(std::string_view text, const std::vector<std::string>& overrides = {},
                             const Environment& environment = {}) {
  auto job = Load(text, overrides, environment);
  EXPECT_FALSE(job.ok()) << "loaded without error:\n" << text;
  if (job.ok()) return "";
  EXPECT_EQ(job.status().kind(), ErrorKind::kInvalidArgument) << job.status().ToString();
  return job.status().message();
}

}  // namespace floe::pipeline::job_text

#endif  // FLOE_TESTS_UNIT_PIPELINE_JOB_TEXT_H_
