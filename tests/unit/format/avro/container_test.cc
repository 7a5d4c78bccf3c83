// Object container files: the header byte for byte, round trips of every type with both codecs
// and several blocks, and damaged files.

#include <gtest/gtest.h>

#include <string>

#include "format/avro/reader.h"
#include "format/avro/writer.h"
#include "io/file_io.h"

namespace floe::avro {
namespace {

constexpr size_t kSyncBytes = 16;

NodePtr Schema(std::string_view json) {
  auto schema = ParseSchema(json);
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  return schema.ok() ? *schema : nullptr;
}

std::string WriteFile(const NodePtr& schema, const std::vector<Value>& rows,
                      WriterOptions options) {
  io::StringOutputStream sink;
  auto writer = FileWriter::Make(&sink, schema, std::move(options));
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  if (!writer.ok()) return {};
  for (const auto& row : rows) {
    Status status = (*writer)->Append(row);
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
  Status status = (*writer)->Close();
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ((*writer)->rows_written(), static_cast<int64_t>(rows.size()));
  return sink.Release();
}

size_t CountOccurrences(const std::string& haystack, std::string_view needle) {
  size_t count = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST(ContainerTest, TinyFileByteForByte) {
  WriterOptions options;
  options.codec = Codec::kNull;
  const std::string file = WriteFile(Schema(R"("long")"), {Value::Long(1)}, options);
  const std::string header_before_sync = std::string("Obj\x01", 4) +
                                         "\x04"  // two metadata entries, in one block
                                         "\x16"
                                         "avro.schema"  // key of length 11
                                         "\x0c"
                                         "\"long\""  // value of length 6
                                         "\x14"
                                         "avro.codec"  // key of length 10
                                         "\x08"
                                         "null" +                 // value of length 4
                                         std::string("\x00", 1);  // end of the metadata map
  ASSERT_EQ(file.size(), header_before_sync.size() + kSyncBytes + 3 + kSyncBytes);
  EXPECT_EQ(file.substr(0, header_before_sync.size()), header_before_sync);
  const std::string sync = file.substr(header_before_sync.size(), kSyncBytes);
  const size_t block = header_before_sync.size() + kSyncBytes;
  EXPECT_EQ(file.substr(block, 3), "\x02\x02\x02");  // one row, one byte, the long 1
  EXPECT_EQ(file.substr(block + 3), sync);

  auto read = ReadContainer(file);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->rows, std::vector<Value>{Value::Long(1)});
  EXPECT_EQ(read->metadata.at("avro.codec"), "null");
  EXPECT_EQ(read->metadata.at("avro.schema"), "\"long\"");
}

TEST(ContainerTest, SyncMarkersDifferBetweenFiles) {
  WriterOptions options;
  options.codec = Codec::kNull;
  const std::string a = WriteFile(Schema(R"("int")"), {}, options);
  const std::string b = WriteFile(Schema(R"("int")"), {}, options);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_NE(a.substr(a.size() - kSyncBytes), b.substr(b.size() - kSyncBytes));
}

constexpr std::string_view kEveryType = R"({
  "type": "record", "name": "every_type", "namespace": "floe.test", "fields": [
    {"name": "n", "type": "null"},
    {"name": "b", "type": "boolean"},
    {"name": "i", "type": "int", "field-id": 1},
    {"name": "l", "type": "long", "field-id": 2},
    {"name": "f", "type": "float"},
    {"name": "d", "type": "double"},
    {"name": "by", "type": "bytes"},
    {"name": "s", "type": "string"},
    {"name": "opt", "type": ["null", "long"], "default": null},
    {"name": "fx", "type": {"type": "fixed", "name": "fixed3", "size": 3}},
    {"name": "e", "type": {"type": "enum", "name": "suit", "symbols": ["HEARTS", "SPADES"]}},
    {"name": "arr", "type": {"type": "array", "element-id": 10, "items": {
        "type": "record", "name": "item", "fields": [
          {"name": "k", "type": "int"},
          {"name": "v", "type": ["null", "string"]}]}}},
    {"name": "m", "type": {"type": "map", "values": {"type": "array", "items": "double"}}},
    {"name": "nested", "type": {"type": "record", "name": "outer", "fields": [
        {"name": "inner", "type": {"type": "record", "name": "inner", "fields": [
            {"name": "deep", "type": ["null", "item"]}]}}]}}]})";

Value EveryTypeRow(int i) {
  return Value::Record({
      Value::Null(),
      Value::Boolean(i % 2 == 0),
      Value::Int(-i),
      Value::Long(int64_t{i} * 1'000'000'000'000),
      Value::Float(static_cast<float>(i) / 8),
      Value::Double(i * 0.1),
      Value::Bytes(std::string(static_cast<size_t>(i % 5), static_cast<char>(0xf0 + i % 16))),
      Value::String("row " + std::to_string(i)),
      i % 3 == 0 ? Value::Null() : Value::Long(i),
      Value::Bytes(std::string{'a', static_cast<char>(i % 128), 'z'}),
      Value::Int(i % 2),
      Value::Array({Value::Record({Value::Int(i), Value::String("x")}),
                    Value::Record({Value::Int(i + 1), Value::Null()})}),
      Value::Map({{"first", Value::Array({Value::Double(1.5), Value::Double(-i)})},
                  {"second", Value::Array({})}}),
      Value::Record({Value::Record(
          {i % 2 == 0 ? Value::Null() : Value::Record({Value::Int(7), Value::String("d")})})}),
  });
}

class RoundTripTest : public ::testing::TestWithParam<Codec> {};

TEST_P(RoundTripTest, EveryTypeInSeveralBlocks) {
  constexpr int kRows = 500;
  std::vector<Value> rows;
  for (int i = 0; i < kRows; ++i) rows.push_back(EveryTypeRow(i));
  WriterOptions options;
  options.codec = GetParam();
  options.block_size_bytes = 1024;
  options.metadata = {{"schema", "{\"type\":\"struct\"}"}, {"format-version", "2"}};
  const std::string file = WriteFile(Schema(kEveryType), rows, options);

  auto read = ReadContainer(file);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->rows.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(read->rows[i], rows[i]) << "row " << i << ": " << read->rows[i].DebugString();
  }
  EXPECT_EQ(read->metadata.at("avro.codec"), CodecName(GetParam()));
  EXPECT_EQ(read->metadata.at("schema"), "{\"type\":\"struct\"}");
  EXPECT_EQ(read->metadata.at("format-version"), "2");
  EXPECT_EQ(SchemaToJson(*read->schema), SchemaToJson(*Schema(kEveryType)));
  EXPECT_EQ(read->schema->fields[2].attributes["field-id"], 1);
  // The header's sync marker ends every block too: more than two means several blocks.
  const std::string sync = file.substr(file.size() - kSyncBytes);
  EXPECT_GT(CountOccurrences(file, sync), 3u);
}

