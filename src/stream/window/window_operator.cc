#include "stream/window/window_operator.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>

#include "iceberg/column_kind.h"
#include "stream/window/state_codec.h"
#include "stream/window/watermark_header.h"

namespace floe::stream::window {

namespace {

constexpr uint64_t kStateMagic = 0x314e4957454f4c46ULL;  // "FLOEWIN1", little-endian
constexpr uint32_t kStateVersion = 1;
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return b > 0 ? kMaxTime : kNoTime;
  return sum;
}

/// floor(a / b) for b > 0, also for negative a (event times before 1970).
int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t quotient = a / b;
  return (a % b != 0 && a < 0) ? quotient - 1 : quotient;
}

size_t HashKey(std::string_view key) { return std::hash<std::string_view>{}(key); }

std::string Fingerprint(const WindowSpec& spec) {
  std::string out = fmt::format("{}:{}:{}:{}:{}|", WindowKindName(spec.kind), spec.size_micros,
                                spec.slide_micros, spec.step_micros, spec.gap_micros);
  for (const std::string& name : spec.group_by) out += fmt::format("{},", name);
  out += "|";
  for (const AggregateSpec& aggregate : spec.aggregates) {
    out += fmt::format("{}={}:{},", aggregate.name, static_cast<int>(aggregate.function),
                       aggregate.column);
  }
  return out;
}

}  // namespace

Result<WindowOperator> WindowOperator::Make(std::shared_ptr<const iceberg::Schema> input,
                                            const WindowSpec& spec, const EventTimeSpec& event_time,
                                            std::string lineage_name) {
  FLOE_RETURN_IF_ERROR(spec.Validate());
  const iceberg::NestedField* time_field = input->FindFieldByName(event_time.column);
  if (event_time.column.empty()) {
    return InvalidArgument("a window needs the source's event_time (column and watermark)");
  }
  if (time_field == nullptr) {
    return InvalidArgument("the event time column '{}' is not in the window's input",
                           event_time.column);
  }
  const iceberg::TypeId time_type = time_field->type->id();
  if (time_type != iceberg::TypeId::kTimestamp && time_type != iceberg::TypeId::kTimestampTz) {
    return InvalidArgument(
        "the event time column '{}' is {}; windows take timestamp or timestamptz",
        event_time.column, time_field->type->ToString());
  }
  FLOE_ASSIGN_OR_RAISE(GroupKey key, GroupKey::Make(*input, spec.group_by));
  FLOE_ASSIGN_OR_RAISE(AggregateLayout layout, AggregateLayout::Make(*input, spec.aggregates));
  WindowOperator op(std::move(layout), std::move(key));
  op.event_column_ = static_cast<int>(time_field - input->fields().data());
  if (!event_time.repartition_topic.empty()) {
    const iceberg::NestedField* clock_field =
        input->FindFieldByName(event_time.source_clock_column);
    if (clock_field == nullptr || clock_field->type->id() != iceberg::TypeId::kString) {
      return InvalidArgument("the repartition topic's header column '{}' is not a string column",
                             event_time.source_clock_column);
    }
    op.source_clock_column_ = static_cast<int>(clock_field - input->fields().data());
  }

  std::vector<iceberg::NestedField> fields;
  const auto timestamptz = iceberg::Type::Primitive(iceberg::TypeId::kTimestampTz);
  fields.push_back(iceberg::NestedField{0, "window_start", true, timestamptz, ""});
  fields.push_back(iceberg::NestedField{0, "window_end", true, timestamptz, ""});
  for (const auto& field : op.key_.output_fields()) fields.push_back(field);
  for (const auto& field : op.layout_.output_fields()) fields.push_back(field);
  for (size_t i = 0; i < fields.size(); ++i) {
    fields[i].id = static_cast<int32_t>(i + 1);
    for (size_t j = 0; j < i; ++j) {
      if (fields[j].name == fields[i].name) {
        return InvalidArgument(
            "the output column '{}' is named twice (window_start, window_end, "
            "group_by and aggregate names must differ)",
            fields[i].name);
      }
    }
  }
  op.input_ = std::move(input);
  op.output_ = std::make_shared<const iceberg::Schema>(0, std::move(fields));
  op.spec_ = spec;
  op.event_time_ = event_time;
  op.lineage_name_ = std::move(lineage_name);
  op.fingerprint_ = Fingerprint(spec);
  return op;
}

