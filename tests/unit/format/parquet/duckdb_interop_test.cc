// An independent reader: files floe writes, of every type and codec, read back by DuckDB (through
// node and tests/tools/parquet/read_parquet.mjs). Values, field ids, logical types and min/max
// must be what DuckDB reports. Missing node or DuckDB is a failure, never a skip.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "parquet_test_util.h"

namespace floe::parquet {
namespace {

using testing::Column;
using testing::WriteToString;
using Unit = LogicalType::TimeUnit;
using nlohmann::json;

const std::string kPeerDir = FLOE_SOURCE_DIR "/../shared/peer";
const std::string kScript = FLOE_SOURCE_DIR "/tests/tools/parquet/read_parquet.mjs";

class DuckDbInterop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/floe_parquet_duckdb_XXXXXX";
    char* dir = mkdtemp(pattern);
    ASSERT_NE(dir, nullptr);
    dir_ = dir;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }

  void SetUp() override {
    ASSERT_EQ(std::system("node --version >/dev/null 2>&1"), 0)
        << "node is not on PATH: the DuckDB interop test needs it (apt install nodejs)";
    ASSERT_TRUE(std::filesystem::exists(kPeerDir + "/node_modules/@duckdb/node-api"))
        << "DuckDB's node module is missing under " << kPeerDir << "/node_modules: run `npm ci` in "
        << kPeerDir;
  }

  // Writes `contents` to a file in the temp dir and returns DuckDB's view of it.
  json ReadWithDuckDb(const std::string& name, const std::string& contents) {
    std::string path = dir_ + "/" + name;
    {
      std::ofstream out(path, std::ios::binary);
      out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    }
    std::string command = "node '" + kScript + "' --peer '" + kPeerDir + "' '" + path + "' 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    EXPECT_NE(pipe, nullptr);
    if (pipe == nullptr) return json();
    std::string output;
    std::array<char, 65536> buffer;
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
    int status = pclose(pipe);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "DuckDB could not read " << name << ":\n"
        << output;
    json parsed = json::parse(output, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(parsed.is_discarded()) << output.substr(0, 2000);
    if (std::getenv("FLOE_PARQUET_TEST_DUMP")) std::cerr << parsed.dump(1) << "\n";
    return parsed;
  }

  // The suite's temp dir, made once for all its files.
  inline static std::string dir_;
};

// The values of column `name` over all rows, nulls as "null".
std::vector<std::string> ColumnValues(const json& result, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& row : result["rows"]) {
    const json& v = row[name];
    out.push_back(v.is_null() ? "null" : v.get<std::string>());
  }
  return out;
}

const json& SchemaRow(const json& result, const std::string& name) {
  for (const auto& row : result["schema"]) {
    if (row["name"] == name) return row;
  }
  static const json kNone;
  ADD_FAILURE() << "no schema element " << name;
  return kNone;
}

// Chunk statistics of `name`, from parquet_metadata, row group `group`.
const json& ChunkRow(const json& result, const std::string& name, int group = 0) {
  for (const auto& row : result["metadata"]) {
    if (row["path_in_schema"] == name && row["row_group_id"] == std::to_string(group)) return row;
  }
  static const json kNone;
  ADD_FAILURE() << "no chunk " << name << " in row group " << group;
  return kNone;
}

std::string Text(const json& v) { return v.is_null() ? "null" : v.get<std::string>(); }

struct TypedFile {
  Schema schema;
  std::vector<ColumnVector> vectors;
};