TEST_P(RoundTripTest, EmptyFileHasAHeaderOnly) {
  WriterOptions options;
  options.codec = GetParam();
  const std::string file = WriteFile(Schema(kEveryType), {}, options);
  auto read = ReadContainer(file);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(read->rows.empty());
  EXPECT_EQ(CountOccurrences(file, file.substr(file.size() - kSyncBytes)), 1u);
}

TEST_P(RoundTripTest, PrimitiveSchemas) {
  WriterOptions options;
  options.codec = GetParam();
  const std::vector<Value> rows = {Value::String("a"), Value::String(""), Value::String("ccc")};
  auto read = ReadContainer(WriteFile(Schema(R"("string")"), rows, options));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->rows, rows);
}

INSTANTIATE_TEST_SUITE_P(BothCodecs, RoundTripTest,
                         ::testing::Values(Codec::kNull, Codec::kDeflate),
                         [](const auto& info) { return std::string(CodecName(info.param)); });

TEST(ContainerTest, DeflateShrinksRepetitiveRows) {
  std::vector<Value> rows(1000, Value::String(std::string(100, 'x')));
  WriterOptions deflate;
  WriterOptions plain;
  plain.codec = Codec::kNull;
  NodePtr schema = Schema(R"("string")");
  EXPECT_LT(WriteFile(schema, rows, deflate).size() * 10, WriteFile(schema, rows, plain).size());
}