bool WindowOperator::IsOpen(int64_t end, int64_t watermark) const {
  return watermark == kNoTime || SaturatingAdd(end, spec_.allowed_lateness_micros) > watermark;
}

int64_t WindowOperator::SourcePartitionsMark(const WindowState& state, int64_t now_ms) const {
  int64_t lowest_active = kMaxTime;
  int64_t highest = kNoTime;
  int heard = 0;
  int64_t assigned_ms = now_ms;  // when the repartition partition came to this step
  for (const auto& [partition, clock] : state.partitions) {
    if (partition.topic == event_time_.repartition_topic) {
      assigned_ms = std::min(assigned_ms, clock.last_seen_ms);
      continue;
    }
    ++heard;
    const bool idle = event_time_.idle_timeout_ms > 0 &&
                      now_ms - clock.last_seen_ms >= event_time_.idle_timeout_ms;
    if (clock.max_event_micros == kNoTime) continue;  // heard of, without an event time yet
    const int64_t mark =
        SaturatingAdd(clock.max_event_micros, -event_time_.max_out_of_orderness_micros);
    highest = std::max(highest, mark);
    if (!idle) lowest_active = std::min(lowest_active, mark);
  }
  // A source partition not heard of yet may hold rows older than everything seen: it holds the
  // watermark back until it speaks, or (idle_timeout) until it counts as idle.
  const bool waiting =
      heard < event_time_.source_partitions &&
      !(event_time_.idle_timeout_ms > 0 && now_ms - assigned_ms >= event_time_.idle_timeout_ms);
  if (waiting || heard == 0) return kNoTime;
  if (lowest_active != kMaxTime) return lowest_active;
  return highest == kNoTime ? kMaxTime : highest;
}

int64_t WindowOperator::PartitionsMark(const WindowState& state, int64_t now_ms,
                                       const TopicPartition* exclude) const {
  if (source_clock_column_ >= 0) return SourcePartitionsMark(state, now_ms);
  int64_t lowest_active = kMaxTime;
  int64_t highest = kNoTime;
  for (const auto& [partition, clock] : state.partitions) {
    if (exclude != nullptr && partition == *exclude) continue;
    const bool idle = event_time_.idle_timeout_ms > 0 &&
                      now_ms - clock.last_seen_ms >= event_time_.idle_timeout_ms;
    if (clock.max_event_micros == kNoTime) {
      // Assigned but not read yet: it holds everything back until it has rows or is idle.
      if (!idle) lowest_active = kNoTime;
      continue;
    }
    const int64_t mark =
        SaturatingAdd(clock.max_event_micros, -event_time_.max_out_of_orderness_micros);
    highest = std::max(highest, mark);
    if (!idle) lowest_active = std::min(lowest_active, mark);
  }
  // The excluded partition is the one being read, so it is active itself: idle others do not
  // count. Over all partitions, when every one is idle the newest of them leads.
  if (lowest_active != kMaxTime || exclude != nullptr) return lowest_active;
  return highest == kNoTime ? kMaxTime : highest;
}

int64_t WindowOperator::Watermark(const WindowState& state, int64_t now_ms) const {
  const int64_t mark = PartitionsMark(state, now_ms, nullptr);
  return std::max(mark == kMaxTime ? kNoTime : mark, state.frontier);
}

