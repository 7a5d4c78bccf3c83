// The window step against a reference written here, row by row and without any of the
// operator's structures: which windows a row belongs to, which rows are late, and each window's
// aggregates. Also: batch boundaries do not change the result, a snapshot restored mid-stream
// (with rows re-read from the start) gives the same result as an uninterrupted run, keys spread
// over several shards (WindowStep) give the same result and their state restores into another
// number of shards, and the memory an open (window, key) costs.

#include "stream/window/window_operator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "stream/window/window_step.h"

namespace floe::stream::window {
namespace {

constexpr int64_t kSecond = 1000 * 1000;
constexpr int64_t kMinute = 60 * kSecond;

struct Row {
  int64_t ts;
  std::optional<std::string> key;
  std::optional<int64_t> value;
};

std::shared_ptr<const iceberg::Schema> InputSchema() {
  using iceberg::Type;
  using iceberg::TypeId;
  return std::make_shared<const iceberg::Schema>(
      0,
      std::vector<iceberg::NestedField>{{1, "ts", false, Type::Primitive(TypeId::kTimestampTz), ""},
                                        {2, "key", false, Type::Primitive(TypeId::kString), ""},
                                        {3, "value", false, Type::Primitive(TypeId::kLong), ""},
                                        {4, "name", false, Type::Primitive(TypeId::kString), ""}});
}

RecordBatch MakeBatch(const std::vector<Row>& rows, size_t begin, size_t end,
                      const std::string& partition = "input") {
  RecordBatch batch;
  batch.schema = InputSchema();
  batch.columns.emplace_back(ColumnKind::kInt64);
  batch.columns.emplace_back(ColumnKind::kBytes);
  batch.columns.emplace_back(ColumnKind::kInt64);
  batch.columns.emplace_back(ColumnKind::kBytes);
  batch.position.partition = partition;
  for (size_t i = begin; i < end; ++i) {
    batch.columns[0].Append<int64_t>(rows[i].ts);
    if (rows[i].key) {
      batch.columns[1].AppendBytes(*rows[i].key);
      batch.columns[3].AppendBytes("n" + *rows[i].key);
    } else {
      batch.columns[1].AppendNull();
      batch.columns[3].AppendNull();
    }
    if (rows[i].value) {
      batch.columns[2].Append<int64_t>(*rows[i].value);
    } else {
      batch.columns[2].AppendNull();
    }
    batch.offsets.push_back(static_cast<int64_t>(i));
  }
  return batch;
}

WindowSpec Spec(WindowKind kind) {
  WindowSpec spec;
  spec.kind = kind;
  spec.group_by = {"key"};
  spec.aggregates = {{"n", AggregateFunction::kCountStar, ""},
                     {"n_value", AggregateFunction::kCount, "value"},
                     {"total", AggregateFunction::kSum, "value"},
                     {"low", AggregateFunction::kMin, "value"},
                     {"high", AggregateFunction::kMax, "value"},
                     {"mean", AggregateFunction::kAvg, "value"},
                     {"values", AggregateFunction::kCountDistinct, "value"},
                     {"first_name", AggregateFunction::kMin, "name"}};
  return spec;
}

/// One output row as text: "start end key | n n_value total low high mean values first_name".
using Output = std::multiset<std::string>;

std::string Cell(const ColumnVector& column, size_t row) {
  if (column.IsNull(row)) return "null";
  switch (column.kind()) {
    case ColumnKind::kInt64:
      return std::to_string(column.Value<int64_t>(row));
    case ColumnKind::kDouble: {
      char text[64];
      std::snprintf(text, sizeof(text), "%.6f", column.Value<double>(row));
      return text;
    }
    default:
      return std::string(column.GetBytes(row));
  }
}

void Collect(const RecordBatch& batch, Output* out) {
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    std::string line;
    for (const ColumnVector& column : batch.columns) line += Cell(column, row) + " ";
    out->insert(line);
  }
}

/// The reference: windows a row belongs to, by brute force over candidate starts.
std::vector<std::pair<int64_t, int64_t>> WindowsOf(const WindowSpec& spec, int64_t t) {
  std::vector<std::pair<int64_t, int64_t>> out;
  const int64_t unit = spec.kind == WindowKind::kHop        ? spec.slide_micros
                       : spec.kind == WindowKind::kCumulate ? spec.step_micros
                                                            : spec.size_micros;
  const int64_t lowest = (t / unit - spec.size_micros / unit - 2) * unit;
  for (int64_t start = lowest; start <= t; start += unit) {
    if (spec.kind == WindowKind::kCumulate) {
      if (start % spec.size_micros != 0) continue;
      for (int64_t end = start + spec.step_micros; end <= start + spec.size_micros;
           end += spec.step_micros) {
        if (t >= start && t < end) out.emplace_back(start, end);
      }
    } else if (t >= start && t < start + spec.size_micros) {
      out.emplace_back(start, start + spec.size_micros);
    }
  }
  return out;
}

struct Accumulated {
  int64_t n = 0, n_value = 0, total = 0;
  std::optional<int64_t> low, high;
  std::set<int64_t> values;
  std::optional<std::string> first_name;
};

Output Reference(const WindowSpec& spec, const std::vector<Row>& rows, int64_t bound,
                 int64_t* late) {
  std::map<std::tuple<int64_t, int64_t, std::optional<std::string>>, Accumulated> groups;
  std::optional<int64_t> newest;
  *late = 0;
  for (const Row& row : rows) {
    bool taken = false;
    for (auto [start, end] : WindowsOf(spec, row.ts)) {
      if (newest && end + spec.allowed_lateness_micros <= *newest - bound) continue;
      taken = true;
      Accumulated& group = groups[{start, end, row.key}];
      ++group.n;
      if (row.key && (!group.first_name || "n" + *row.key < *group.first_name)) {
        group.first_name = "n" + *row.key;
      }
      if (!row.value) continue;
      ++group.n_value;
      group.total += *row.value;
      group.low = std::min(group.low.value_or(*row.value), *row.value);
      group.high = std::max(group.high.value_or(*row.value), *row.value);
      group.values.insert(*row.value);
    }
    if (!taken) ++*late;
    newest = std::max(newest.value_or(row.ts), row.ts);
  }
  Output out;
  auto text = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "null"; };
  for (const auto& [bounds, group] : groups) {
    const auto& [start, end, key] = bounds;
    char mean[64] = "null";
    if (group.n_value > 0) {
      std::snprintf(mean, sizeof(mean), "%.6f",
                    static_cast<double>(group.total) / static_cast<double>(group.n_value));
    }
    out.insert(std::to_string(start) + " " + std::to_string(end) + " " + key.value_or("null") +
               " " + std::to_string(group.n) + " " + std::to_string(group.n_value) + " " +
               (group.n_value ? std::to_string(group.total) : "null") + " " + text(group.low) +
               " " + text(group.high) + " " + mean + " " + std::to_string(group.values.size()) +
               " " + group.first_name.value_or("null") + " ");
  }
  return out;
}