TEST(ContainerTest, BadRowIsRejectedAndNotWritten) {
  NodePtr schema = Schema(R"({"type": "record", "name": "manifest_entry", "fields": [
      {"name": "status", "type": "int"},
      {"name": "data_file", "type": {"type": "record", "name": "r2", "fields": [
          {"name": "record_count", "type": "long"}]}}]})");
  io::StringOutputStream sink;
  auto writer = FileWriter::Make(&sink, schema, WriterOptions{});
  ASSERT_TRUE(writer.ok());
  const Value good = Value::Record({Value::Int(1), Value::Record({Value::Long(5)})});
  ASSERT_TRUE((*writer)->Append(good).ok());
  Status bad =
      (*writer)->Append(Value::Record({Value::Int(1), Value::Record({Value::String("5")})}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(bad.message(), "data_file.record_count: expected long, got string");
  ASSERT_TRUE((*writer)->Append(good).ok());
  EXPECT_EQ((*writer)->rows_written(), 2);
  ASSERT_TRUE((*writer)->Close().ok());
  auto read = ReadContainer(sink.buffer());
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->rows, (std::vector<Value>{good, good}));
}

TEST(ContainerTest, CloseTwiceAndAppendAfterClose) {
  io::StringOutputStream sink;
  WriterOptions options;
  options.codec = Codec::kNull;
  auto writer = FileWriter::Make(&sink, Schema(R"("int")"), options);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(Value::Int(3)).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  const std::string after_first_close = sink.buffer();
  EXPECT_TRUE((*writer)->Close().ok());
  EXPECT_EQ(sink.buffer(), after_first_close);
  EXPECT_FALSE((*writer)->Append(Value::Int(4)).ok());
}

// A sink that fails every write after the first `ok_writes`.
class FailingOutputStream final : public io::OutputStream {
 public:
  explicit FailingOutputStream(int ok_writes) : ok_writes_(ok_writes) {}
  Status Write(const void*, size_t size) override {
    if (ok_writes_-- <= 0) return IoError("disk full");
    position_ += static_cast<int64_t>(size);
    return Status::Ok();
  }
  int64_t Position() const override { return position_; }
  Status Close() override { return Status::Ok(); }
  Status Abort() override { return Status::Ok(); }

 private:
  int ok_writes_;
  int64_t position_ = 0;
};

TEST(ContainerTest, SinkErrorsAreReturned) {
  FailingOutputStream no_header(0);
  auto failed = FileWriter::Make(&no_header, Schema(R"("int")"), WriterOptions{});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().kind(), ErrorKind::kIoError);

  FailingOutputStream header_only(1);
  auto writer = FileWriter::Make(&header_only, Schema(R"("int")"), WriterOptions{});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(Value::Int(1)).ok());
  Status close = (*writer)->Close();
  EXPECT_EQ(close.kind(), ErrorKind::kIoError);
  EXPECT_EQ((*writer)->Close().kind(), ErrorKind::kIoError);
}

TEST(ContainerTest, InvalidOptionsAreRejected) {
  io::StringOutputStream sink;
  WriterOptions reserved;
  reserved.metadata = {{"avro.codec", "snappy"}};
  EXPECT_EQ(FileWriter::Make(&sink, Schema(R"("int")"), reserved).status().kind(),
            ErrorKind::kInvalidArgument);
  WriterOptions level;
  level.deflate_level = 10;
  EXPECT_FALSE(FileWriter::Make(&sink, Schema(R"("int")"), level).ok());
  WriterOptions block;
  block.block_size_bytes = 0;
  EXPECT_FALSE(FileWriter::Make(&sink, Schema(R"("int")"), block).ok());
  EXPECT_FALSE(FileWriter::Make(&sink, nullptr, WriterOptions{}).ok());
  EXPECT_FALSE(FileWriter::Make(nullptr, Schema(R"("int")"), WriterOptions{}).ok());
}