void WindowOperator::Accumulate(const RecordBatch& batch, Selection rows, int64_t now_ms,
                                WindowState* state, std::vector<DroppedRow>* dropped,
                                const ShardRows* shard) const {
  if (source_clock_column_ >= 0) {
    AccumulateRepartitioned(batch, rows, now_ms, state, dropped, shard);
    return;
  }
  const TopicPartition partition{batch.position.partition, batch.position.partition_id};
  // The other partitions' watermark is fixed for this batch; this one's moves row by row.
  const int64_t others = PartitionsMark(*state, now_ms, &partition);
  PartitionClock& clock = state->partitions[partition];
  clock.last_seen_ms = now_ms;
  const int64_t skip_below = clock.next_offset;
  const ColumnVector& times = batch.columns[event_column_];
  std::string key;
  for (size_t i = 0; i < rows.count; ++i) {
    const size_t row = rows.Row(i);
    if (batch.offsets[row] < skip_below) continue;
    const bool owned = shard == nullptr || shard->shard_of[row] == shard->self;
    if (times.IsNull(row)) {
      if (owned)
        dropped->push_back(DroppedRow{static_cast<uint32_t>(row), DropReason::kNoEventTime});
      continue;
    }
    const int64_t event = times.Value<int64_t>(row);
    if (!owned) {
      clock.max_event_micros = std::max(clock.max_event_micros, event);
      continue;
    }
    // Before its first event a partition holds the watermark back.
    const int64_t own =
        clock.max_event_micros == kNoTime
            ? kNoTime
            : SaturatingAdd(clock.max_event_micros, -event_time_.max_out_of_orderness_micros);
    const int64_t lowest = std::min(own, others);
    const int64_t watermark = std::max(lowest == kMaxTime ? kNoTime : lowest, state->frontier);
    AddRow(batch, row, event, watermark, state, &key, dropped);
    clock.max_event_micros = std::max(clock.max_event_micros, event);
  }
  if (batch.num_rows() > 0) {
    clock.next_offset = std::max(clock.next_offset, batch.offsets.back() + 1);
  }
}

void WindowOperator::AddRow(const RecordBatch& batch, size_t row, int64_t event, int64_t watermark,
                            WindowState* state, std::string* key,
                            std::vector<DroppedRow>* dropped) const {
  key_.Encode(batch.columns, row, key);
  const bool taken = spec_.kind == WindowKind::kSession
                         ? AddToSession(batch, row, event, watermark, *key, state)
                         : AddToWindows(batch, row, event, watermark, *key, HashKey(*key), state);
  if (!taken) {
    dropped->push_back(DroppedRow{static_cast<uint32_t>(row), DropReason::kLate});
    ++state->late_rows;
  }
}

void WindowOperator::AccumulateRepartitioned(const RecordBatch& batch, Selection rows,
                                             int64_t now_ms, WindowState* state,
                                             std::vector<DroppedRow>* dropped,
                                             const ShardRows* shard) const {
  // The partition read only tracks offsets; its last_seen_ms stays the time it was assigned.
  PartitionClock& read =
      state->partitions[TopicPartition{batch.position.partition, batch.position.partition_id}];
  const int64_t skip_below = read.next_offset;
  const ColumnVector& times = batch.columns[event_column_];
  const ColumnVector& headers = batch.columns[source_clock_column_];
  std::string key;
  for (size_t i = 0; i < rows.count; ++i) {
    const size_t row = rows.Row(i);
    if (batch.offsets[row] < skip_below) continue;
    std::optional<WatermarkHeader> header;
    if (!headers.IsNull(row)) header = WatermarkHeader::Parse(headers.GetBytes(row));
    if (header) {
      // Its own event time is in the header's maximum: it cannot make itself late.
      PartitionClock& clock = state->partitions[header->source];
      clock.last_seen_ms = now_ms;
      clock.max_event_micros = std::max(clock.max_event_micros, header->max_event_micros);
      if (header->watermark_only) continue;
    }
    if (shard != nullptr && shard->shard_of[row] != shard->self) continue;
    if (times.IsNull(row)) {
      dropped->push_back(DroppedRow{static_cast<uint32_t>(row), DropReason::kNoEventTime});
      continue;
    }
    const int64_t lowest = SourcePartitionsMark(*state, now_ms);
    const int64_t watermark = std::max(lowest == kMaxTime ? kNoTime : lowest, state->frontier);
    AddRow(batch, row, times.Value<int64_t>(row), watermark, state, &key, dropped);
  }
  if (batch.num_rows() > 0) {
    read.next_offset = std::max(read.next_offset, batch.offsets.back() + 1);
  }
}