// Three rows of every type, the middle one null where the column is optional.
TypedFile EveryType() {
  TypedFile f;
  auto& c = f.schema.columns;
  c.push_back(
      Column("b", PhysicalType::kBoolean, Repetition::kOptional, LogicalType::None(), 0, 1));
  c.push_back(Column("i", PhysicalType::kInt32, Repetition::kOptional, LogicalType::None(), 0, 2));
  c.push_back(Column("l", PhysicalType::kInt64, Repetition::kRequired, LogicalType::None(), 0, 3));
  c.push_back(Column("f", PhysicalType::kFloat, Repetition::kOptional, LogicalType::None(), 0, 4));
  c.push_back(Column("d", PhysicalType::kDouble, Repetition::kOptional, LogicalType::None(), 0, 5));
  c.push_back(
      Column("s", PhysicalType::kByteArray, Repetition::kOptional, LogicalType::String(), 0, 6));
  c.push_back(
      Column("bin", PhysicalType::kByteArray, Repetition::kOptional, LogicalType::None(), 0, 7));
  c.push_back(Column("u", PhysicalType::kFixedLenByteArray, Repetition::kOptional,
                     LogicalType::Uuid(), 16, 8));
  c.push_back(Column("dec", PhysicalType::kFixedLenByteArray, Repetition::kOptional,
                     LogicalType::Decimal(20, 2), 9, 9));
  c.push_back(Column("dec9", PhysicalType::kInt32, Repetition::kOptional,
                     LogicalType::Decimal(9, 3), 0, 10));
  c.push_back(Column("dec18", PhysicalType::kInt64, Repetition::kOptional,
                     LogicalType::Decimal(18, 4), 0, 11));
  c.push_back(
      Column("date", PhysicalType::kInt32, Repetition::kOptional, LogicalType::Date(), 0, 12));
  c.push_back(Column("time", PhysicalType::kInt64, Repetition::kOptional,
                     LogicalType::Time(Unit::kMicros, false), 0, 13));
  c.push_back(Column("ts", PhysicalType::kInt64, Repetition::kOptional,
                     LogicalType::Timestamp(Unit::kMicros, false), 0, 14));
  c.push_back(Column("tstz", PhysicalType::kInt64, Repetition::kOptional,
                     LogicalType::Timestamp(Unit::kMicros, true), 0, 15));
  c.push_back(Column("tsns", PhysicalType::kInt64, Repetition::kOptional,
                     LogicalType::Timestamp(Unit::kNanos, false), 0, 16));
  c.push_back(Column("fixed", PhysicalType::kFixedLenByteArray, Repetition::kOptional,
                     LogicalType::None(), 3, 17));

  auto& v = f.vectors;
  v.emplace_back(ColumnKind::kBool);
  v.back().Append<uint8_t>(1);
  v.back().AppendNull();
  v.back().Append<uint8_t>(0);
  v.emplace_back(ColumnKind::kInt32);
  v.back().Append<int32_t>(-2147483647 - 1);
  v.back().AppendNull();
  v.back().Append<int32_t>(42);
  v.emplace_back(ColumnKind::kInt64);
  v.back().Append<int64_t>(9223372036854775807LL);
  v.back().Append<int64_t>(0);
  v.back().Append<int64_t>(-5);
  v.emplace_back(ColumnKind::kFloat);
  v.back().Append<float>(1.5f);
  v.back().AppendNull();
  v.back().Append<float>(-0.25f);
  v.emplace_back(ColumnKind::kDouble);
  v.back().Append<double>(-1e300);
  v.back().AppendNull();
  v.back().Append<double>(2.5);
  v.emplace_back(ColumnKind::kBytes);
  v.back().AppendBytes("héllo");
  v.back().AppendNull();
  v.back().AppendBytes("");
  v.emplace_back(ColumnKind::kBytes);
  v.back().AppendBytes(std::string("\x00\xff", 2));
  v.back().AppendNull();
  v.back().AppendBytes("ab");
  v.emplace_back(ColumnKind::kFixed, 16);
  v.back().AppendBytes(
      std::string("\x1c\xf3\xa3\xef\xd1\x07\x4c\xf8\xa6\x3b\x56\x39\x31\x80\x91\x15", 16));
  v.back().AppendNull();
  v.back().AppendBytes(std::string(16, '\0'));
  v.emplace_back(ColumnKind::kFixed, 9);
  v.back().AppendBytes(std::string("\xff\xff\xff\xff\xff\xff\xff\xff\x9c", 9));  // -100 → -1.00
  v.back().AppendNull();
  v.back().AppendBytes(std::string("\x00\x00\x00\x00\x00\x00\x00\x30\x39", 9));  // 12345
  v.emplace_back(ColumnKind::kInt32);
  v.back().Append<int32_t>(-1234);
  v.back().AppendNull();
  v.back().Append<int32_t>(999999999);
  v.emplace_back(ColumnKind::kInt64);
  v.back().Append<int64_t>(123456789);
  v.back().AppendNull();
  v.back().Append<int64_t>(-1);
  v.emplace_back(ColumnKind::kInt32);
  v.back().Append<int32_t>(19000);
  v.back().AppendNull();
  v.back().Append<int32_t>(0);
  v.emplace_back(ColumnKind::kInt64);
  v.back().Append<int64_t>(3723000001LL);  // 01:02:03.000001
  v.back().AppendNull();
  v.back().Append<int64_t>(0);
  v.emplace_back(ColumnKind::kInt64);
  v.back().Append<int64_t>(1700000000123456LL);
  v.back().AppendNull();
  v.back().Append<int64_t>(-1);
  v.emplace_back(ColumnKind::kInt64);
  v.back().Append<int64_t>(1700000000123456LL);
  v.back().AppendNull();
  v.back().Append<int64_t>(0);
  v.emplace_back(ColumnKind::kInt64);
  v.back().Append<int64_t>(1700000000123456789LL);
  v.back().AppendNull();
  v.back().Append<int64_t>(1);
  v.emplace_back(ColumnKind::kFixed, 3);
  v.back().AppendBytes("xyz");
  v.back().AppendNull();
  v.back().AppendBytes("abc");
  return f;
}

