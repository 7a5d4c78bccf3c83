#pragma once

// A real catalog whose answers can be lost on the way back: the failures a remote catalog has
// (a commit that landed but whose reply never came, a timeout before it landed, a reload that
// cannot reach the server). Everything else goes to the catalog it wraps, unchanged.

#include <deque>
#include <memory>
#include <mutex>

#include "iceberg/catalog/catalog.h"

namespace floe::iceberg::testing {

class LossyCatalog final : public Catalog {
 public:
  /// What the next CommitTable does; once the script is used up, commits pass.
  enum class Commit {
    kPass,            // commits and answers
    kLandThenLose,    // commits, then answers kCommitStateUnknown
    kLoseBeforeLand,  // answers kCommitStateUnknown without committing
    kRefuse,          // answers kIoError without committing (a known failure)
  };

  explicit LossyCatalog(std::shared_ptr<Catalog> inner) : inner_(std::move(inner)) {}

  void Script(std::deque<Commit> commits) {
    std::lock_guard lock(mutex_);
    commits_ = std::move(commits);
  }
  /// The next `count` LoadTable calls fail with kIoError.
  void FailLoads(int count) {
    std::lock_guard lock(mutex_);
    failing_loads_ = count;
  }
  /// After each lost answer (kLandThenLose, kLoseBeforeLand), the next `count` LoadTable calls
  /// fail too: the writer cannot find out at once what happened.
  void FailLoadsAfterLostAnswers(int count) {
    std::lock_guard lock(mutex_);
    loads_failing_after_lost_ = count;
  }
  int commits_seen() const {
    std::lock_guard lock(mutex_);
    return commits_seen_;
  }

  std::string name() const override { return inner_->name(); }
  std::shared_ptr<io::FileIO> file_io() const override { return inner_->file_io(); }
  Status CreateNamespace(const Namespace& ns,
                         const std::map<std::string, std::string>& properties) override {
    return inner_->CreateNamespace(ns, properties);
  }
  Result<std::vector<Namespace>> ListNamespaces() override { return inner_->ListNamespaces(); }
  Result<std::map<std::string, std::string>> LoadNamespaceProperties(const Namespace& ns) override {
    return inner_->LoadNamespaceProperties(ns);
  }
  Status UpdateNamespaceProperties(const Namespace& ns,
                                   const std::map<std::string, std::string>& updates,
                                   const std::vector<std::string>& removals) override {
    return inner_->UpdateNamespaceProperties(ns, updates, removals);
  }
  Status DropNamespace(const Namespace& ns) override { return inner_->DropNamespace(ns); }
  Result<LoadedTable> CreateTable(const TableIdentifier& id, const Schema& schema,
                                  const PartitionSpec& spec, std::string location,
                                  const std::map<std::string, std::string>& properties) override {
    return inner_->CreateTable(id, schema, spec, std::move(location), properties);
  }
  Result<LoadedTable> LoadTable(const TableIdentifier& id) override {
    {
      std::lock_guard lock(mutex_);
      if (failing_loads_ > 0) {
        --failing_loads_;
        return IoError("loading {}: connection reset (lossy catalog)", id.ToString());
      }
    }
    return inner_->LoadTable(id);
  }
  Result<std::vector<TableIdentifier>> ListTables(const Namespace& ns) override {
    return inner_->ListTables(ns);
  }
  Status DropTable(const TableIdentifier& id, bool purge) override {
    return inner_->DropTable(id, purge);
  }
  Status RenameTable(const TableIdentifier& from, const TableIdentifier& to) override {
    return inner_->RenameTable(from, to);
  }
  Result<LoadedTable> CommitTable(const LoadedTable& base, const TableMetadata& updated) override {
    Commit what = Commit::kPass;
    {
      std::lock_guard lock(mutex_);
      ++commits_seen_;
      if (!commits_.empty()) {
        what = commits_.front();
        commits_.pop_front();
      }
      if (what == Commit::kLandThenLose || what == Commit::kLoseBeforeLand) {
        failing_loads_ += loads_failing_after_lost_;
      }
    }
    switch (what) {
      case Commit::kPass:
        return inner_->CommitTable(base, updated);
      case Commit::kLandThenLose: {
        Result<LoadedTable> committed = inner_->CommitTable(base, updated);
        if (!committed.ok()) return committed;
        return CommitStateUnknown("committing {}: timed out waiting for the reply (lossy catalog)",
                                  base.identifier.ToString());
      }
      case Commit::kLoseBeforeLand:
        return CommitStateUnknown("committing {}: timed out (lossy catalog)",
                                  base.identifier.ToString());
      case Commit::kRefuse:
        return IoError("committing {}: service unavailable (lossy catalog)",
                       base.identifier.ToString());
    }
    return Internal("unreachable");
  }

 private:
  std::shared_ptr<Catalog> inner_;
  mutable std::mutex mutex_;
  std::deque<Commit> commits_;
  int failing_loads_ = 0;
  int loads_failing_after_lost_ = 0;
  int commits_seen_ = 0;
};

}  // namespace floe::iceberg::testing
