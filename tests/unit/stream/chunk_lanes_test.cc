// ChunkLanes: chunks prepared on several threads reach the caller in the order they were
// submitted, whatever order the lanes finish in, each with its own rows, filter outcome and
// dead letters; the expected rows are computed here from the input, not by floe's decoder.

#include "stream/chunk_lanes.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace floe::stream {
namespace {

using iceberg::Type;
using iceberg::TypeId;

std::shared_ptr<const iceberg::Schema> Schema() {
  return std::make_shared<const iceberg::Schema>(
      0, std::vector<iceberg::NestedField>{
             {1, "body", false, Type::Primitive(TypeId::kString), ""},
             {2, "n", false, Type::Primitive(TypeId::kLong), ""},
         });
}

std::vector<ChunkPreparer> Preparers(size_t count) {
  TransformSpec filter;
  filter.type = TransformType::kFilter;
  filter.filter.where = {"lower(body) LIKE '%gun%'", "job.yaml:1:1"};
  auto chain = TransformChain::Make(Schema(), {filter});
  EXPECT_TRUE(chain.ok()) << chain.status().ToString();
  auto shared = std::make_shared<const TransformChain>(std::move(chain).value());
  std::vector<ChunkPreparer> preparers;
  for (size_t i = 0; i < count; ++i) {
    auto decoder = RecordDecoder::Make(Schema(), {MetadataColumn::kNone, MetadataColumn::kNone}, {},
                                       shared->FilterColumns(), std::nullopt);
    EXPECT_TRUE(decoder.ok()) << decoder.status().ToString();
    preparers.emplace_back(std::move(decoder).value(), shared, std::nullopt);
  }
  return preparers;
}

/// Line `line` (from 1) of the input: bad JSON every 17th, a match every 3rd, CRLF every 5th.
std::string Line(int64_t line) {
  if (line % 17 == 0) return "{\"body\": \"cut short";
  const std::string body = line % 3 == 0 ? "a GuN " + std::to_string(line) : "nothing";
  return "{\"body\":\"" + body + "\",\"n\":" + std::to_string(line) + "}" +
         (line % 5 == 0 ? "\r" : "");
}

TEST(ChunkLanesTest, DeliversInSubmissionOrderWithEachChunksOwnRows) {
  constexpr int64_t kLines = 20000;
  std::vector<int64_t> expected_rows;  // n of the matching good lines, in order
  std::vector<int64_t> expected_bad;   // line numbers of the bad ones
  for (int64_t line = 1; line <= kLines; ++line) {
    if (line % 17 == 0) {
      expected_bad.push_back(line);
    } else if (line % 3 == 0) {
      expected_rows.push_back(line);
    }
  }
  ChunkLanes lanes(Preparers(3), "in");
  EXPECT_EQ(lanes.lanes(), 3u);
  std::vector<int64_t> rows, bad, delivered_first_lines, submitted_first_lines;
  int64_t records = 0, filtered = 0;
  const auto deliver_oldest = [&] {
    ChunkLanes::Done done = lanes.Oldest();
    ASSERT_TRUE(done.status.ok()) << done.status.ToString();
    ASSERT_TRUE(done.prepared.status.ok());
    delivered_first_lines.push_back(done.chunk.first_line);
    const RecordBatch& batch = done.prepared.batch;
    EXPECT_EQ(batch.position.source, "in");
    for (size_t i = 0; i < done.prepared.selection.count; ++i) {
      const size_t row = done.prepared.selection.Row(i);
      rows.push_back(batch.columns[1].Value<int64_t>(row));
      EXPECT_EQ(batch.offsets[row], rows.back());  // the line number is the offset
    }
    for (const DeadLetterNote& note : done.prepared.notes) bad.push_back(note.offset);
    records += done.prepared.records;
    filtered += done.prepared.filtered;
    lanes.Release();
  };
  // Chunks of very different sizes (1 to 997 lines), so lanes finish out of order.
  int64_t line = 1;
  for (int64_t size = 1; line <= kLines; size = (size * 7 + 3) % 997 + 1) {
    auto text = std::make_shared<std::string>();
    const int64_t first = line;
    for (; line <= kLines && line < first + size; ++line) *text += Line(line) + "\n";
    SourceChunk* chunk = lanes.Free();
    while (chunk == nullptr) {
      deliver_oldest();
      chunk = lanes.Free();
    }
    chunk->partition = {"in.jsonl", 0};
    chunk->lines = *text;
    chunk->first_line = first;
    chunk->next_offset = line;
    chunk->bytes = text->size();
    chunk->keep_alive = text;
    submitted_first_lines.push_back(first);
    lanes.Submit();
  }
  while (lanes.pending() > 0) deliver_oldest();
  EXPECT_EQ(delivered_first_lines, submitted_first_lines);
  EXPECT_EQ(rows, expected_rows);
  EXPECT_EQ(bad, expected_bad);
  EXPECT_EQ(records, kLines);
  EXPECT_EQ(filtered, kLines - static_cast<int64_t>(expected_bad.size() + expected_rows.size()));
}

TEST(ChunkLanesTest, StopsWithChunksStillQueued) {
  // Chunks submitted and never asked for are dropped when the lanes go (no hang, no leak).
  auto text = std::make_shared<std::string>(Line(1) + "\n");
  ChunkLanes lanes(Preparers(2), "in");
  for (int i = 0; i < 4; ++i) {
    SourceChunk* chunk = lanes.Free();
    ASSERT_NE(chunk, nullptr);
    chunk->partition = {"in.jsonl", 0};
    chunk->lines = *text;
    chunk->first_line = 1;
    chunk->next_offset = 2;
    chunk->keep_alive = text;
    lanes.Submit();
  }
  EXPECT_EQ(lanes.Free(), nullptr);  // two slots per lane, all taken
  EXPECT_EQ(lanes.pending(), 4u);
}

}  // namespace
}  // namespace floe::stream