/// Rows mostly in order, some up to 90 s back (within a 30 s bound or not), keys and values
/// sometimes null.
std::vector<Row> RandomRows(std::mt19937_64& random, size_t count, int keys) {
  std::vector<Row> rows;
  int64_t now = 1757581200LL * kSecond;  // 2025-09-11T09:00:00Z
  std::uniform_int_distribution<int64_t> step(0, 3 * kSecond);
  std::uniform_int_distribution<int64_t> back(0, 90 * kSecond);
  std::uniform_int_distribution<int> percent(0, 99);
  std::uniform_int_distribution<int> key(0, keys - 1);
  std::uniform_int_distribution<int64_t> value(-50, 1000);
  for (size_t i = 0; i < count; ++i) {
    now += step(random);
    Row row{percent(random) < 20 ? now - back(random) : now, std::nullopt, std::nullopt};
    if (percent(random) >= 5) {
      // Built in place: "k" + to_string trips GCC 12's -Wrestrict false positive at -O3.
      row.key = std::to_string(key(random));
      row.key->insert(0, 1, 'k');
    }
    if (percent(random) >= 10) row.value = value(random);
    rows.push_back(row);
  }
  return rows;
}

struct Run {
  Output output;
  int64_t late = 0;
};

/// Feeds `rows` in batches cut at random to a WindowStep of `shards` shards, firing after each;
/// `crash_after` (a batch number) snapshots there, throws away what follows it, restores into a
/// new step of `restore_shards` shards and re-reads every row from the start. The output rows'
/// lineage offsets must count up from 0 without a gap or a repeat, across the shards.
Run Feed(const std::shared_ptr<const WindowOperator>& op, const std::vector<Row>& rows,
         std::mt19937_64& random, std::optional<size_t> crash_after = std::nullopt,
         size_t shards = 1, size_t restore_shards = 1) {
  Run run;
  auto step = std::make_unique<WindowStep>(op, "w", shards);
  std::vector<DroppedRow> dropped;
  std::uniform_int_distribution<size_t> length(1, 300);
  std::string snapshot;
  Output committed;
  int64_t committed_late = 0;
  int64_t next_offset = 0, committed_offset = 0;
  size_t batch_number = 0;
  bool crashed = false;
  const auto collect = [&](const RecordBatch& out) {
    for (int64_t offset : out.offsets) EXPECT_EQ(offset, next_offset++);
    Collect(out, &run.output);
  };
  for (size_t begin = 0; begin < rows.size();) {
    const size_t end = std::min(rows.size(), begin + length(random));
    RecordBatch batch = MakeBatch(rows, begin, end);
    dropped.clear();
    step->Accumulate(batch, Selection::All(batch.num_rows()), 0, &dropped);
    EXPECT_TRUE(
        std::is_sorted(dropped.begin(), dropped.end(),
                       [](const DroppedRow& a, const DroppedRow& b) { return a.row < b.row; }));
    for (const DroppedRow& row : dropped) run.late += row.reason == DropReason::kLate ? 1 : 0;
    RecordBatch out = op->NewOutput();
    step->Fire(0, &out);
    collect(out);
    begin = end;
    if (crash_after && !crashed && batch_number == *crash_after) {
      auto bytes = step->SnapshotState();
      EXPECT_TRUE(bytes.ok());
      snapshot = *bytes;
      committed = run.output;
      committed_late = run.late;
      committed_offset = next_offset;
    }
    if (crash_after && !crashed && batch_number == *crash_after + 3) {
      // The process dies: what was emitted after the snapshot was never committed.
      crashed = true;
      run.output = committed;
      run.late = committed_late;
      next_offset = committed_offset;
      step = std::make_unique<WindowStep>(op, "w", restore_shards);
      EXPECT_TRUE(step->RestoreState(snapshot).ok());
      begin = 0;  // the source resumes earlier than the state covers: those rows are skipped
    }
    ++batch_number;
  }
  RecordBatch out = op->NewOutput();
  step->FireAll(&out);
  collect(out);
  for (size_t shard = 0; shard < step->shard_count(); ++shard) {
    EXPECT_EQ(step->shard(shard).open_groups(), 0u);
  }
  return run;
}

