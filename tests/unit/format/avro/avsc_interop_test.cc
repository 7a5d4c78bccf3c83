// Checks floe's container files against avsc, an Avro implementation floe did not write: avsc
// reads what FileWriter writes, and ReadContainer reads what avsc writes. The scripts live in
// tests/tools/avro. Without node or avsc these tests fail: they are the referee, not optional.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "format/avro/reader.h"
#include "format/avro/writer.h"
#include "io/file_io.h"

namespace floe::avro {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSourceDir = FLOE_SOURCE_DIR;
const fs::path kAvscDir = kSourceDir / ".." / "shared" / "peer" / "node_modules" / "avsc";
const fs::path kToolsDir = kSourceDir / "tests" / "tools" / "avro";

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>&1").c_str(), "r"), pclose);
  if (!pipe) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0) {
    result.output.append(buffer.data(), n);
  }
  const int status = pclose(pipe.release());
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string Quote(const fs::path& path) { return fmt::format("'{}'", path.string()); }

class AvscInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CommandResult node = RunCommand("node --version");
    ASSERT_EQ(node.exit_code, 0)
        << "node is required for the avsc interop tests but `node --version` failed: "
        << node.output;
    ASSERT_TRUE(fs::exists(kAvscDir / "package.json"))
        << "avsc is required for the avsc interop tests but is missing at " << kAvscDir
        << " (run `npm ci` in ../shared/peer)";
    // Parameterised test names hold a '/', which must not become a subdirectory.
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');
    dir_ = fs::temp_directory_path() / fmt::format("floe_avro_{}_{}", getpid(), name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  // Reads `file` with avsc through read_avro.mjs; returns its JSON output.
  json ReadWithAvsc(const fs::path& file) {
    CommandResult result = RunCommand("node " + Quote(kToolsDir / "read_avro.mjs") + " " +
                                      Quote(kAvscDir) + " " + Quote(file));
    EXPECT_EQ(result.exit_code, 0) << result.output;
    json out = json::parse(result.output, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(out.is_discarded()) << "read_avro.mjs printed no JSON: " << result.output;
    return out;
  }

  fs::path dir_;
};

// An Iceberg-flavoured schema: field ids, element ids, optional fields, nested records.
constexpr std::string_view kSchema = R"({
  "type": "record", "name": "manifest_like", "fields": [
    {"name": "status", "type": "int", "field-id": 0},
    {"name": "snapshot_id", "type": ["null", "long"], "default": null, "field-id": 1},
    {"name": "data_file", "field-id": 2, "type": {"type": "record", "name": "r2", "fields": [
      {"name": "file_path", "type": "string", "field-id": 100},
      {"name": "record_count", "type": "long", "field-id": 103},
      {"name": "ratio", "type": "float", "field-id": 104},
      {"name": "score", "type": "double", "field-id": 105},
      {"name": "is_live", "type": "boolean", "field-id": 106},
      {"name": "key_metadata", "type": ["null", "bytes"], "default": null, "field-id": 131},
      {"name": "split_offsets", "field-id": 132, "default": null,
       "type": ["null", {"type": "array", "items": "long", "element-id": 133}]},
      {"name": "column_sizes", "field-id": 108, "type": {"type": "array", "logicalType": "map",
        "items": {"type": "record", "name": "k117_v118", "fields": [
          {"name": "key", "type": "int", "field-id": 117},
          {"name": "value", "type": "long", "field-id": 118}]}}},
      {"name": "props", "type": {"type": "map", "values": "string"}},
      {"name": "kind", "type": {"type": "enum", "name": "kind", "symbols": ["DATA", "DELETES"]}},
      {"name": "digest", "type": {"type": "fixed", "name": "digest2", "size": 2}}]}}]})";

struct Row {
  Value value;
  json expected;  // as read_avro.mjs prints it
};

Row MakeRow(int i) {
  const bool even = i % 2 == 0;
  const std::string path = "s3://bucket/data/" + std::to_string(i) + ".parquet";
  const std::string digest{static_cast<char>(i), static_cast<char>(0xab)};
  const char* digest_hex = "ab";
  Row row;
  row.value = Value::Record({
      Value::Int(i % 3),
      even ? Value::Null() : Value::Long(int64_t{1} << 40 | i),
      Value::Record({
          Value::String(path),
          Value::Long(int64_t{i} * 1000),
          Value::Float(static_cast<float>(i) / 4),
          Value::Double(i + 0.125),
          Value::Boolean(even),
          even ? Value::Bytes(std::string{'\x01', '\x02'}) : Value::Null(),
          even ? Value::Array({Value::Long(4), Value::Long(i)}) : Value::Null(),
          Value::Array({Value::Record({Value::Int(1), Value::Long(i)})}),
          Value::Map({{"k", Value::String(fmt::format("v{}", i))}}),
          Value::Int(i % 2),
          Value::Bytes(digest),
      }),
  });
  char first_byte[3];
  std::snprintf(first_byte, sizeof(first_byte), "%02x", static_cast<unsigned>(i));
  row.expected = {
      {"status", i % 3},
      {"snapshot_id", even ? json(nullptr) : json((int64_t{1} << 40) | i)},
      {"data_file",
       {
           {"file_path", path},
           {"record_count", int64_t{i} * 1000},
           {"ratio", static_cast<double>(static_cast<float>(i) / 4)},
           {"score", i + 0.125},
           {"is_live", even},
           {"key_metadata", even ? json("0102") : json(nullptr)},
           {"split_offsets", even ? json::array({4, i}) : json(nullptr)},
           {"column_sizes", json::array({{{"key", 1}, {"value", i}}})},
           {"props", {{"k", fmt::format("v{}", i)}}},
           {"kind", i % 2 == 0 ? "DATA" : "DELETES"},
           {"digest", std::string(first_byte) + digest_hex},
       }},
  };
  return row;
}