// A small file with two rows in one block, for the corruption tests.
std::string SmallFile(Codec codec) {
  WriterOptions options;
  options.codec = codec;
  NodePtr schema = Schema(R"({"type": "record", "name": "r", "fields": [
      {"name": "id", "type": "long"}, {"name": "name", "type": ["null", "string"]},
      {"name": "xs", "type": {"type": "array", "items": "int"}}]})");
  return WriteFile(schema,
                   {Value::Record({Value::Long(1), Value::String("one"),
                                   Value::Array({Value::Int(1), Value::Int(2)})}),
                    Value::Record({Value::Long(2), Value::Null(), Value::Array({})})},
                   options);
}

class CorruptTest : public ::testing::TestWithParam<Codec> {};

TEST_P(CorruptTest, EveryTruncationIsAnError) {
  const std::string file = SmallFile(GetParam());
  // The header alone (up to and including its sync marker) is a valid file without rows.
  const size_t header_size = file.find(file.substr(file.size() - kSyncBytes)) + kSyncBytes;
  for (size_t size = 0; size < file.size(); ++size) {
    auto read = ReadContainer(std::string_view(file).substr(0, size));
    if (size == header_size) {
      ASSERT_TRUE(read.ok()) << read.status().ToString();
      EXPECT_TRUE(read->rows.empty());
      continue;
    }
    ASSERT_FALSE(read.ok()) << "truncated to " << size << " of " << file.size() << " bytes";
    EXPECT_EQ(read.status().kind(), ErrorKind::kCorrupt) << read.status().ToString();
  }
}

TEST_P(CorruptTest, EveryFlippedByteIsHandled) {
  const std::string file = SmallFile(GetParam());
  for (size_t at = 0; at < file.size(); ++at) {
    for (int mask : {0x01, 0x80, 0xff}) {
      std::string damaged = file;
      damaged[at] = static_cast<char>(damaged[at] ^ mask);
      // Only the absence of crashes and overreads matters here; some flips stay valid.
      auto read = ReadContainer(damaged);
      if (!read.ok()) {
        EXPECT_EQ(read.status().kind(), ErrorKind::kCorrupt) << at;
      }
    }
  }
}

TEST_P(CorruptTest, WrongSyncMarker) {
  std::string file = SmallFile(GetParam());
  file.back() = static_cast<char>(file.back() ^ 1);
  auto read = ReadContainer(file);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().kind(), ErrorKind::kCorrupt);
  EXPECT_NE(read.status().message().find("block 0"), std::string::npos) << read.status().message();
  EXPECT_NE(read.status().message().find("wrong sync marker"), std::string::npos)
      << read.status().message();
}

TEST_P(CorruptTest, TrailingGarbageAfterTheRowsOfABlock) {
  const std::string file = SmallFile(GetParam());
  // Append a block claiming one row but holding an extra byte: the decoder must notice.
  const std::string sync = file.substr(file.size() - kSyncBytes);
  std::string extended = file + std::string("\x02\x04\x02\x00", 4) + sync;
  auto read = ReadContainer(extended);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().kind(), ErrorKind::kCorrupt);
}

INSTANTIATE_TEST_SUITE_P(BothCodecs, CorruptTest, ::testing::Values(Codec::kNull, Codec::kDeflate),
                         [](const auto& info) { return std::string(CodecName(info.param)); });

TEST(ContainerTest, BadMagic) {
  std::string file = SmallFile(Codec::kNull);
  file[0] = 'X';
  auto read = ReadContainer(file);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().kind(), ErrorKind::kCorrupt);
  EXPECT_NE(read.status().message().find("bad magic"), std::string::npos);
}

std::string HandMadeHeader(std::string_view codec) {
  std::string header = std::string("Obj\x01", 4) + "\x04" + "\x16" + "avro.schema" + "\x0a" +
                       "\"int\"" + "\x14" + "avro.codec";
  header.push_back(static_cast<char>(codec.size() * 2));
  header.append(codec);
  header.push_back('\0');
  header.append(kSyncBytes, 'S');
  return header;
}