void CheckAgainstReference(WindowSpec spec) {
  constexpr int64_t kBound = 30 * kSecond;
  auto made = WindowOperator::Make(InputSchema(), spec, EventTimeSpec{"ts", kBound, 0}, "w");
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  const auto op = std::make_shared<const WindowOperator>(std::move(made).value());
  std::mt19937_64 random(42);
  const std::vector<Row> rows = RandomRows(random, 5000, 7);
  int64_t late = 0;
  const Output expected = Reference(spec, rows, kBound, &late);
  ASSERT_GT(late, 0);
  ASSERT_GT(expected.size(), 100u);
  for (size_t shards : {1u, 1u, 1u, 3u, 4u}) {
    Run run = Feed(op, rows, random, std::nullopt, shards);
    EXPECT_EQ(run.late, late) << shards << " shards";
    EXPECT_TRUE(run.output == expected) << shards << " shards";
  }
  for (size_t crash_after : {0u, 2u, 7u, 11u}) {
    Run run = Feed(op, rows, random, crash_after);
    EXPECT_EQ(run.late, late) << "crash after batch " << crash_after;
    EXPECT_TRUE(run.output == expected) << "crash after batch " << crash_after;
  }
  // A state written by N shards restores into any number of them.
  for (auto [shards, restore_shards] : {std::pair<size_t, size_t>{3, 1}, {1, 3}, {4, 2}}) {
    Run run = Feed(op, rows, random, 5, shards, restore_shards);
    EXPECT_EQ(run.late, late) << shards << " shards restored into " << restore_shards;
    EXPECT_TRUE(run.output == expected) << shards << " shards restored into " << restore_shards;
  }
}

