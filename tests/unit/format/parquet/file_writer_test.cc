// FileWriter + FileReader: every type, codec, encoding path, statistics and error.

#include "format/parquet/file_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "format/parquet/file_reader.h"
#include "parquet_test_util.h"

namespace floe::parquet {
namespace {

using testing::Cells;
using testing::Column;
using testing::CountPages;
using testing::Numbers;
using testing::ReadAll;
using testing::Strings;
using testing::WriteToString;
using Kind = LogicalType::Kind;
using Unit = LogicalType::TimeUnit;

template <typename T>
std::string Plain(T v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof(v));
}

// A schema with one column of every physical type (and the logical types Iceberg uses), in the
// repetition given, plus the matching vectors.
struct AllTypes {
  Schema schema;
  std::vector<ColumnVector> vectors;
  std::vector<const ColumnVector*> batch() const {
    std::vector<const ColumnVector*> out;
    for (const auto& v : vectors) out.push_back(&v);
    return out;
  }
};

AllTypes MakeAllTypes(Repetition rep, size_t rows, bool nulls) {
  AllTypes t;
  auto& cols = t.schema.columns;
  cols.push_back(Column("b", PhysicalType::kBoolean, rep, LogicalType::None(), 0, 1));
  cols.push_back(Column("i32", PhysicalType::kInt32, rep, LogicalType::None(), 0, 2));
  cols.push_back(Column("i64", PhysicalType::kInt64, rep, LogicalType::None(), 0, 3));
  cols.push_back(Column("f", PhysicalType::kFloat, rep, LogicalType::None(), 0, 4));
  cols.push_back(Column("d", PhysicalType::kDouble, rep, LogicalType::None(), 0, 5));
  cols.push_back(Column("s", PhysicalType::kByteArray, rep, LogicalType::String(), 0, 6));
  cols.push_back(Column("bin", PhysicalType::kByteArray, rep, LogicalType::None(), 0, 7));
  cols.push_back(Column("u", PhysicalType::kFixedLenByteArray, rep, LogicalType::Uuid(), 16, 8));
  cols.push_back(
      Column("dec", PhysicalType::kFixedLenByteArray, rep, LogicalType::Decimal(20, 2), 9, 9));
  cols.push_back(Column("date", PhysicalType::kInt32, rep, LogicalType::Date(), 0, 10));
  cols.push_back(
      Column("ts", PhysicalType::kInt64, rep, LogicalType::Timestamp(Unit::kMicros, true), 0, 11));
  cols.push_back(Column("dec32", PhysicalType::kInt32, rep, LogicalType::Decimal(9, 3), 0, 12));
  t.vectors.emplace_back(ColumnKind::kBool);
  t.vectors.emplace_back(ColumnKind::kInt32);
  t.vectors.emplace_back(ColumnKind::kInt64);
  t.vectors.emplace_back(ColumnKind::kFloat);
  t.vectors.emplace_back(ColumnKind::kDouble);
  t.vectors.emplace_back(ColumnKind::kBytes);
  t.vectors.emplace_back(ColumnKind::kBytes);
  t.vectors.emplace_back(ColumnKind::kFixed, 16);
  t.vectors.emplace_back(ColumnKind::kFixed, 9);
  t.vectors.emplace_back(ColumnKind::kInt32);
  t.vectors.emplace_back(ColumnKind::kInt64);
  t.vectors.emplace_back(ColumnKind::kInt32);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < t.vectors.size(); ++c) {
      ColumnVector& v = t.vectors[c];
      if (nulls && (r * 7 + c) % 5 == 0) {
        v.AppendNull();
        continue;
      }
      int64_t x = static_cast<int64_t>(r % 97) - 40;
      switch (c) {
        case 0:
          v.Append<uint8_t>(r % 3 == 0);
          break;
        case 1:
        case 9:
        case 11:
          v.Append<int32_t>(static_cast<int32_t>(x * 1000));
          break;
        case 2:
        case 10:
          v.Append<int64_t>(x * 1'000'000'007LL);
          break;
        case 3:
          v.Append<float>(static_cast<float>(x) / 4);
          break;
        case 4:
          v.Append<double>(static_cast<double>(x) / 8);
          break;
        case 5:
          v.AppendBytes("str-" + std::to_string(r % 50));
          break;
        case 6:
          v.AppendBytes(std::string(r % 4, static_cast<char>(r % 256)));
          break;
        case 7: {
          std::string u(16, '\0');
          for (int i = 0; i < 16; ++i) u[i] = static_cast<char>(r * 31 + i);
          v.AppendBytes(u);
          break;
        }
        case 8: {
          std::string d(9, x < 0 ? '\xff' : '\0');
          d[8] = static_cast<char>(x);
          v.AppendBytes(d);
          break;
        }
      }
    }
  }
  return t;
}

void ExpectSameCells(const std::vector<std::vector<std::string>>& got, const AllTypes& t) {
  ASSERT_EQ(got.size(), t.vectors.size());
  for (size_t c = 0; c < t.vectors.size(); ++c) {
    EXPECT_EQ(got[c], Cells(t.vectors[c])) << "column " << t.schema.columns[c].name;
  }
}

class EveryCodec : public ::testing::TestWithParam<Codec> {};

