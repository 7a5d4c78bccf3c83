#pragma once

// A sink's `columns:`: which columns of the job's rows a sink writes, in which order and under
// which names (a row column by its name, or an envelope column such as cdc_op carried in the row
// under a hidden name). Wraps the sink that writes them; everything else passes through.

#include <memory>
#include <string>
#include <vector>

#include "iceberg/schema.h"
#include "stream/sink/sink.h"

namespace floe::stream {

/// One output column: written as `name`, taken from the input column named `from`.
struct SelectedColumn {
  std::string name;
  std::string from;
};

/// The output schema of a selection over `input`: fields renumbered from 1 in the listed order,
/// each with its input field's type and requiredness. InvalidArgument naming an unknown `from`
/// or a duplicate name.
Result<iceberg::Schema> SelectColumns(const iceberg::Schema& input,
                                      const std::vector<SelectedColumn>& columns);

/// Thread safety and lifetime: those of the wrapped sink, which it owns.
class ColumnSelectingSink final : public Sink {
 public:
  /// `inner` was opened for SelectColumns(input, columns).
  static Result<std::unique_ptr<ColumnSelectingSink>> Make(
      std::unique_ptr<Sink> inner, const iceberg::Schema& input,
      const std::vector<SelectedColumn>& columns);

  const std::string& name() const override { return inner_->name(); }
  Status Write(const RecordBatch& batch, Selection selection) override;
  Status Commit(const CheckpointInfo& checkpoint) override { return inner_->Commit(checkpoint); }
  Result<OffsetMap> CommittedOffsets() override { return inner_->CommittedOffsets(); }
  bool RetriesFailedCommits() const override { return inner_->RetriesFailedCommits(); }
  Status Close() override { return inner_->Close(); }

  Sink& inner() { return *inner_; }

 private:
  ColumnSelectingSink(std::unique_ptr<Sink> inner, std::shared_ptr<const iceberg::Schema> output,
                      std::vector<int> sources);

  std::unique_ptr<Sink> inner_;
  std::shared_ptr<const iceberg::Schema> output_;
  std::vector<int> sources_;  // per output column: its input column
  RecordBatch selected_;      // reused
};

}  // namespace floe::stream