TEST(WindowOperatorTest, TumbleMatchesReference) {
  WindowSpec spec = Spec(WindowKind::kTumble);
  spec.size_micros = kMinute;
  CheckAgainstReference(spec);
}

TEST(WindowOperatorTest, TumbleWithAllowedLatenessMatchesReference) {
  WindowSpec spec = Spec(WindowKind::kTumble);
  spec.size_micros = kMinute;
  spec.allowed_lateness_micros = 5 * kSecond;
  CheckAgainstReference(spec);
}

TEST(WindowOperatorTest, HopMatchesReference) {
  WindowSpec spec = Spec(WindowKind::kHop);
  spec.size_micros = 30 * kSecond;
  spec.slide_micros = 10 * kSecond;
  CheckAgainstReference(spec);
}

TEST(WindowOperatorTest, CumulateMatchesReference) {
  WindowSpec spec = Spec(WindowKind::kCumulate);
  spec.size_micros = 2 * kMinute;
  spec.step_micros = 30 * kSecond;
  CheckAgainstReference(spec);
}

TEST(WindowOperatorTest, SessionsMergeAndFire) {
  WindowSpec spec = Spec(WindowKind::kSession);
  spec.gap_micros = 10 * kSecond;
  auto op = WindowOperator::Make(InputSchema(), spec, EventTimeSpec{"ts", 5 * kSecond, 0}, "w");
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  const int64_t t0 = 1000 * kSecond;
  // Key a: 0, 4, (14 touches 4 + 10: same session), then 30 alone. Key b: 2 and 20 apart.
  // Row 9 (a at 3 s) comes after the watermark reached 25 s: its window [3, 13) merges with
  // the open session [0, 24) (touching), so it is on time. The last row (b at 2 s, window
  // [2, 12)) comes when the watermark is 40 s and b's sessions ended by 30 s: late.
  std::vector<Row> rows = {{t0, "a", 1},
                           {t0 + 2 * kSecond, "b", 10},
                           {t0 + 4 * kSecond, "a", 2},
                           {t0 + 14 * kSecond, "a", std::nullopt},
                           {t0 + 20 * kSecond, "b", 20},
                           {t0 + 30 * kSecond, "a", 3},
                           {t0 + 45 * kSecond, "c", 5},
                           {t0 + 3 * kSecond, "b", 7},
                           {t0 + 2 * kSecond, "b", 8}};
  WindowState state;
  std::vector<DroppedRow> dropped;
  Output output;
  for (size_t i = 0; i < rows.size(); ++i) {
    RecordBatch batch = MakeBatch(rows, i, i + 1);
    op->Accumulate(batch, Selection::All(1), 0, &state, &dropped);
    RecordBatch out = op->NewOutput();
    op->Fire(0, &state, &out);
    Collect(out, &output);
  }
  ASSERT_EQ(dropped.size(), 2u);
  EXPECT_EQ(dropped[0].reason, DropReason::kLate);
  RecordBatch out = op->NewOutput();
  op->FireAll(&state, &out);
  Collect(out, &output);
  auto line = [&](int64_t start, int64_t end, const std::string& rest) {
    return std::to_string(t0 + start * kSecond) + " " + std::to_string(t0 + end * kSecond) + " " +
           rest;
  };
  const Output expected = {
      line(0, 24, "a 3 2 3 1 2 1.500000 2 na "),      line(2, 12, "b 1 1 10 10 10 10.000000 1 nb "),
      line(20, 30, "b 1 1 20 20 20 20.000000 1 nb "), line(30, 40, "a 1 1 3 3 3 3.000000 1 na "),
      line(45, 55, "c 1 1 5 5 5 5.000000 1 nc "),
  };
  EXPECT_EQ(output, expected);
}