uint32_t WindowOperator::ShardOfHash(size_t hash, uint32_t shards) {
  // The top 32 bits, scaled to [0, shards): independent of the bits a GroupTable probes with.
  const uint64_t high = static_cast<uint64_t>(hash) >> 32;
  return static_cast<uint32_t>((high * shards) >> 32);
}

void WindowOperator::Route(const RecordBatch& batch, Selection rows, size_t begin, size_t end,
                           uint32_t shards, uint32_t* shard_of) const {
  std::string key;
  for (size_t i = begin; i < end; ++i) {
    const size_t row = rows.Row(i);
    key_.Encode(batch.columns, row, &key);
    shard_of[row] = ShardOfHash(HashKey(key), shards);
  }
}

bool WindowOperator::AddToWindows(const RecordBatch& batch, size_t row, int64_t event_micros,
                                  int64_t watermark, const std::string& key, size_t hash,
                                  WindowState* state) const {
  bool taken = false;
  const auto add = [&](int64_t start, int64_t end) {
    if (!IsOpen(end, watermark)) return;
    taken = true;
    // Consecutive rows mostly fall in the window the previous row did: skip the map then.
    const std::pair<int64_t, int64_t> bounds{end, start};
    if (state->last_table == nullptr || state->last_bounds != bounds) {
      auto table = state->windows.find(bounds);
      if (table == state->windows.end()) {
        table = state->windows.emplace(bounds, GroupTable(layout_.row_bytes())).first;
      }
      state->last_bounds = bounds;
      state->last_table = &table->second;
    }
    bool added = false;
    uint8_t* group = state->last_table->FindOrAdd(key, hash, &added);
    if (added) layout_.Init(group);
    layout_.Update(group, batch.columns, row, &state->heap);
  };
  switch (spec_.kind) {
    case WindowKind::kTumble: {
      const int64_t start = FloorDiv(event_micros, spec_.size_micros) * spec_.size_micros;
      add(start, start + spec_.size_micros);
      break;
    }
    case WindowKind::kHop: {
      // Every window [s, s + size) with s a multiple of slide and s <= t < s + size.
      int64_t start = FloorDiv(event_micros, spec_.slide_micros) * spec_.slide_micros;
      for (; start > event_micros - spec_.size_micros; start -= spec_.slide_micros) {
        add(start, start + spec_.size_micros);
      }
      break;
    }
    case WindowKind::kCumulate: {
      // [base, base + k * step) for every k whose window still holds t.
      const int64_t base = FloorDiv(event_micros, spec_.size_micros) * spec_.size_micros;
      for (int64_t end =
               base + (FloorDiv(event_micros - base, spec_.step_micros) + 1) * spec_.step_micros;
           end <= base + spec_.size_micros; end += spec_.step_micros) {
        add(base, end);
      }
      break;
    }
    case WindowKind::kSession:
      break;
  }
  return taken;
}

bool WindowOperator::AddToSession(const RecordBatch& batch, size_t row, int64_t event_micros,
                                  int64_t watermark, const std::string& key,
                                  WindowState* state) const {
  const int64_t start = event_micros;
  const int64_t end = SaturatingAdd(event_micros, spec_.gap_micros);
  const size_t width = layout_.row_bytes();
  std::vector<SessionWindow>& sessions = state->sessions[key];
  // The open sessions this row overlaps or touches merge into one.
  std::optional<SessionWindow> merged;
  size_t kept = 0;
  for (const SessionWindow& session : sessions) {
    const bool touches = session.start <= end && start <= session.end;
    if (!touches || !IsOpen(session.end, watermark)) {
      sessions[kept++] = session;
    } else if (!merged) {
      merged = session;
    } else {
      merged->start = std::min(merged->start, session.start);
      merged->end = std::max(merged->end, session.end);
      layout_.Merge(state->session_rows.data() + merged->row * width,
                    state->session_rows.data() + session.row * width, &state->heap);
      state->free_session_rows.push_back(session.row);
    }
  }
  sessions.resize(kept);
  if (!merged) {
    if (!IsOpen(end, watermark)) {
      if (sessions.empty()) state->sessions.erase(key);
      return false;
    }
    uint32_t index = 0;
    if (!state->free_session_rows.empty()) {
      index = state->free_session_rows.back();
      state->free_session_rows.pop_back();
    } else {
      index = static_cast<uint32_t>(state->session_rows.size() / width);
      state->session_rows.resize(state->session_rows.size() + width);
    }
    layout_.Init(state->session_rows.data() + index * width);
    merged = SessionWindow{start, end, index};
  }
  merged->start = std::min(merged->start, start);
  merged->end = std::max(merged->end, end);
  state->session_min_end = std::min(state->session_min_end, merged->end);
  layout_.Update(state->session_rows.data() + merged->row * width, batch.columns, row,
                 &state->heap);
  sessions.push_back(*merged);
  return true;
}