class DuckDbEveryCodec : public DuckDbInterop, public ::testing::WithParamInterface<Codec> {};

TEST_P(DuckDbEveryCodec, ReadsEveryTypeValuesIdsAndStatistics) {
  TypedFile f = EveryType();
  std::vector<const ColumnVector*> batch;
  for (const auto& v : f.vectors) batch.push_back(&v);
  for (bool dictionary : {true, false}) {
    WriterProperties props;
    props.codec = GetParam();
    props.dictionary_enabled = dictionary;
    props.key_value_metadata = {{"iceberg.schema", "{}"}};
    auto file = WriteToString(f.schema, props, {batch});
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    std::string name =
        std::string(CodecName(GetParam())) + (dictionary ? "_dict" : "_plain") + ".parquet";
    json r = ReadWithDuckDb(name, *file);
    ASSERT_TRUE(r.contains("rows")) << name;
    ASSERT_EQ(r["rows"].size(), 3u);
    using V = std::vector<std::string>;
    EXPECT_EQ(ColumnValues(r, "b"), (V{"true", "null", "false"}));
    EXPECT_EQ(ColumnValues(r, "i"), (V{"-2147483648", "null", "42"}));
    EXPECT_EQ(ColumnValues(r, "l"), (V{"9223372036854775807", "0", "-5"}));
    EXPECT_EQ(ColumnValues(r, "f"), (V{"1.5", "null", "-0.25"}));
    EXPECT_EQ(ColumnValues(r, "d"), (V{"-1e+300", "null", "2.5"}));
    EXPECT_EQ(ColumnValues(r, "s"), (V{"héllo", "null", ""}));
    EXPECT_EQ(ColumnValues(r, "bin"), (V{"\\x00\\xFF", "null", "ab"}));
    EXPECT_EQ(ColumnValues(r, "u"), (V{"1cf3a3ef-d107-4cf8-a63b-563931809115", "null",
                                       "00000000-0000-0000-0000-000000000000"}));
    EXPECT_EQ(ColumnValues(r, "dec"), (V{"-1.00", "null", "123.45"}));
    EXPECT_EQ(ColumnValues(r, "dec9"), (V{"-1.234", "null", "999999.999"}));
    EXPECT_EQ(ColumnValues(r, "dec18"), (V{"12345.6789", "null", "-0.0001"}));
    EXPECT_EQ(ColumnValues(r, "date"), (V{"2022-01-08", "null", "1970-01-01"}));
    EXPECT_EQ(ColumnValues(r, "time"), (V{"01:02:03.000001", "null", "00:00:00"}));
    EXPECT_EQ(ColumnValues(r, "ts"),
              (V{"2023-11-14 22:13:20.123456", "null", "1969-12-31 23:59:59.999999"}));
    EXPECT_EQ(ColumnValues(r, "tsns"),
              (V{"2023-11-14 22:13:20.123456789", "null", "1970-01-01 00:00:00.000000001"}));
    EXPECT_EQ(ColumnValues(r, "fixed"), (V{"xyz", "null", "abc"}));
    std::vector<std::string> tstz = ColumnValues(r, "tstz");
    ASSERT_EQ(tstz.size(), 3u);
    EXPECT_EQ(tstz[0].rfind("2023-11-14 22:13:20.123456", 0), 0u) << tstz[0];  // + zone suffix
    EXPECT_EQ(tstz[1], "null");

    // Field ids and annotations as DuckDB sees them.
    for (size_t c = 0; c < f.schema.columns.size(); ++c) {
      const auto& column = f.schema.columns[c];
      EXPECT_EQ(Text(SchemaRow(r, column.name)["field_id"]), std::to_string(*column.field_id))
          << column.name;
    }
    auto logical = [&](const std::string& n) { return Text(SchemaRow(r, n)["logical_type"]); };
    auto converted = [&](const std::string& n) { return Text(SchemaRow(r, n)["converted_type"]); };
    EXPECT_NE(logical("s").find("StringType"), std::string::npos) << logical("s");
    EXPECT_EQ(converted("s"), "UTF8");
    EXPECT_NE(logical("u").find("UUIDType"), std::string::npos) << logical("u");
    EXPECT_NE(logical("dec").find("DecimalType(scale=2, precision=20)"), std::string::npos)
        << logical("dec");
    EXPECT_EQ(converted("dec"), "DECIMAL");
    EXPECT_EQ(Text(SchemaRow(r, "dec")["precision"]), "20");
    EXPECT_EQ(Text(SchemaRow(r, "dec")["scale"]), "2");
    EXPECT_EQ(converted("date"), "DATE");
    EXPECT_NE(logical("time").find("isAdjustedToUTC=0"), std::string::npos) << logical("time");
    EXPECT_EQ(converted("time"), "TIME_MICROS");
    EXPECT_NE(logical("ts").find("isAdjustedToUTC=0"), std::string::npos) << logical("ts");
    EXPECT_NE(logical("ts").find("MICROS"), std::string::npos) << logical("ts");
    EXPECT_EQ(converted("ts"), "TIMESTAMP_MICROS");
    EXPECT_NE(logical("tstz").find("isAdjustedToUTC=1"), std::string::npos) << logical("tstz");
    EXPECT_EQ(converted("tstz"), "TIMESTAMP_MICROS");
    EXPECT_NE(logical("tsns").find("NANOS"), std::string::npos) << logical("tsns");
    EXPECT_EQ(converted("tsns"), "null");
    EXPECT_EQ(Text(SchemaRow(r, "l")["repetition_type"]), "REQUIRED");
    EXPECT_EQ(Text(SchemaRow(r, "i")["repetition_type"]), "OPTIONAL");
    EXPECT_EQ(Text(SchemaRow(r, "fixed")["type_length"]), "3");

    // Statistics as DuckDB decodes them.
    auto stat = [&](const std::string& n, const char* field) {
      return Text(ChunkRow(r, n)[field]);
    };
    EXPECT_EQ(stat("i", "stats_min_value"), "-2147483648");
    EXPECT_EQ(stat("i", "stats_max_value"), "42");
    EXPECT_EQ(stat("i", "stats_null_count"), "1");
    EXPECT_EQ(stat("l", "stats_min_value"), "-5");
    EXPECT_EQ(stat("l", "stats_max_value"), "9223372036854775807");
    EXPECT_EQ(stat("l", "stats_null_count"), "0");
    EXPECT_EQ(stat("f", "stats_min_value"), "-0.25");
    EXPECT_EQ(stat("d", "stats_max_value"), "2.5");
    EXPECT_EQ(stat("s", "stats_min_value"), "");
    EXPECT_EQ(stat("s", "stats_max_value"), "héllo");
    EXPECT_EQ(stat("dec", "stats_min_value"), "-1.00");
    EXPECT_EQ(stat("dec", "stats_max_value"), "123.45");
    EXPECT_EQ(stat("dec9", "stats_min_value"), "-1.234");
    EXPECT_EQ(stat("date", "stats_max_value"), "2022-01-08");
    EXPECT_EQ(stat("ts", "stats_min_value"), "1969-12-31 23:59:59.999999");
    EXPECT_EQ(stat("b", "stats_min_value"), "false");
    EXPECT_EQ(stat("b", "stats_max_value"), "true");
    EXPECT_EQ(stat("u", "stats_min_value"), "00000000-0000-0000-0000-000000000000");
    std::string codec = stat("l", "compression");
    std::string want_codec = GetParam() == Codec::kUncompressed ? "UNCOMPRESSED"
                             : GetParam() == Codec::kSnappy     ? "SNAPPY"
                             : GetParam() == Codec::kGzip       ? "GZIP"
                                                                : "ZSTD";
    EXPECT_EQ(codec, want_codec);
    std::string encodings = stat("s", "encodings");
    EXPECT_NE(encodings.find(dictionary ? "RLE_DICTIONARY" : "PLAIN"), std::string::npos)
        << encodings;
    ASSERT_EQ(r["file"].size(), 1u);
    EXPECT_EQ(Text(r["file"][0]["num_rows"]), "3");
    EXPECT_EQ(Text(r["file"][0]["created_by"]), "floe version 0.1.0");
    ASSERT_EQ(r["kv"].size(), 1u);
    EXPECT_EQ(Text(r["kv"][0]["key"]), "iceberg.schema");
    EXPECT_EQ(Text(r["kv"][0]["value"]), "{}");
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, DuckDbEveryCodec,
                         ::testing::Values(Codec::kUncompressed, Codec::kSnappy, Codec::kGzip,
                                           Codec::kZstd),
                         [](const auto& info) { return std::string(CodecName(info.param)); });

TEST_F(DuckDbInterop, ReadsManyPagesRowGroupsAndDictionaryFallback) {
  Schema schema{
      {Column("account_id", PhysicalType::kByteArray, Repetition::kOptional, LogicalType::String(),
              0, 1),
       Column("status", PhysicalType::kByteArray, Repetition::kOptional, LogicalType::String(), 0,
              2),
       Column("n", PhysicalType::kInt64, Repetition::kOptional, LogicalType::None(), 0, 3),
       Column("x", PhysicalType::kDouble, Repetition::kOptional, LogicalType::None(), 0, 4)}};
  ColumnVector account(ColumnKind::kBytes);
  ColumnVector status(ColumnKind::kBytes);
  ColumnVector n(ColumnKind::kInt64);
  ColumnVector x(ColumnKind::kDouble);
  const int kRows = 30000;
  for (int i = 0; i < kRows; ++i) {
    account.AppendBytes(fmt::format("acct-{:08d}", i));
    if (i % 11 == 0) {
      status.AppendNull();
    } else {
      status.AppendBytes(i % 3 == 0 ? "u_initial" : "u_processed");
    }
    n.Append<int64_t>(static_cast<int64_t>(i) * 3 - 1000);
    if (i % 7 == 0) {
      x.AppendNull();
    } else {
      x.Append<double>(i * 0.5);
    }
  }
  WriterProperties props;
  props.codec = Codec::kZstd;
  props.data_page_size_bytes = 8 * 1024;
  props.dictionary_page_size_limit_bytes = 64 * 1024;  // account ids fall back to PLAIN
  props.row_group_size_bytes = 256 * 1024;
  FileSummary summary;
  auto file = WriteToString(schema, props, {{&account, &status, &n, &x}}, &summary);
  ASSERT_TRUE(file.ok());
  ASSERT_GT(summary.row_group_offsets.size(), 1u);
  json r = ReadWithDuckDb("many_pages.parquet", *file);
  ASSERT_EQ(r["rows"].size(), static_cast<size_t>(kRows));
  std::vector<std::string> accounts = ColumnValues(r, "account_id");
  std::vector<std::string> statuses = ColumnValues(r, "status");
  std::vector<std::string> ns = ColumnValues(r, "n");
  std::vector<std::string> xs = ColumnValues(r, "x");
  for (int i = 0; i < kRows; ++i) {
    ASSERT_EQ(accounts[i], fmt::format("acct-{:08d}", i)) << i;
    ASSERT_EQ(statuses[i], i % 11 == 0 ? "null" : (i % 3 == 0 ? "u_initial" : "u_processed")) << i;
    ASSERT_EQ(ns[i], std::to_string(static_cast<int64_t>(i) * 3 - 1000)) << i;
    ASSERT_EQ(xs[i] == "null", i % 7 == 0) << i;
  }
  EXPECT_EQ(r["metadata"].size(), summary.row_group_offsets.size() * 4);
  EXPECT_EQ(Text(ChunkRow(r, "account_id", 0)["stats_min_value"]), "acct-00000000");
  // Null counts from DuckDB's view add up to the writer's summary.
  int64_t nulls = 0;
  for (const auto& row : r["metadata"]) {
    if (row["path_in_schema"] == "status") nulls += std::stoll(Text(row["stats_null_count"]));
  }
  EXPECT_EQ(nulls, summary.columns[1].null_count);
  EXPECT_EQ(nulls, (kRows + 10) / 11);
}

}  // namespace
}  // namespace floe::parquet