TEST(WindowOperatorTest, WatermarkIsTheSlowestActivePartition) {
  WindowSpec spec = Spec(WindowKind::kTumble);
  spec.size_micros = kMinute;
  auto op = WindowOperator::Make(InputSchema(), spec, EventTimeSpec{"ts", 0, 1000}, "w");
  ASSERT_TRUE(op.ok());
  WindowState state;
  std::vector<DroppedRow> dropped;
  const std::vector<Row> fast = {{10 * kMinute, "a", 1}};
  const std::vector<Row> slow = {{2 * kMinute, "a", 1}};
  op->Assign({"p0", 0}, 0, &state);
  op->Assign({"p1", 0}, 0, &state);
  RecordBatch a = MakeBatch(fast, 0, 1, "p0");
  RecordBatch b = MakeBatch(slow, 0, 1, "p1");
  op->Accumulate(a, Selection::All(1), 0, &state, &dropped);
  op->Accumulate(b, Selection::All(1), 0, &state, &dropped);
  EXPECT_TRUE(dropped.empty());
  EXPECT_EQ(op->Watermark(state, 500), 2 * kMinute);
  RecordBatch out = op->NewOutput();
  EXPECT_EQ(op->Fire(500, &state, &out), 0u);
  // p1 goes quiet for the idle timeout: it stops holding the watermark back.
  EXPECT_EQ(op->Watermark(state, 1000), 10 * kMinute);
  EXPECT_EQ(op->Fire(1000, &state, &out), 1u);
  // A row of p1 for the fired window [2 min, 3 min) is now late.
  RecordBatch again = MakeBatch(slow, 0, 1, "p1");
  again.offsets[0] = 1;
  op->Accumulate(again, Selection::All(1), 1000, &state, &dropped);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].reason, DropReason::kLate);
}

TEST(WindowOperatorTest, MemoryPerOpenGroup) {
  WindowSpec spec;
  spec.kind = WindowKind::kTumble;
  spec.size_micros = kMinute;
  spec.group_by = {"key"};
  spec.aggregates = {{"n", AggregateFunction::kCountStar, ""},
                     {"total", AggregateFunction::kSum, "value"},
                     {"mean", AggregateFunction::kAvg, "value"},
                     {"low", AggregateFunction::kMin, "value"},
                     {"high", AggregateFunction::kMax, "value"}};
  auto op = WindowOperator::Make(InputSchema(), spec, EventTimeSpec{"ts", kMinute, 0}, "w");
  ASSERT_TRUE(op.ok());
  constexpr size_t kKeys = 100000;
  std::vector<Row> rows;
  for (size_t i = 0; i < kKeys; ++i) rows.push_back({kSecond, "user-" + std::to_string(i), 1});
  WindowState state;
  std::vector<DroppedRow> dropped;
  RecordBatch batch = MakeBatch(rows, 0, rows.size());
  op->Accumulate(batch, Selection::All(batch.num_rows()), 0, &state, &dropped);
  ASSERT_EQ(state.open_groups(), kKeys);
  const double per_group =
      static_cast<double>(state.MemoryBytes()) / static_cast<double>(state.open_groups());
  std::printf("bytes per open (window, key), 10-byte keys, 5 aggregates: %.1f\n", per_group);
  EXPECT_LT(per_group, 160.0);
}