void WindowOperator::Assign(const TopicPartition& partition, int64_t now_ms,
                            WindowState* state) const {
  state->partitions[partition].last_seen_ms = now_ms;
}

void WindowOperator::Forget(const TopicPartition& partition, WindowState* state) const {
  state->partitions.erase(partition);
}

RecordBatch WindowOperator::NewOutput() const {
  RecordBatch batch;
  batch.schema = output_;
  for (const auto& field : output_->fields()) {
    int32_t width = 0;
    // Output types are primitives the layout and key were bound with: ColumnKindFor takes them.
    auto kind = iceberg::ColumnKindFor(*field.type, &width);
    batch.columns.emplace_back(kind.ok() ? *kind : ColumnKind::kBytes, width);
  }
  batch.position.source = lineage_name_;
  batch.position.partition = lineage_name_;
  return batch;
}

void WindowOperator::EmitGroup(int64_t start, int64_t end, std::string_view key, const uint8_t* row,
                               const WindowState& state, RecordBatch* out) const {
  out->columns[0].Append<int64_t>(start);
  out->columns[1].Append<int64_t>(end);
  constexpr size_t kKeyColumn = 2;
  key_.Decode(key, &out->columns, kKeyColumn);
  layout_.Emit(row, state.heap, &out->columns, kKeyColumn + spec_.group_by.size());
  out->offsets.push_back(state.emitted_rows);
}

size_t WindowOperator::FireUpTo(int64_t watermark, WindowState* state, RecordBatch* out) const {
  size_t emitted = 0;
  while (!state->windows.empty()) {
    auto first = state->windows.begin();
    const auto [end, start] = first->first;
    if (IsOpen(end, watermark)) break;
    GroupTable& table = first->second;
    for (size_t group = 0; group < table.size(); ++group) {
      EmitGroup(start, end, table.key(group), table.row(group), *state, out);
      ++state->emitted_rows;
      ++emitted;
      layout_.Release(table.row(group), &state->heap);
    }
    if (state->last_table == &table) state->last_table = nullptr;
    state->windows.erase(first);
  }
  if (state->sessions.empty() || IsOpen(state->session_min_end, watermark)) return emitted;
  int64_t min_end = kMaxTime;
  for (auto entry = state->sessions.begin(); entry != state->sessions.end();) {
    std::vector<SessionWindow>& sessions = entry->second;
    std::sort(sessions.begin(), sessions.end(),
              [](const SessionWindow& a, const SessionWindow& b) { return a.start < b.start; });
    size_t kept = 0;
    for (SessionWindow& session : sessions) {
      uint8_t* row = state->session_rows.data() + session.row * layout_.row_bytes();
      if (IsOpen(session.end, watermark)) {
        min_end = std::min(min_end, session.end);
        sessions[kept++] = session;
        continue;
      }
      EmitGroup(session.start, session.end, entry->first, row, *state, out);
      ++state->emitted_rows;
      ++emitted;
      layout_.Release(row, &state->heap);
      state->free_session_rows.push_back(session.row);
    }
    sessions.resize(kept);
    entry = sessions.empty() ? state->sessions.erase(entry) : std::next(entry);
  }
  state->session_min_end = min_end;
  return emitted;
}

size_t WindowOperator::Fire(int64_t now_ms, WindowState* state, RecordBatch* out) const {
  const int64_t watermark = Watermark(*state, now_ms);
  if (watermark == kNoTime) return 0;
  state->frontier = std::max(state->frontier, watermark);
  return FireUpTo(state->frontier, state, out);
}