TEST(ContainerTest, UnknownCodec) {
  auto read = ReadContainer(HandMadeHeader("snappy"));
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().kind(), ErrorKind::kCorrupt);
  EXPECT_EQ(read.status().message(), "unknown codec 'snappy'");
  // The hand-made header itself is sound.
  EXPECT_TRUE(ReadContainer(HandMadeHeader("null")).ok());
}

TEST(ContainerTest, MissingCodecMeansNull) {
  std::string file = std::string("Obj\x01", 4) + "\x02" + "\x16" + "avro.schema" + "\x0a" +
                     "\"int\"" + std::string("\x00", 1) + std::string(kSyncBytes, 'S') +
                     "\x02\x02\x54" + std::string(kSyncBytes, 'S');
  auto read = ReadContainer(file);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->rows, std::vector<Value>{Value::Int(42)});
}

TEST(ContainerTest, HeaderMapWithNegativeBlockCount) {
  // Metadata as a block of -2 entries followed by its byte size, as other writers may emit it.
  const std::string entries = std::string("\x16") + "avro.schema" + "\x0a" + "\"int\"" + "\x14" +
                              "avro.codec" + "\x08" + "null";
  std::string file = std::string("Obj\x01", 4) + "\x03";
  file.push_back(static_cast<char>(entries.size() * 2));
  file += entries + std::string("\x00", 1) + std::string(kSyncBytes, 'S') + "\x02\x02\x54" +
          std::string(kSyncBytes, 'S');
  auto read = ReadContainer(file);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->metadata.at("avro.codec"), "null");
  EXPECT_EQ(read->rows, std::vector<Value>{Value::Int(42)});
}

TEST(ContainerTest, BadSchemaInHeader) {
  std::string file = std::string("Obj\x01", 4) + "\x02" + "\x16" + "avro.schema" + "\x0a" +
                     "\"foo\"" + std::string("\x00", 1) + std::string(kSyncBytes, 'S');
  auto read = ReadContainer(file);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().kind(), ErrorKind::kCorrupt);
  EXPECT_EQ(read.status().message(), "avro.schema: schema: unknown type 'foo'");
}

TEST(ContainerTest, CorruptDeflateData) {
  // One block of "\xff\xff" claimed as deflate data: not a valid raw deflate stream.
  std::string file = HandMadeHeader("deflate") + "\x02\x04\xff\xff" + std::string(kSyncBytes, 'S');
  auto read = ReadContainer(file);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().kind(), ErrorKind::kCorrupt);
  EXPECT_NE(read.status().message().find("block 0"), std::string::npos) << read.status().message();
}

// PyIceberg's deflate blocks: zlib.compress(data)[2:-1], raw deflate followed by 3 bytes of the
// Adler-32 trailer (as Java's and Python's readers do, they are ignored); more is refused.
TEST(ContainerTest, DeflateBlocksWithAZlibTrailerAsPyIcebergWritesThem) {
  const std::string raw("\x0b\x01\x00", 3);  // raw deflate of the int 42's one byte, 0x54
  for (const std::string& trailer :
       {std::string("\x00\x55\x00", 3), std::string("\x00\x55\x00\x55", 4)}) {
    std::string file = HandMadeHeader("deflate") + "\x02";
    file.push_back(static_cast<char>((raw.size() + trailer.size()) * 2));
    file += raw + trailer + std::string(kSyncBytes, 'S');
    auto read = ReadContainer(file);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    EXPECT_EQ(read->rows, std::vector<Value>{Value::Int(42)});
  }
  std::string file = HandMadeHeader("deflate") + "\x02\x10" + raw + std::string(5, 'x') +
                     std::string(kSyncBytes, 'S');
  auto read = ReadContainer(file);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("5 bytes follow the end"), std::string::npos)
      << read.status().message();
}

}  // namespace
}  // namespace floe::avro