TEST(WindowOperatorTest, RestoreRejectsAnotherDefinition) {
  WindowSpec spec = Spec(WindowKind::kTumble);
  spec.size_micros = kMinute;
  auto op = WindowOperator::Make(InputSchema(), spec, EventTimeSpec{"ts", 0, 0}, "w");
  spec.size_micros = 2 * kMinute;
  auto other = WindowOperator::Make(InputSchema(), spec, EventTimeSpec{"ts", 0, 0}, "w");
  ASSERT_TRUE(op.ok() && other.ok());
  WindowState state;
  const std::string bytes = op->Snapshot(state);
  EXPECT_EQ(other->Restore(bytes, 0, &state).kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(op->Restore(bytes.substr(0, bytes.size() - 1), 0, &state).kind(), ErrorKind::kCorrupt);
  EXPECT_TRUE(op->Restore(bytes, 0, &state).ok());
}

TEST(WindowOperatorTest, WrongDefinitionsFailToBind) {
  WindowSpec spec = Spec(WindowKind::kTumble);
  spec.size_micros = kMinute;
  spec.aggregates.push_back({"bad", AggregateFunction::kSum, "name"});
  auto op = WindowOperator::Make(InputSchema(), spec, EventTimeSpec{"ts", 0, 0}, "w");
  ASSERT_FALSE(op.ok());
  EXPECT_EQ(op.status().message(),
            "aggregate 'bad': sum of 'name' (string): sum takes int, long, float, double or "
            "decimal");
  spec = Spec(WindowKind::kCumulate);
  spec.size_micros = 25 * kMinute;
  spec.step_micros = 10 * kMinute;
  EXPECT_EQ(spec.Validate().message(),
            "a cumulate window's size (25m) must be a multiple of its step (10m)");
  spec = Spec(WindowKind::kSession);
  spec.gap_micros = kMinute;
  spec.size_micros = kMinute;
  EXPECT_EQ(spec.Validate().message(), "a session window takes no 'size'");
  spec = Spec(WindowKind::kTumble);
  spec.size_micros = kMinute;
  op = WindowOperator::Make(InputSchema(), spec, EventTimeSpec{"", 0, 0}, "w");
  EXPECT_FALSE(op.ok());
  op = WindowOperator::Make(InputSchema(), spec, EventTimeSpec{"key", 0, 0}, "w");
  EXPECT_FALSE(op.ok());
}

TEST(ParseAggregateTest, Forms) {
  auto count = ParseAggregate("n", " COUNT ( * ) ");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->function, AggregateFunction::kCountStar);
  auto distinct = ParseAggregate("d", "count(DISTINCT device_id)");
  ASSERT_TRUE(distinct.ok());
  EXPECT_EQ(distinct->function, AggregateFunction::kCountDistinct);
  EXPECT_EQ(distinct->column, "device_id");
  auto quoted = ParseAggregate("m", "max(\"Temp \"\"C\"\"\")");
  ASSERT_TRUE(quoted.ok());
  EXPECT_EQ(quoted->column, "Temp \"C\"");
  EXPECT_EQ(ParseAggregate("x", "median(t)").status().message(),
            "unknown aggregate 'median' at 1:1 (expected count, sum, avg, min, max)");
  EXPECT_EQ(ParseAggregate("x", "sum(distinct t)").status().message(),
            "DISTINCT is supported in count only, at 1:1");
  EXPECT_EQ(ParseAggregate("x", "sum(t").status().message(), "expected ')' at 1:6");
  EXPECT_EQ(ParseAggregate("x", "sum(t) + 1").status().message(),
            "unexpected text after the aggregate at 1:8");
}

}  // namespace
}  // namespace floe::stream::window