size_t WindowOperator::FireAll(WindowState* state, RecordBatch* out) const {
  // Everything fires; afterwards the frontier is where the last window closed, so a row for one
  // of them is late, never counted twice.
  int64_t last_end = state->frontier;
  for (const auto& [bounds, table] : state->windows) last_end = std::max(last_end, bounds.first);
  for (const auto& [key, sessions] : state->sessions) {
    for (const SessionWindow& session : sessions) last_end = std::max(last_end, session.end);
  }
  const size_t emitted = FireUpTo(kMaxTime, state, out);
  if (last_end != kNoTime) {
    state->frontier =
        std::max(state->frontier, SaturatingAdd(last_end, spec_.allowed_lateness_micros));
  }
  return emitted;
}

std::string WindowOperator::Snapshot(std::span<const WindowState> shards) const {
  const WindowState& first = shards.front();
  int64_t late_rows = 0;
  std::map<std::pair<int64_t, int64_t>, std::vector<std::pair<const GroupTable*, size_t>>>
      windows;  // bounds → (table, shard)
  size_t session_keys = 0;
  for (size_t s = 0; s < shards.size(); ++s) {
    late_rows += shards[s].late_rows;
    session_keys += shards[s].sessions.size();
    for (const auto& [bounds, table] : shards[s].windows) windows[bounds].emplace_back(&table, s);
  }
  std::string bytes;
  StateWriter out(&bytes);
  out.Put<uint64_t>(kStateMagic);
  out.Put<uint32_t>(kStateVersion);
  out.PutBytes(fingerprint_);
  out.Put<int64_t>(first.frontier);
  out.Put<int64_t>(first.emitted_rows);
  out.Put<int64_t>(late_rows);
  out.Put<uint32_t>(static_cast<uint32_t>(first.partitions.size()));
  for (const auto& [partition, clock] : first.partitions) {
    out.PutBytes(partition.topic);
    out.Put<int32_t>(partition.partition);
    out.Put<int64_t>(clock.max_event_micros);
    out.Put<int64_t>(clock.next_offset);
  }
  out.Put<uint32_t>(static_cast<uint32_t>(windows.size()));
  for (const auto& [bounds, tables] : windows) {
    out.Put<int64_t>(bounds.second);
    out.Put<int64_t>(bounds.first);
    size_t groups = 0;
    for (const auto& [table, s] : tables) groups += table->size();
    out.Put<uint32_t>(static_cast<uint32_t>(groups));
    for (const auto& [table, s] : tables) {
      for (size_t group = 0; group < table->size(); ++group) {
        out.PutBytes(table->key(group));
        layout_.Save(table->row(group), shards[s].heap, &out);
      }
    }
  }
  out.Put<uint32_t>(static_cast<uint32_t>(session_keys));
  for (const WindowState& state : shards) {
    for (const auto& [key, sessions] : state.sessions) {
      out.PutBytes(key);
      out.Put<uint32_t>(static_cast<uint32_t>(sessions.size()));
      for (const SessionWindow& session : sessions) {
        out.Put<int64_t>(session.start);
        out.Put<int64_t>(session.end);
        layout_.Save(state.session_rows.data() + session.row * layout_.row_bytes(), state.heap,
                     &out);
      }
    }
  }
  return bytes;
}

Status WindowOperator::Restore(std::string_view bytes, int64_t now_ms,
                               std::span<WindowState> shards) const {
  for (WindowState& state : shards) state.Clear();
  StateReader in(bytes);
  FLOE_RETURN_IF_ERROR(RestoreClocks(&in, now_ms, shards));
  FLOE_RETURN_IF_ERROR(RestoreGroups(&in, shards));
  if (!in.done()) return Corrupt("window state has bytes after its end");
  return Status::Ok();
}