TEST_P(EveryCodec, RoundTripsEveryTypeWithAndWithoutNulls) {
  for (Repetition rep : {Repetition::kOptional, Repetition::kRequired}) {
    bool nulls = rep == Repetition::kOptional;
    AllTypes t = MakeAllTypes(rep, 3000, nulls);
    WriterProperties props;
    props.codec = GetParam();
    props.data_page_size_bytes = 4096;  // several pages per chunk
    auto file = WriteToString(t.schema, props, {t.batch()});
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    ExpectSameCells(ReadAll(*file), t);
    auto reader = FileReader::OpenBuffer(*file);
    ASSERT_TRUE(reader.ok());
    for (const auto& g : (*reader)->metadata().row_groups) {
      for (const auto& c : g.columns) {
        EXPECT_EQ(static_cast<int>(c.meta_data->codec),
                  static_cast<int>(props.codec == Codec::kUncompressed ? 0
                                   : props.codec == Codec::kSnappy     ? 1
                                   : props.codec == Codec::kGzip       ? 2
                                                                       : 6));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, EveryCodec,
                         ::testing::Values(Codec::kUncompressed, Codec::kSnappy, Codec::kGzip,
                                           Codec::kZstd),
                         [](const auto& info) { return std::string(CodecName(info.param)); });

TEST(FileWriter, GzipPagesCarryTheGzipWrapper) {
  Schema schema{{Column("x", PhysicalType::kInt64)}};
  ColumnVector v = Numbers<int64_t>(ColumnKind::kInt64, {1, 2, 3});
  WriterProperties props;
  props.codec = Codec::kGzip;
  auto file = WriteToString(schema, props, {{&v}});
  ASSERT_TRUE(file.ok());
  auto reader = FileReader::OpenBuffer(*file);
  ASSERT_TRUE(reader.ok());
  const auto& meta = *(*reader)->metadata().row_groups[0].columns[0].meta_data;
  size_t consumed = 0;
  auto header =
      thrift::ParsePageHeader(std::string_view(*file).substr(meta.data_page_offset), &consumed);
  ASSERT_TRUE(header.ok());
  // gzip magic 1f 8b right after the page header
  EXPECT_EQ(static_cast<uint8_t>((*file)[meta.data_page_offset + consumed]), 0x1F);
  EXPECT_EQ(static_cast<uint8_t>((*file)[meta.data_page_offset + consumed + 1]), 0x8B);
}

TEST(FileWriter, SelectionWithIndicesWritesThoseRowsInOrder) {
  Schema schema{
      {Column("s", PhysicalType::kByteArray, Repetition::kOptional, LogicalType::String()),
       Column("n", PhysicalType::kInt32, Repetition::kRequired)}};
  ColumnVector s = Strings({"a", std::nullopt, "c", "d", "e"});
  ColumnVector n = Numbers<int32_t>(ColumnKind::kInt32, {0, 1, 2, 3, 4});
  auto stream = std::make_unique<io::StringOutputStream>();
  auto* raw = stream.get();
  auto writer = FileWriter::Make(std::move(stream), schema, WriterProperties{});
  ASSERT_TRUE(writer.ok());
  std::vector<uint32_t> rows = {4, 1, 1, 2};
  std::vector<const ColumnVector*> batch = {&s, &n};
  ASSERT_TRUE((*writer)->WriteBatch(batch, Selection{rows.data(), rows.size()}).ok());
  EXPECT_EQ((*writer)->num_rows(), 4);
  ASSERT_TRUE((*writer)->Close().ok());
  auto cells = ReadAll(raw->buffer());
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0], (std::vector<std::string>{"'e'", "null", "null", "'c'"}));
  EXPECT_EQ(cells[1], (std::vector<std::string>{"4", "1", "1", "2"}));
  const auto& summary = (*writer)->summary();
  EXPECT_EQ(summary.columns[0].null_count, 2);
  EXPECT_EQ(summary.columns[0].min_value, "c");
  EXPECT_EQ(summary.columns[0].max_value, "e");
  EXPECT_EQ(summary.columns[1].min_value, Plain<int32_t>(1));
  EXPECT_EQ(summary.columns[1].max_value, Plain<int32_t>(4));
}

TEST(FileWriter, DictionaryFallsBackToPlainForTheRestOfTheChunk) {
  Schema schema{
      {Column("s", PhysicalType::kByteArray, Repetition::kOptional, LogicalType::String())}};
  ColumnVector v(ColumnKind::kBytes);
  for (int i = 0; i < 5000; ++i) v.AppendBytes("unique-value-" + std::to_string(i));
  WriterProperties props;
  props.codec = Codec::kUncompressed;
  props.dictionary_page_size_limit_bytes = 4000;
  props.data_page_size_bytes = 8192;
  auto file = WriteToString(schema, props, {{&v}});
  ASSERT_TRUE(file.ok());
  auto reader = FileReader::OpenBuffer(*file);
  ASSERT_TRUE(reader.ok());
  const auto& meta = *(*reader)->metadata().row_groups[0].columns[0].meta_data;
  ASSERT_TRUE(meta.dictionary_page_offset.has_value());
  EXPECT_EQ(*meta.dictionary_page_offset, 4);
  EXPECT_EQ(meta.encodings,
            (std::vector<thrift::Encoding>{thrift::Encoding::kPlain, thrift::Encoding::kRle,
                                           thrift::Encoding::kRleDictionary}));
  auto pages = CountPages(*file, meta);
  EXPECT_EQ(pages.dictionary, 1);
  ASSERT_GE(pages.data_encodings.size(), 3u);
  EXPECT_EQ(pages.data_encodings.front(), thrift::Encoding::kRleDictionary);
  EXPECT_EQ(pages.data_encodings.back(), thrift::Encoding::kPlain);
  // Once PLAIN, the chunk stays PLAIN.
  bool seen_plain = false;
  for (auto e : pages.data_encodings) {
    if (e == thrift::Encoding::kPlain) seen_plain = true;
    if (seen_plain) {
      EXPECT_EQ(e, thrift::Encoding::kPlain);
    }
  }
  EXPECT_EQ(ReadAll(*file)[0], Cells(v));
}

TEST(FileWriter, LowCardinalityStaysDictionaryEncoded) {
  Schema schema{
      {Column("s", PhysicalType::kByteArray, Repetition::kOptional, LogicalType::String()),
       Column("d", PhysicalType::kDouble)}};
  ColumnVector s(ColumnKind::kBytes);
  ColumnVector d(ColumnKind::kDouble);
  for (int i = 0; i < 10000; ++i) {
    s.AppendBytes(i % 3 == 0 ? "u_initial" : "u_done");
    d.Append<double>(i % 4);
  }
  auto file = WriteToString(schema, WriterProperties{}, {{&s, &d}});
  ASSERT_TRUE(file.ok());
  auto reader = FileReader::OpenBuffer(*file);
  ASSERT_TRUE(reader.ok());
  for (const auto& chunk : (*reader)->metadata().row_groups[0].columns) {
    auto pages = CountPages(*file, *chunk.meta_data);
    EXPECT_EQ(pages.dictionary, 1);
    for (auto e : pages.data_encodings) EXPECT_EQ(e, thrift::Encoding::kRleDictionary);
  }
  auto cells = ReadAll(*file);
  EXPECT_EQ(cells[0], Cells(s));
  EXPECT_EQ(cells[1], Cells(d));
}

TEST(FileWriter, PagesEndAfter20000ValuesHoweverSmallTheyEncode) {
  // One distinct value encodes to almost no bytes: only the row-count limit ends its pages, so
  // the indices a page buffers stay bounded (parquet-java's 20,000-row default).
  Schema schema{{Column("k", PhysicalType::kInt64)}};
  ColumnVector k(ColumnKind::kInt64);
  for (int i = 0; i < 100000; ++i) k.Append<int64_t>(7);
  auto file = WriteToString(schema, WriterProperties{}, {{&k}});
  ASSERT_TRUE(file.ok());
  auto reader = FileReader::OpenBuffer(*file);
  ASSERT_TRUE(reader.ok());
  const auto& chunk = (*reader)->metadata().row_groups[0].columns[0];
  auto pages = CountPages(*file, *chunk.meta_data);
  EXPECT_EQ(pages.dictionary, 1);
  // Values arrive in slices of 512: a page ends at the first slice boundary past 20,000.
  EXPECT_EQ(pages.data_encodings.size(), 5u);
  EXPECT_EQ(ReadAll(*file)[0], Cells(k));
  WriterProperties bad;
  bad.data_page_row_count_limit = 0;
  EXPECT_FALSE(WriteToString(schema, bad, {{&k}}).ok());
}

TEST(FileWriter, UniqueValuesGiveUpTheDictionaryEarly) {
  // A dictionary of unique ids saves nothing: after a sample the chunk goes PLAIN, long before
  // the 1 MiB dictionary limit.
  Schema schema{
      {Column("id", PhysicalType::kByteArray, Repetition::kOptional, LogicalType::String()),
       Column("ts", PhysicalType::kInt64)}};
  ColumnVector id(ColumnKind::kBytes);
  ColumnVector ts(ColumnKind::kInt64);
  for (int i = 0; i < 100000; ++i) {
    id.AppendBytes(fmt::format("{:016d}", i * 7919LL));
    ts.Append<int64_t>(1757581271318522LL + i);
  }
  auto file = WriteToString(schema, WriterProperties{}, {{&id, &ts}});
  ASSERT_TRUE(file.ok());
  auto reader = FileReader::OpenBuffer(*file);
  ASSERT_TRUE(reader.ok());
  for (const auto& chunk : (*reader)->metadata().row_groups[0].columns) {
    auto pages = CountPages(*file, *chunk.meta_data);
    int dictionary_pages = 0;
    for (auto e : pages.data_encodings) dictionary_pages += e == thrift::Encoding::kRleDictionary;
    EXPECT_LE(dictionary_pages, 1);
    EXPECT_EQ(pages.data_encodings.back(), thrift::Encoding::kPlain);
  }
  auto cells = ReadAll(*file);
  EXPECT_EQ(cells[0], Cells(id));
  EXPECT_EQ(cells[1], Cells(ts));
}

TEST(FileWriter, ChunksLargerThanABufferBlockRoundTrip) {
  // Several MiB in one chunk: the page buffer spans many blocks.
  Schema schema{{Column("blob", PhysicalType::kByteArray)}};
  ColumnVector v(ColumnKind::kBytes);
  std::mt19937 rng(3);
  for (int i = 0; i < 3000; ++i) {
    std::string s(1000 + rng() % 3000, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    v.AppendBytes(s);
  }
  WriterProperties props;
  props.codec = Codec::kUncompressed;
  props.dictionary_enabled = false;
  auto file = WriteToString(schema, props, {{&v}});
  ASSERT_TRUE(file.ok());
  EXPECT_GT(file->size(), 3u << 20);
  EXPECT_EQ(ReadAll(*file)[0], Cells(v));
}

TEST(FileWriter, DictionaryDisabledWritesPlainOnly) {
  Schema schema{{Column("x", PhysicalType::kInt64)}};
  ColumnVector v = Numbers<int64_t>(ColumnKind::kInt64, {5, 5, 5, std::nullopt});
  WriterProperties props;
  props.dictionary_enabled = false;
  auto file = WriteToString(schema, props, {{&v}});
  ASSERT_TRUE(file.ok());
  auto reader = FileReader::OpenBuffer(*file);
  const auto& meta = *(*reader)->metadata().row_groups[0].columns[0].meta_data;
  EXPECT_FALSE(meta.dictionary_page_offset.has_value());
  EXPECT_EQ(meta.encodings,
            (std::vector<thrift::Encoding>{thrift::Encoding::kPlain, thrift::Encoding::kRle}));
  EXPECT_EQ(ReadAll(*file)[0], Cells(v));
}

TEST(FileWriter, PagesSplitAtThePageSize) {
  Schema schema{{Column("x", PhysicalType::kInt64, Repetition::kRequired)}};
  ColumnVector v(ColumnKind::kInt64);
  for (int64_t i = 0; i < 100000; ++i) v.Append<int64_t>(i * 7919);
  WriterProperties props;
  props.codec = Codec::kUncompressed;
  props.dictionary_enabled = false;
  props.data_page_size_bytes = 64 * 1024;
  auto file = WriteToString(schema, props, {{&v}});
  ASSERT_TRUE(file.ok());
  auto reader = FileReader::OpenBuffer(*file);
  const auto& meta = *(*reader)->metadata().row_groups[0].columns[0].meta_data;
  auto pages = CountPages(*file, meta);
  // 800000 bytes of values in 64 KiB pages, cut at 512-row steps: 12 or 13 pages.
  EXPECT_GE(pages.data_v1, 12);
  EXPECT_LE(pages.data_v1, 13);
  EXPECT_EQ(ReadAll(*file)[0], Cells(v));
}

TEST(FileWriter, RowGroupsSplitAtTheRowGroupSize) {
  Schema schema{{Column("x", PhysicalType::kInt64), Column("s", PhysicalType::kByteArray)}};
  ColumnVector x(ColumnKind::kInt64);
  ColumnVector s(ColumnKind::kBytes);
  for (int64_t i = 0; i < 50000; ++i) {
    x.Append<int64_t>(i);
    s.AppendBytes("row-" + std::to_string(i));
  }
  WriterProperties props;
  props.row_group_size_bytes = 100 * 1024;
  FileSummary summary;
  auto file = WriteToString(schema, props, {{&x, &s}}, &summary);
  ASSERT_TRUE(file.ok());
  auto reader = FileReader::OpenBuffer(*file);
  ASSERT_TRUE(reader.ok());
  int groups = (*reader)->num_row_groups();
  EXPECT_GT(groups, 3);
  ASSERT_EQ(summary.row_group_offsets.size(), static_cast<size_t>(groups));
  int64_t rows = 0;
  for (int g = 0; g < groups; ++g) {
    const auto& group = (*reader)->metadata().row_groups[g];
    rows += group.num_rows;
    EXPECT_EQ(summary.row_group_offsets[g], *group.file_offset);
    EXPECT_EQ(*group.file_offset, group.columns[0].file_offset);
    EXPECT_EQ(*group.ordinal, g);
    if (g > 0) {
      EXPECT_GT(summary.row_group_offsets[g], summary.row_group_offsets[g - 1]);
    }
  }
  EXPECT_EQ(summary.row_group_offsets[0], 4);
  EXPECT_EQ(rows, 50000);
  EXPECT_EQ(summary.num_rows, 50000);
  // Bounds merged over the row groups.
  EXPECT_EQ(summary.columns[0].min_value, Plain<int64_t>(0));
  EXPECT_EQ(summary.columns[0].max_value, Plain<int64_t>(49999));
  EXPECT_EQ(summary.columns[1].min_value, "row-0");
  EXPECT_EQ(summary.columns[1].max_value, "row-9999");
  auto cells = ReadAll(*file);
  EXPECT_EQ(cells[0], Cells(x));
  EXPECT_EQ(cells[1], Cells(s));
  int64_t compressed = 0;
  for (const auto& g : (*reader)->metadata().row_groups) {
    compressed += g.columns[1].meta_data->total_compressed_size;
  }
  EXPECT_EQ(summary.columns[1].total_compressed_size_bytes, compressed);
}

const thrift::Statistics& ChunkStats(const FileReader& reader, int column) {
  return *reader.metadata().row_groups[0].columns[column].meta_data->statistics;
}

TEST(FileWriterStatistics, SignedIntsAndDeprecatedFields) {
  Schema schema{{Column("i", PhysicalType::kInt32), Column("l", PhysicalType::kInt64)}};
  ColumnVector i = Numbers<int32_t>(ColumnKind::kInt32, {5, -7, std::nullopt, 3});
  ColumnVector l = Numbers<int64_t>(ColumnKind::kInt64, {INT64_MIN, 0, INT64_MAX, std::nullopt});
  FileSummary summary;
  auto file = WriteToString(schema, WriterProperties{}, {{&i, &l}}, &summary);
  ASSERT_TRUE(file.ok());
  auto reader = FileReader::OpenBuffer(*file);
  const auto& si = ChunkStats(**reader, 0);
  EXPECT_EQ(*si.min_value, Plain<int32_t>(-7));
  EXPECT_EQ(*si.max_value, Plain<int32_t>(5));
  EXPECT_EQ(*si.min, Plain<int32_t>(-7));  // signed order: the deprecated fields are right too
  EXPECT_EQ(*si.max, Plain<int32_t>(5));
  EXPECT_EQ(*si.null_count, 1);
  const auto& sl = ChunkStats(**reader, 1);
  EXPECT_EQ(*sl.min_value, Plain<int64_t>(INT64_MIN));
  EXPECT_EQ(*sl.max_value, Plain<int64_t>(INT64_MAX));
  EXPECT_EQ(summary.columns[0].null_count, 1);
  EXPECT_EQ(summary.columns[0].value_count, 4);
  EXPECT_TRUE(summary.columns[1].has_min_max);
}

TEST(FileWriterStatistics, FloatsSkipNaNAndSignZeros) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  Schema schema{{Column("a", PhysicalType::kFloat), Column("b", PhysicalType::kDouble),
                 Column("c", PhysicalType::kFloat), Column("d", PhysicalType::kDouble)}};
  ColumnVector a = Numbers<float>(ColumnKind::kFloat, {nan, 0.0f, 2.5f, nan});  // min is +0
  ColumnVector b = Numbers<double>(ColumnKind::kDouble, {-0.0, -3.0, std::nullopt, -0.0});
  ColumnVector c = Numbers<float>(ColumnKind::kFloat, {nan, nan, std::nullopt, nan});
  ColumnVector d = Numbers<double>(ColumnKind::kDouble, {0.0, -0.0, 0.0, 0.0});
  for (bool dictionary : {true, false}) {
    WriterProperties props;
    props.dictionary_enabled = dictionary;
    FileSummary summary;
    auto file = WriteToString(schema, props, {{&a, &b, &c, &d}}, &summary);
    ASSERT_TRUE(file.ok());
    auto reader = FileReader::OpenBuffer(*file);
    EXPECT_EQ(*ChunkStats(**reader, 0).min_value, Plain<float>(-0.0f));
    EXPECT_EQ(*ChunkStats(**reader, 0).max_value, Plain<float>(2.5f));
    EXPECT_EQ(*ChunkStats(**reader, 1).min_value, Plain<double>(-3.0));
    EXPECT_EQ(*ChunkStats(**reader, 1).max_value, Plain<double>(0.0));  // +0.0, not -0.0
    EXPECT_FALSE(ChunkStats(**reader, 2).min_value.has_value());        // only NaN: no bounds
    EXPECT_FALSE(ChunkStats(**reader, 2).max_value.has_value());
    EXPECT_EQ(*ChunkStats(**reader, 2).null_count, 1);
    EXPECT_FALSE(summary.columns[2].has_min_max);
    EXPECT_EQ(*ChunkStats(**reader, 3).min_value, Plain<double>(-0.0));
    EXPECT_EQ(*ChunkStats(**reader, 3).max_value, Plain<double>(0.0));
    // NaN and both zeros survive the round trip bit for bit.
    auto cells = ReadAll(*file);
    EXPECT_EQ(cells[0], Cells(a));
    EXPECT_EQ(cells[1], Cells(b));
    EXPECT_EQ(cells[2], Cells(c));
    EXPECT_EQ(cells[3], Cells(d));
  }
}

TEST(FileWriterStatistics, BytesUnsignedDecimalsSigned) {
  Schema schema{
      {Column("s", PhysicalType::kByteArray, Repetition::kOptional, LogicalType::String()),
       Column("u", PhysicalType::kFixedLenByteArray, Repetition::kOptional, LogicalType::None(), 2),
       Column("dec", PhysicalType::kFixedLenByteArray, Repetition::kOptional,
              LogicalType::Decimal(4, 1), 2),
       Column("b", PhysicalType::kBoolean)}};
  ColumnVector s = Strings({"b", "\xff", "a", "", std::nullopt});
  ColumnVector u = Strings({std::string("\x01\x00", 2), std::string("\xff\x00", 2),
                            std::string("\x80\x01", 2), std::nullopt, std::nullopt},
                           ColumnKind::kFixed, 2);
  // big-endian two's complement: -2 (ff fe), 300 (01 2c), -32768 (80 00), 1 (00 01)
  ColumnVector dec = Strings({std::string("\xff\xfe", 2), std::string("\x01\x2c", 2),
                              std::string("\x80\x00", 2), std::string("\x00\x01", 2), std::nullopt},
                             ColumnKind::kFixed, 2);
  ColumnVector b = Numbers<uint8_t>(ColumnKind::kBool, {1, 1, std::nullopt, 1, 1});
  for (bool dictionary : {true, false}) {
    WriterProperties props;
    props.dictionary_enabled = dictionary;
    FileSummary summary;
    auto file = WriteToString(schema, props, {{&s, &u, &dec, &b}}, &summary);
    ASSERT_TRUE(file.ok());
    auto reader = FileReader::OpenBuffer(*file);
    EXPECT_EQ(*ChunkStats(**reader, 0).min_value, "");
    EXPECT_EQ(*ChunkStats(**reader, 0).max_value, "\xff");
    EXPECT_FALSE(ChunkStats(**reader, 0).min.has_value());  // unsigned order: no deprecated field
    EXPECT_EQ(*ChunkStats(**reader, 1).min_value, std::string("\x01\x00", 2));
    EXPECT_EQ(*ChunkStats(**reader, 1).max_value, std::string("\xff\x00", 2));
    EXPECT_EQ(*ChunkStats(**reader, 2).min_value, std::string("\x80\x00", 2));
    EXPECT_EQ(*ChunkStats(**reader, 2).max_value, std::string("\x01\x2c", 2));
    EXPECT_EQ(*ChunkStats(**reader, 3).min_value, std::string("\x01", 1));
    EXPECT_EQ(*ChunkStats(**reader, 3).max_value, std::string("\x01", 1));
    EXPECT_EQ(summary.columns[2].min_value, std::string("\x80\x00", 2));
    EXPECT_EQ(summary.columns[1].null_count, 2);
    auto cells = ReadAll(*file);
    EXPECT_EQ(cells[0], Cells(s));
    EXPECT_EQ(cells[1], Cells(u));
    EXPECT_EQ(cells[2], Cells(dec));
    EXPECT_EQ(cells[3], Cells(b));
  }
}

TEST(FileWriterStatistics, AllNullColumnHasNoBounds) {
  Schema schema{{Column("s", PhysicalType::kByteArray), Column("i", PhysicalType::kInt32)}};
  ColumnVector s = Strings({std::nullopt, std::nullopt, std::nullopt});
  ColumnVector i = Numbers<int32_t>(ColumnKind::kInt32, {std::nullopt, std::nullopt, std::nullopt});
  FileSummary summary;
  auto file = WriteToString(schema, WriterProperties{}, {{&s, &i}}, &summary);
  ASSERT_TRUE(file.ok());
  auto reader = FileReader::OpenBuffer(*file);
  for (int c = 0; c < 2; ++c) {
    EXPECT_EQ(*ChunkStats(**reader, c).null_count, 3);
    EXPECT_FALSE(ChunkStats(**reader, c).min_value.has_value());
    EXPECT_FALSE(summary.columns[c].has_min_max);
    EXPECT_EQ(summary.columns[c].null_count, 3);
    EXPECT_EQ(summary.columns[c].value_count, 3);
  }
  auto cells = ReadAll(*file);
  EXPECT_EQ(cells[0], (std::vector<std::string>{"null", "null", "null"}));
  EXPECT_EQ(cells[1], (std::vector<std::string>{"null", "null", "null"}));
}

TEST(FileWriter, FooterSchemaCarriesTypesAnnotationsAndIds) {
  Schema schema;
  schema.root_name = "table";
  schema.columns = {
      Column("s", PhysicalType::kByteArray, Repetition::kOptional, LogicalType::String(), 0, 1),
      Column("date", PhysicalType::kInt32, Repetition::kRequired, LogicalType::Date(), 0, 2),
      Column("time", PhysicalType::kInt64, Repetition::kOptional,
             LogicalType::Time(Unit::kMicros, false), 0, 3),
      Column("ts", PhysicalType::kInt64, Repetition::kOptional,
             LogicalType::Timestamp(Unit::kMicros, false), 0, 4),
      Column("tstz", PhysicalType::kInt64, Repetition::kOptional,
             LogicalType::Timestamp(Unit::kMicros, true), 0, 5),
      Column("tsns", PhysicalType::kInt64, Repetition::kOptional,
             LogicalType::Timestamp(Unit::kNanos, true), 0, 6),
      Column("dec", PhysicalType::kFixedLenByteArray, Repetition::kOptional,
             LogicalType::Decimal(38, 10), 16, 7),
      Column("dec64", PhysicalType::kInt64, Repetition::kOptional, LogicalType::Decimal(18, 0), 0,
             8),
      Column("uuid", PhysicalType::kFixedLenByteArray, Repetition::kOptional, LogicalType::Uuid(),
             16, 9),
      Column("i8", PhysicalType::kInt32, Repetition::kOptional, LogicalType::Int(8, true), 0, 10),
  };
  WriterProperties props;
  props.key_value_metadata = {{"iceberg.schema", "{\"type\":\"struct\"}"}, {"k", "v"}};
  std::vector<ColumnVector> vectors;
  vectors.emplace_back(ColumnKind::kBytes);
  vectors.emplace_back(ColumnKind::kInt32);
  for (int i = 0; i < 4; ++i) vectors.emplace_back(ColumnKind::kInt64);
  vectors.emplace_back(ColumnKind::kFixed, 16);
  vectors.emplace_back(ColumnKind::kInt64);
  vectors.emplace_back(ColumnKind::kFixed, 16);
  vectors.emplace_back(ColumnKind::kInt32);
  vectors[1].Append<int32_t>(19000);
  for (size_t c = 0; c < vectors.size(); ++c) {
    if (c != 1) vectors[c].AppendNull();
  }
  std::vector<const ColumnVector*> batch;
  for (auto& v : vectors) batch.push_back(&v);
  auto file = WriteToString(schema, props, {batch});
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto reader = FileReader::OpenBuffer(*file);
  ASSERT_TRUE(reader.ok());
  const auto& meta = (*reader)->metadata();
  EXPECT_EQ(meta.version, 1);
  EXPECT_EQ(meta.num_type_defined_orders, 10);
  EXPECT_EQ(*meta.created_by, "floe version 0.1.0");
  ASSERT_EQ(meta.schema.size(), 11u);
  EXPECT_EQ(meta.schema[0].name, "table");
  EXPECT_EQ(*meta.schema[0].num_children, 10);
  EXPECT_FALSE(meta.schema[0].repetition_type.has_value());
  auto converted = [&](int i) { return meta.schema[i].converted_type; };
  EXPECT_EQ(converted(1), 0);              // UTF8
  EXPECT_EQ(converted(2), 6);              // DATE
  EXPECT_EQ(converted(3), 8);              // TIME_MICROS
  EXPECT_EQ(converted(4), 10);             // TIMESTAMP_MICROS for local...
  EXPECT_EQ(converted(5), 10);             // ... and UTC-adjusted
  EXPECT_FALSE(converted(6).has_value());  // nanos: none exists
  EXPECT_EQ(converted(7), 5);              // DECIMAL
  EXPECT_EQ(*meta.schema[7].precision, 38);
  EXPECT_EQ(*meta.schema[7].scale, 10);
  EXPECT_EQ(*meta.schema[7].type_length, 16);
  EXPECT_EQ(converted(8), 5);
  EXPECT_FALSE(converted(9).has_value());  // UUID has no converted type
  EXPECT_EQ(converted(10), 15);            // INT_8
  EXPECT_FALSE(meta.schema[1].type_length.has_value());
  const Schema& read = (*reader)->schema();
  EXPECT_EQ(read.root_name, "table");
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    const auto& want = schema.columns[c];
    const auto& got = read.columns[c];
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.physical_type, want.physical_type);
    EXPECT_EQ(got.repetition, want.repetition);
    EXPECT_EQ(got.field_id, want.field_id);
    EXPECT_TRUE(got.logical_type == want.logical_type) << want.name;
  }
  EXPECT_EQ((*reader)->key_value_metadata(), props.key_value_metadata);
}