class FloeToAvscTest : public AvscInteropTest, public ::testing::WithParamInterface<Codec> {};

TEST_P(FloeToAvscTest, AvscReadsWhatFloeWrites) {
  constexpr int kRows = 60;
  auto schema = ParseSchema(kSchema);
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  WriterOptions options;
  options.codec = GetParam();
  options.block_size_bytes = 512;  // several blocks
  options.metadata = {{"schema-id", "0"}, {"partition-spec", "[]"}, {"format-version", "2"}};
  io::StringOutputStream sink;
  auto writer = FileWriter::Make(&sink, *schema, options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  json expected_rows = json::array();
  for (int i = 0; i < kRows; ++i) {
    Row row = MakeRow(i);
    ASSERT_TRUE((*writer)->Append(row.value).ok());
    expected_rows.push_back(row.expected);
  }
  ASSERT_TRUE((*writer)->Close().ok());
  const fs::path file = dir_ / "floe.avro";
  std::ofstream(file, std::ios::binary) << sink.buffer();

  json out = ReadWithAvsc(file);
  ASSERT_TRUE(out.is_object()) << out.dump();
  EXPECT_EQ(out["metadata"]["avro.codec"], std::string(CodecName(GetParam())));
  EXPECT_EQ(out["codec"], std::string(CodecName(GetParam())));
  EXPECT_EQ(out["metadata"]["schema-id"], "0");
  EXPECT_EQ(out["metadata"]["partition-spec"], "[]");
  EXPECT_EQ(out["metadata"]["format-version"], "2");
  // The writer schema keeps Iceberg's ids.
  const json& writer_schema = out["schema"];
  EXPECT_EQ(writer_schema["fields"][0]["field-id"], 0);
  EXPECT_EQ(writer_schema["fields"][2]["field-id"], 2);
  const json& data_file = writer_schema["fields"][2]["type"];
  EXPECT_EQ(data_file["fields"][1]["field-id"], 103);
  EXPECT_EQ(data_file["fields"][6]["type"][1]["element-id"], 133);
  EXPECT_EQ(data_file["fields"][7]["type"]["logicalType"], "map");
  EXPECT_EQ(data_file["fields"][7]["type"]["items"]["fields"][0]["field-id"], 117);
  EXPECT_EQ(writer_schema, json::parse(kSchema));

  ASSERT_EQ(out["rows"].size(), static_cast<size_t>(kRows));
  for (int i = 0; i < kRows; ++i) {
    EXPECT_EQ(out["rows"][i], expected_rows[i]) << "row " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(BothCodecs, FloeToAvscTest,
                         ::testing::Values(Codec::kNull, Codec::kDeflate),
                         [](const auto& info) { return std::string(CodecName(info.param)); });

// The rows write_avro.mjs writes; its header comment is the contract.
Value AvscRow(int i) {
  const bool even = i % 2 == 0;
  const char low = static_cast<char>(i % 256);
  return Value::Record({
      Value::Int(i),
      Value::Long(int64_t{i} * 1000000007),
      Value::String("row-" + std::to_string(i)),
      Value::Boolean(even),
      Value::Float(static_cast<float>(i) / 4),
      even ? Value::Null() : Value::Double(i + 0.5),
      Value::Bytes(std::string{low, '\xff'}),
      Value::Map({{"a", Value::Long(i)}, {"b", Value::Long(-i)}}),
      Value::Array({Value::Record({Value::Long(i), Value::String("p0")}),
                    Value::Record({Value::Long(i + 1), Value::Null()})}),
      Value::Int(i % 3),
      Value::Bytes(std::string{low, '\x01', '\x02', '\x03'}),
  });
}

class AvscToFloeTest : public AvscInteropTest, public ::testing::WithParamInterface<Codec> {};

TEST_P(AvscToFloeTest, FloeReadsWhatAvscWrites) {
  constexpr int kRows = 100;
  const fs::path file = dir_ / "avsc.avro";
  CommandResult written = RunCommand(
      "node " + Quote(kToolsDir / "write_avro.mjs") + " " + Quote(kAvscDir) + " " + Quote(file) +
      " " + std::string(CodecName(GetParam())) + " " + std::to_string(kRows));
  ASSERT_EQ(written.exit_code, 0) << written.output;
  std::ifstream in(file, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  const std::string contents = bytes.str();

  auto read = ReadContainer(contents);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->metadata.at("avro.codec"), CodecName(GetParam()));
  EXPECT_EQ(read->metadata.at("writer"), "avsc");
  EXPECT_EQ(read->schema->name, "floe.test.peer_row");
  ASSERT_EQ(read->rows.size(), static_cast<size_t>(kRows));
  for (int i = 0; i < kRows; ++i) {
    EXPECT_EQ(read->rows[i], AvscRow(i)) << "row " << i << ": " << read->rows[i].DebugString();
  }
  // avsc wrote several blocks (its sync marker ends the header and every block).
  const std::string sync = contents.substr(contents.size() - 16);
  size_t markers = 0;
  for (size_t at = contents.find(sync); at != std::string::npos; at = contents.find(sync, at + 1)) {
    ++markers;
  }
  EXPECT_GT(markers, 2u);
}

INSTANTIATE_TEST_SUITE_P(BothCodecs, AvscToFloeTest,
                         ::testing::Values(Codec::kNull, Codec::kDeflate),
                         [](const auto& info) { return std::string(CodecName(info.param)); });

}  // namespace
}  // namespace floe::avro