Status WindowOperator::RestoreClocks(StateReader* in, int64_t now_ms,
                                     std::span<WindowState> shards) const {
  FLOE_ASSIGN_OR_RAISE(uint64_t magic, in->Get<uint64_t>());
  FLOE_ASSIGN_OR_RAISE(uint32_t version, in->Get<uint32_t>());
  if (magic != kStateMagic || version != kStateVersion) {
    return Corrupt("not a floe window state (version {})", version);
  }
  FLOE_ASSIGN_OR_RAISE(std::string_view fingerprint, in->GetBytes());
  if (fingerprint != fingerprint_) {
    return InvalidArgument(
        "the window state was written for another window definition ({}), this job has {}",
        fingerprint, fingerprint_);
  }
  FLOE_ASSIGN_OR_RAISE(int64_t frontier, in->Get<int64_t>());
  FLOE_ASSIGN_OR_RAISE(int64_t emitted_rows, in->Get<int64_t>());
  FLOE_ASSIGN_OR_RAISE(shards.front().late_rows, in->Get<int64_t>());
  std::map<TopicPartition, PartitionClock> partitions;
  FLOE_ASSIGN_OR_RAISE(uint32_t count, in->Get<uint32_t>());
  for (uint32_t i = 0; i < count; ++i) {
    TopicPartition partition;
    FLOE_ASSIGN_OR_RAISE(std::string_view topic, in->GetBytes());
    partition.topic = std::string(topic);
    FLOE_ASSIGN_OR_RAISE(partition.partition, in->Get<int32_t>());
    PartitionClock clock;
    FLOE_ASSIGN_OR_RAISE(clock.max_event_micros, in->Get<int64_t>());
    FLOE_ASSIGN_OR_RAISE(clock.next_offset, in->Get<int64_t>());
    clock.last_seen_ms = now_ms;
    partitions[partition] = clock;
  }
  for (WindowState& state : shards) {
    state.frontier = frontier;
    state.emitted_rows = emitted_rows;
    state.partitions = partitions;
  }
  return Status::Ok();
}

Status WindowOperator::RestoreGroups(StateReader* in, std::span<WindowState> shards) const {
  const uint32_t count = static_cast<uint32_t>(shards.size());
  const size_t width = layout_.row_bytes();
  FLOE_ASSIGN_OR_RAISE(uint32_t windows, in->Get<uint32_t>());
  for (uint32_t i = 0; i < windows; ++i) {
    FLOE_ASSIGN_OR_RAISE(int64_t start, in->Get<int64_t>());
    FLOE_ASSIGN_OR_RAISE(int64_t end, in->Get<int64_t>());
    FLOE_ASSIGN_OR_RAISE(uint32_t groups, in->Get<uint32_t>());
    for (uint32_t group = 0; group < groups; ++group) {
      FLOE_ASSIGN_OR_RAISE(std::string_view key, in->GetBytes());
      const size_t hash = HashKey(key);
      WindowState& state = shards[ShardOfHash(hash, count)];
      GroupTable& table =
          state.windows.try_emplace(std::make_pair(end, start), width).first->second;
      bool added = false;
      uint8_t* row = table.FindOrAdd(key, hash, &added);
      FLOE_RETURN_IF_ERROR(layout_.Load(in, row, &state.heap));
    }
  }
  FLOE_ASSIGN_OR_RAISE(uint32_t keys, in->Get<uint32_t>());
  for (uint32_t i = 0; i < keys; ++i) {
    FLOE_ASSIGN_OR_RAISE(std::string_view key, in->GetBytes());
    FLOE_ASSIGN_OR_RAISE(uint32_t sessions, in->Get<uint32_t>());
    WindowState& state = shards[ShardOfHash(HashKey(key), count)];
    std::vector<SessionWindow>& list = state.sessions[std::string(key)];
    for (uint32_t j = 0; j < sessions; ++j) {
      SessionWindow session;
      FLOE_ASSIGN_OR_RAISE(session.start, in->Get<int64_t>());
      FLOE_ASSIGN_OR_RAISE(session.end, in->Get<int64_t>());
      session.row = static_cast<uint32_t>(state.session_rows.size() / width);
      state.session_rows.resize(state.session_rows.size() + width);
      FLOE_RETURN_IF_ERROR(
          layout_.Load(in, state.session_rows.data() + session.row * width, &state.heap));
      state.session_min_end = std::min(state.session_min_end, session.end);
      list.push_back(session);
    }
  }
  return Status::Ok();
}

}  // namespace floe::stream::window