TEST(FileWriter, EmptyFileIsValid) {
  Schema schema{{Column("x", PhysicalType::kInt64)}};
  FileSummary summary;
  auto file = WriteToString(schema, WriterProperties{}, {}, &summary);
  ASSERT_TRUE(file.ok());
  auto reader = FileReader::OpenBuffer(*file);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->num_rows(), 0);
  EXPECT_EQ((*reader)->num_row_groups(), 0);
  EXPECT_EQ(summary.num_rows, 0);
  EXPECT_TRUE(summary.row_group_offsets.empty());
  EXPECT_FALSE(summary.columns[0].has_min_max);
}

class FileWriterErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_.columns = {Column("id", PhysicalType::kInt64, Repetition::kRequired),
                       Column("u", PhysicalType::kFixedLenByteArray, Repetition::kOptional,
                              LogicalType::Uuid(), 16)};
    auto stream = std::make_unique<io::StringOutputStream>();
    stream_ = stream.get();
    auto writer = FileWriter::Make(std::move(stream), schema_, WriterProperties{});
    ASSERT_TRUE(writer.ok());
    writer_ = std::move(writer).value();
  }

  void ExpectStillUsable() {
    ColumnVector id = Numbers<int64_t>(ColumnKind::kInt64, {1, 2});
    ColumnVector u = Strings({std::string(16, 'a'), std::nullopt}, ColumnKind::kFixed, 16);
    std::vector<const ColumnVector*> batch = {&id, &u};
    ASSERT_TRUE(writer_->WriteBatch(batch, Selection::All(2)).ok());
    ASSERT_TRUE(writer_->Close().ok());
    auto cells = ReadAll(stream_->buffer());
    ASSERT_EQ(cells.size(), 2u);
    EXPECT_EQ(cells[0], (std::vector<std::string>{"1", "2"}));
    EXPECT_EQ(writer_->summary().num_rows, 2);
  }

  Schema schema_;
  io::StringOutputStream* stream_ = nullptr;
  std::unique_ptr<FileWriter> writer_;
};

TEST_F(FileWriterErrors, NullInRequiredColumn) {
  ColumnVector id = Numbers<int64_t>(ColumnKind::kInt64, {1, std::nullopt});
  ColumnVector u = Strings({std::string(16, 'a'), std::string(16, 'b')}, ColumnKind::kFixed, 16);
  std::vector<const ColumnVector*> batch = {&id, &u};
  Status s = writer_->WriteBatch(batch, Selection::All(2));
  EXPECT_EQ(s.kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(s.message().find("'id'"), std::string::npos) << s.message();
  // The null row not selected: fine.
  std::vector<uint32_t> rows = {0};
  EXPECT_TRUE(writer_->WriteBatch(batch, Selection{rows.data(), 1}).ok());
  EXPECT_EQ(writer_->num_rows(), 1);
  ColumnVector id2 = Numbers<int64_t>(ColumnKind::kInt64, {1, 2});
  ColumnVector u2 = Strings({std::string(16, 'a'), std::nullopt}, ColumnKind::kFixed, 16);
  std::vector<const ColumnVector*> batch2 = {&id2, &u2};
  ASSERT_TRUE(writer_->WriteBatch(batch2, Selection::All(2)).ok());
  ASSERT_TRUE(writer_->Close().ok());
  EXPECT_EQ(ReadAll(stream_->buffer())[0], (std::vector<std::string>{"1", "1", "2"}));
}

TEST_F(FileWriterErrors, KindMismatch) {
  ColumnVector id = Numbers<int32_t>(ColumnKind::kInt32, {1});
  ColumnVector u = Strings({std::string(16, 'a')}, ColumnKind::kFixed, 16);
  std::vector<const ColumnVector*> batch = {&id, &u};
  Status s = writer_->WriteBatch(batch, Selection::All(1));
  EXPECT_EQ(s.kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(s.message().find("'id'"), std::string::npos) << s.message();
  ExpectStillUsable();
}

TEST_F(FileWriterErrors, WidthMismatch) {
  ColumnVector id = Numbers<int64_t>(ColumnKind::kInt64, {1});
  ColumnVector u = Strings({std::string(8, 'a')}, ColumnKind::kFixed, 8);
  std::vector<const ColumnVector*> batch = {&id, &u};
  Status s = writer_->WriteBatch(batch, Selection::All(1));
  EXPECT_EQ(s.kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(s.message().find("'u'"), std::string::npos) << s.message();
  ExpectStillUsable();
}

TEST_F(FileWriterErrors, ColumnCountSizesAndSelection) {
  ColumnVector id = Numbers<int64_t>(ColumnKind::kInt64, {1, 2});
  ColumnVector u = Strings({std::string(16, 'a')}, ColumnKind::kFixed, 16);
  std::vector<const ColumnVector*> one = {&id};
  EXPECT_EQ(writer_->WriteBatch(one, Selection::All(2)).kind(), ErrorKind::kInvalidArgument);
  std::vector<const ColumnVector*> uneven = {&id, &u};
  Status s = writer_->WriteBatch(uneven, Selection::All(1));
  EXPECT_EQ(s.kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(s.message().find("'u'"), std::string::npos) << s.message();
  ColumnVector u2 = Strings({std::string(16, 'a'), std::string(16, 'b')}, ColumnKind::kFixed, 16);
  std::vector<const ColumnVector*> batch = {&id, &u2};
  EXPECT_EQ(writer_->WriteBatch(batch, Selection::All(3)).kind(), ErrorKind::kInvalidArgument);
  std::vector<uint32_t> rows = {0, 2};
  EXPECT_EQ(writer_->WriteBatch(batch, Selection{rows.data(), 2}).kind(),
            ErrorKind::kInvalidArgument);
  std::vector<const ColumnVector*> with_null = {&id, nullptr};
  EXPECT_EQ(writer_->WriteBatch(with_null, Selection::All(2)).kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(writer_->num_rows(), 0);
  ExpectStillUsable();
}

TEST_F(FileWriterErrors, CloseTwiceWriteAfterCloseAbort) {
  ExpectStillUsable();
  EXPECT_TRUE(writer_->Close().ok());  // second Close: the first outcome
  ColumnVector id = Numbers<int64_t>(ColumnKind::kInt64, {1});
  ColumnVector u = Strings({std::string(16, 'a')}, ColumnKind::kFixed, 16);
  std::vector<const ColumnVector*> batch = {&id, &u};
  EXPECT_FALSE(writer_->WriteBatch(batch, Selection::All(1)).ok());
}

TEST(FileWriter, AbortLeavesNothing) {
  Schema schema{{Column("x", PhysicalType::kInt64)}};
  auto stream = std::make_unique<io::StringOutputStream>();
  auto* raw = stream.get();
  auto writer = FileWriter::Make(std::move(stream), schema, WriterProperties{});
  ASSERT_TRUE(writer.ok());
  ColumnVector v = Numbers<int64_t>(ColumnKind::kInt64, {1, 2, 3});
  std::vector<const ColumnVector*> batch = {&v};
  ASSERT_TRUE((*writer)->WriteBatch(batch, Selection::All(3)).ok());
  EXPECT_TRUE((*writer)->Abort().ok());
  EXPECT_TRUE(raw->buffer().empty());
  EXPECT_FALSE((*writer)->Close().ok());
  EXPECT_FALSE((*writer)->WriteBatch(batch, Selection::All(3)).ok());
}

// A sink that fails once it has taken `limit` bytes.
class FailingStream final : public io::OutputStream {
 public:
  explicit FailingStream(size_t limit) : limit_(limit) {}
  Status Write(const void*, size_t size) override {
    if (written_ + size > limit_) return IoError("disk full after {} bytes", written_);
    written_ += size;
    return Status::Ok();
  }
  int64_t Position() const override { return static_cast<int64_t>(written_); }
  Status Close() override { return Status::Ok(); }
  Status Abort() override { return Status::Ok(); }

 private:
  size_t limit_;
  size_t written_ = 0;
};

TEST(FileWriter, SinkFailureFailsTheWriterForGood) {
  Schema schema{{Column("x", PhysicalType::kInt64)}};
  WriterProperties props;
  props.row_group_size_bytes = 1024;
  auto writer = FileWriter::Make(std::make_unique<FailingStream>(2000), schema, props);
  ASSERT_TRUE(writer.ok());
  ColumnVector v(ColumnKind::kInt64);
  for (int64_t i = 0; i < 10000; ++i) v.Append<int64_t>(i);
  std::vector<const ColumnVector*> batch = {&v};
  Status s = (*writer)->WriteBatch(batch, Selection::All(v.size()));
  EXPECT_EQ(s.kind(), ErrorKind::kIoError);
  Status again = (*writer)->WriteBatch(batch, Selection::All(1));
  EXPECT_EQ(again.kind(), ErrorKind::kIoError);
  EXPECT_EQ((*writer)->Close().kind(), ErrorKind::kIoError);
  EXPECT_EQ((*writer)->Close().kind(), ErrorKind::kIoError);
}

TEST(FileWriter, EstimatedFileSizeTracksBufferedData) {
  Schema schema{{Column("s", PhysicalType::kByteArray)}};
  auto writer =
      FileWriter::Make(std::make_unique<io::StringOutputStream>(), schema, WriterProperties{});
  ASSERT_TRUE(writer.ok());
  EXPECT_EQ((*writer)->EstimatedFileSize(), 4);
  ColumnVector v(ColumnKind::kBytes);
  for (int i = 0; i < 20000; ++i) v.AppendBytes("value number " + std::to_string(i));
  std::vector<const ColumnVector*> batch = {&v};
  ASSERT_TRUE((*writer)->WriteBatch(batch, Selection::All(v.size())).ok());
  EXPECT_GT((*writer)->EstimatedFileSize(), 100000);
  ASSERT_TRUE((*writer)->Close().ok());
}

TEST(FileWriter, BadSchemasAreRefused) {
  auto make = [](ColumnDescriptor c) {
    return FileWriter::Make(std::make_unique<io::StringOutputStream>(), Schema{{std::move(c)}},
                            WriterProperties{})
        .status();
  };
  EXPECT_EQ(make(Column("u", PhysicalType::kFixedLenByteArray, Repetition::kOptional,
                        LogicalType::Uuid(), 8))
                .kind(),
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(
      make(Column("d", PhysicalType::kInt32, Repetition::kOptional, LogicalType::Decimal(10, 2)))
          .kind(),
      ErrorKind::kInvalidArgument);
  EXPECT_EQ(make(Column("f", PhysicalType::kFixedLenByteArray)).kind(),
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(
      make(Column("s", PhysicalType::kInt64, Repetition::kOptional, LogicalType::String())).kind(),
      ErrorKind::kInvalidArgument);
  EXPECT_EQ(make(Column("", PhysicalType::kInt64)).kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(
      FileWriter::Make(std::make_unique<io::StringOutputStream>(), Schema{}, WriterProperties{})
          .status()
          .kind(),
      ErrorKind::kInvalidArgument);
  Status twice = FileWriter::Make(
                     std::make_unique<io::StringOutputStream>(),
                     Schema{{Column("a", PhysicalType::kInt64), Column("a", PhysicalType::kInt32)}},
                     WriterProperties{})
                     .status();
  EXPECT_EQ(twice.kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(twice.message().find("'a'"), std::string::npos);
  EXPECT_EQ(make(Column("r", PhysicalType::kInt64, Repetition::kRepeated)).kind(),
            ErrorKind::kNotSupported);
  EXPECT_TRUE(make(Column("dec", PhysicalType::kFixedLenByteArray, Repetition::kOptional,
                          LogicalType::Decimal(38, 0), 16))
                  .ok());
  WriterProperties bad_level;
  bad_level.codec = Codec::kGzip;
  bad_level.compression_level = 42;
  EXPECT_EQ(FileWriter::Make(std::make_unique<io::StringOutputStream>(),
                             Schema{{Column("x", PhysicalType::kInt64)}}, bad_level)
                .status()
                .kind(),
            ErrorKind::kInvalidArgument);
}

TEST(Properties, CodecNames) {
  EXPECT_EQ(*CodecFromName("ZSTD"), Codec::kZstd);
  EXPECT_EQ(*CodecFromName("snappy"), Codec::kSnappy);
  EXPECT_EQ(*CodecFromName("Gzip"), Codec::kGzip);
  EXPECT_EQ(*CodecFromName("uncompressed"), Codec::kUncompressed);
  EXPECT_EQ(*CodecFromName("none"), Codec::kUncompressed);
  auto bad = CodecFromName("lz4");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("lz4"), std::string::npos);
  for (Codec c : {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd}) {
    EXPECT_EQ(*CodecFromName(CodecName(c)), c);
  }
}

TEST(FileWriter, LargeRandomRoundTripWithSelections) {
  std::mt19937 rng(7);
  AllTypes t = MakeAllTypes(Repetition::kOptional, 20000, true);
  std::vector<uint32_t> rows;
  for (uint32_t r = 0; r < 20000; ++r) {
    if (rng() % 3 != 0) rows.push_back(r);
  }
  WriterProperties props;
  props.data_page_size_bytes = 2048;
  props.row_group_size_bytes = 64 * 1024;
  props.dictionary_page_size_limit_bytes = 256;
  auto stream = std::make_unique<io::StringOutputStream>();
  auto* raw = stream.get();
  auto writer = FileWriter::Make(std::move(stream), t.schema, props);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->WriteBatch(t.batch(), Selection{rows.data(), rows.size()}).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  auto cells = ReadAll(raw->buffer());
  ASSERT_EQ(cells.size(), t.vectors.size());
  for (size_t c = 0; c < t.vectors.size(); ++c) {
    auto all = Cells(t.vectors[c]);
    std::vector<std::string> want;
    for (uint32_t r : rows) want.push_back(all[r]);
    EXPECT_EQ(cells[c], want) << t.schema.columns[c].name;
  }
}

}  // namespace
}  // namespace floe::parquet
