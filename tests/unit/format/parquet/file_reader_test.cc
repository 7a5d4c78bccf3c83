// FileReader: corrupt input is Corrupt (never a crash), and pages floe does not write itself
// (data page v2, PLAIN_DICTIONARY, RLE booleans) decode.

#include "format/parquet/file_reader.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "format/parquet/compression.h"
#include "format/parquet/rle_encoder.h"
#include "parquet_test_util.h"

namespace floe::parquet {
namespace {

using testing::Cells;
using testing::Column;
using testing::Numbers;
using testing::ReadAll;
using testing::Strings;
using testing::WriteToString;

std::string SampleFile() {
  Schema schema{
      {Column("id", PhysicalType::kInt64, Repetition::kRequired),
       Column("s", PhysicalType::kByteArray, Repetition::kOptional, LogicalType::String())}};
  ColumnVector id(ColumnKind::kInt64);
  ColumnVector s(ColumnKind::kBytes);
  for (int i = 0; i < 2000; ++i) {
    id.Append<int64_t>(i);
    if (i % 5 == 0) {
      s.AppendNull();
    } else {
      s.AppendBytes(fmt::format("v{}", i % 300));
    }
  }
  WriterProperties props;
  props.codec = Codec::kSnappy;
  props.data_page_size_bytes = 1024;
  auto file = WriteToString(schema, props, {{&id, &s}});
  EXPECT_TRUE(file.ok());
  return *file;
}

void ExpectCorrupt(const Status& s, std::string_view fragment) {
  EXPECT_EQ(s.kind(), ErrorKind::kCorrupt) << s.ToString();
  EXPECT_NE(s.message().find(fragment), std::string::npos) << s.message();
}

TEST(FileReaderCorrupt, BadMagic) {
  std::string file = SampleFile();
  std::string head = file;
  head[0] = 'X';
  ExpectCorrupt(FileReader::OpenBuffer(head).status(), "offset 0");
  std::string tail = file;
  tail[tail.size() - 1] = 'X';
  ExpectCorrupt(FileReader::OpenBuffer(tail).status(), "at the end");
  ExpectCorrupt(FileReader::OpenBuffer("PAR1").status(), "shorter");
  ExpectCorrupt(FileReader::OpenBuffer("").status(), "shorter");
}

TEST(FileReaderCorrupt, TruncatedFile) {
  std::string file = SampleFile();
  // Cut off the end: the trailing magic is gone.
  ExpectCorrupt(FileReader::OpenBuffer(file.substr(0, file.size() - 10)).status(), "PAR1");
  // Keep the tail but drop bytes before it: the footer length now points before the file start.
  std::string shortened = file.substr(0, 8) + file.substr(file.size() - 8);
  ExpectCorrupt(FileReader::OpenBuffer(shortened).status(), "footer length");
}

TEST(FileReaderCorrupt, BadThriftFooter) {
  std::string file = SampleFile();
  uint32_t footer_length;
  std::memcpy(&footer_length, file.data() + file.size() - 8, 4);
  size_t footer_start = file.size() - 8 - footer_length;
  std::string garbage = file;
  for (size_t i = footer_start; i < file.size() - 8; ++i) garbage[i] = static_cast<char>(0xFF);
  Status s = FileReader::OpenBuffer(garbage).status();
  ExpectCorrupt(s, "footer at offset " + std::to_string(footer_start));
  // A footer that stops half way.
  std::string half = file.substr(0, footer_start) + file.substr(footer_start, footer_length / 2);
  uint32_t half_length = footer_length / 2;
  half.append(reinterpret_cast<const char*>(&half_length), 4);
  half.append("PAR1");
  EXPECT_EQ(FileReader::OpenBuffer(half).status().kind(), ErrorKind::kCorrupt);
}

TEST(FileReaderCorrupt, BadPageData) {
  std::string file = SampleFile();
  auto reader = FileReader::OpenBuffer(file);
  ASSERT_TRUE(reader.ok());
  const auto& meta = *(*reader)->metadata().row_groups[0].columns[1].meta_data;
  std::string broken = file;
  // Overwrite the first page header of column 's' with a stop byte and junk.
  int64_t at = meta.dictionary_page_offset.value_or(meta.data_page_offset);
  for (int i = 0; i < 6; ++i) broken[at + i] = static_cast<char>(0xFF);
  auto r2 = FileReader::OpenBuffer(broken);
  ASSERT_TRUE(r2.ok());
  auto rows = (*r2)->ReadRowGroup(0);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().kind(), ErrorKind::kCorrupt);
  EXPECT_NE(rows.status().message().find("column 's'"), std::string::npos)
      << rows.status().message();
  EXPECT_EQ((*r2)->ReadRowGroup(5).status().kind(), ErrorKind::kInvalidArgument);
}

TEST(FileReaderCorrupt, RandomByteFlipsNeverCrash) {
  std::string file = SampleFile();
  std::mt19937 rng(1234);
  int failures = 0;
  for (int trial = 0; trial < 400; ++trial) {
    std::string broken = file;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      broken[rng() % broken.size()] = static_cast<char>(rng());
    }
    auto reader = FileReader::OpenBuffer(broken);
    if (!reader.ok()) {
      ++failures;
      continue;
    }
    for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
      if (!(*reader)->ReadRowGroup(g).ok()) ++failures;
    }
  }
  EXPECT_GT(failures, 0);  // most flips land in pages or the footer and are caught
}

// Builds a one-column file by hand, with pages given as (header, body) pairs.
std::string HandMadeFile(const ColumnDescriptor& column, thrift::CompressionCodec codec,
                         int64_t rows, const std::vector<std::string>& pages,
                         std::optional<int64_t> dictionary_offset) {
  std::string file = "PAR1";
  int64_t start = static_cast<int64_t>(file.size());
  for (const auto& p : pages) file += p;
  thrift::FileMetaData meta;
  thrift::SchemaElement root;
  root.name = "schema";
  root.num_children = 1;
  thrift::SchemaElement leaf;
  leaf.name = column.name;
  leaf.type = column.physical_type;
  leaf.repetition_type = column.repetition;
  meta.schema = {root, leaf};
  meta.num_rows = rows;
  thrift::RowGroup group;
  group.num_rows = rows;
  thrift::ColumnChunk chunk;
  chunk.file_offset = start;
  thrift::ColumnMetaData cm;
  cm.type = column.physical_type;
  cm.path_in_schema = {column.name};
  cm.codec = codec;
  cm.num_values = rows;
  cm.total_compressed_size = static_cast<int64_t>(file.size()) - start;
  cm.total_uncompressed_size = cm.total_compressed_size;
  cm.dictionary_page_offset = dictionary_offset;
  cm.data_page_offset = dictionary_offset ? start + static_cast<int64_t>(pages[0].size()) : start;
  chunk.meta_data = cm;
  group.columns = {chunk};
  meta.row_groups = {group};
  std::string footer;
  thrift::SerializeFileMetaData(meta, &footer);
  uint32_t length = static_cast<uint32_t>(footer.size());
  file += footer;
  file.append(reinterpret_cast<const char*>(&length), 4);
  file += "PAR1";
  return file;
}

std::string Page(thrift::PageHeader header, const std::string& body, size_t uncompressed) {
  header.uncompressed_page_size = static_cast<int32_t>(uncompressed);
  header.compressed_page_size = static_cast<int32_t>(body.size());
  std::string out;
  thrift::SerializePageHeader(header, &out);
  return out + body;
}

TEST(FileReader, DecodesDataPageV2WithCompressedValues) {
  ColumnDescriptor column = Column("x", PhysicalType::kInt32);
  // 5 rows: 10, null, 30, null, 50. Levels 1,0,1,0,1 bit-packed, no length prefix in v2.
  std::vector<uint8_t> levels = {1, 0, 1, 0, 1};
  std::string level_bytes;
  RleEncoder::Encode(levels.data(), levels.size(), 1, &level_bytes);
  std::string values;
  for (int32_t v : {10, 30, 50}) values.append(reinterpret_cast<const char*>(&v), 4);
  auto compressor = Compressor::Make(Codec::kZstd, 0);
  ASSERT_TRUE(compressor.ok());
  Result<std::string_view> compressed_view = (*compressor)->Compress(values);
  ASSERT_TRUE(compressed_view.ok());
  const std::string compressed(*compressed_view);
  thrift::PageHeader header;
  header.type = thrift::PageType::kDataPageV2;
  thrift::DataPageHeaderV2 v2;
  v2.num_values = 5;
  v2.num_nulls = 2;
  v2.num_rows = 5;
  v2.encoding = thrift::Encoding::kPlain;
  v2.definition_levels_byte_length = static_cast<int32_t>(level_bytes.size());
  v2.repetition_levels_byte_length = 0;
  header.data_page_header_v2 = v2;
  std::string page = Page(header, level_bytes + compressed, level_bytes.size() + values.size());
  std::string file = HandMadeFile(column, thrift::CompressionCodec::kZstd, 5, {page}, std::nullopt);
  auto cells = ReadAll(file);
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(cells[0], (std::vector<std::string>{"10", "null", "30", "null", "50"}));
}

TEST(FileReader, DecodesPlainDictionaryAndRleBooleans) {
  {
    ColumnDescriptor column = Column("s", PhysicalType::kByteArray, Repetition::kRequired);
    std::string dict;
    for (std::string v : {"x", "yy"}) {
      uint32_t n = static_cast<uint32_t>(v.size());
      dict.append(reinterpret_cast<const char*>(&n), 4);
      dict += v;
    }
    thrift::PageHeader dh;
    dh.type = thrift::PageType::kDictionaryPage;
    dh.dictionary_page_header =
        thrift::DictionaryPageHeader{2, thrift::Encoding::kPlainDictionary, std::nullopt};
    std::vector<uint32_t> indices = {1, 0, 1, 1};
    std::string body(1, '\x01');  // bit width 1
    RleEncoder::Encode(indices.data(), indices.size(), 1, &body);
    thrift::PageHeader ph;
    ph.type = thrift::PageType::kDataPage;
    ph.data_page_header = thrift::DataPageHeader{4, thrift::Encoding::kPlainDictionary,
                                                 thrift::Encoding::kRle, thrift::Encoding::kRle};
    std::string dict_page = Page(dh, dict, dict.size());
    std::string file = HandMadeFile(column, thrift::CompressionCodec::kUncompressed, 4,
                                    {dict_page, Page(ph, body, body.size())}, 4);
    auto cells = ReadAll(file);
    ASSERT_EQ(cells.size(), 1u);
    EXPECT_EQ(cells[0], (std::vector<std::string>{"'yy'", "'x'", "'yy'", "'yy'"}));
  }
  {
    ColumnDescriptor column = Column("b", PhysicalType::kBoolean, Repetition::kRequired);
    std::vector<uint8_t> values(20, 1);
    values[3] = 0;
    std::string encoded;
    RleEncoder::Encode(values.data(), values.size(), 1, &encoded);
    uint32_t n = static_cast<uint32_t>(encoded.size());
    std::string body(reinterpret_cast<const char*>(&n), 4);
    body += encoded;
    thrift::PageHeader ph;
    ph.type = thrift::PageType::kDataPage;
    ph.data_page_header = thrift::DataPageHeader{20, thrift::Encoding::kRle, thrift::Encoding::kRle,
                                                 thrift::Encoding::kRle};
    std::string file = HandMadeFile(column, thrift::CompressionCodec::kUncompressed, 20,
                                    {Page(ph, body, body.size())}, std::nullopt);
    auto cells = ReadAll(file);
    ASSERT_EQ(cells.size(), 1u);
    ASSERT_EQ(cells[0].size(), 20u);
    EXPECT_EQ(cells[0][3], "false");
    EXPECT_EQ(cells[0][4], "true");
  }
}

TEST(FileReaderCorrupt, DictionaryIndexOutOfRange) {
  ColumnDescriptor column = Column("s", PhysicalType::kByteArray, Repetition::kRequired);
  std::string dict("\x01\x00\x00\x00x", 5);
  thrift::PageHeader dh;
  dh.type = thrift::PageType::kDictionaryPage;
  dh.dictionary_page_header =
      thrift::DictionaryPageHeader{1, thrift::Encoding::kPlain, std::nullopt};
  std::vector<uint32_t> indices = {0, 3};
  std::string body(1, '\x02');
  RleEncoder::Encode(indices.data(), indices.size(), 2, &body);
  thrift::PageHeader ph;
  ph.type = thrift::PageType::kDataPage;
  ph.data_page_header = thrift::DataPageHeader{2, thrift::Encoding::kRleDictionary,
                                               thrift::Encoding::kRle, thrift::Encoding::kRle};
  std::string file = HandMadeFile(column, thrift::CompressionCodec::kUncompressed, 2,
                                  {Page(dh, dict, dict.size()), Page(ph, body, body.size())}, 4);
  auto reader = FileReader::OpenBuffer(file);
  ASSERT_TRUE(reader.ok());
  auto rows = (*reader)->ReadRowGroup(0);
  ASSERT_FALSE(rows.ok());
  ExpectCorrupt(rows.status(), "dictionary index 3");
}

TEST(FileReaderCorrupt, CompressedPageThatLies) {
  ColumnDescriptor column = Column("x", PhysicalType::kInt64, Repetition::kRequired);
  std::string body = "definitely not snappy";
  thrift::PageHeader ph;
  ph.type = thrift::PageType::kDataPage;
  ph.data_page_header = thrift::DataPageHeader{3, thrift::Encoding::kPlain, thrift::Encoding::kRle,
                                               thrift::Encoding::kRle};
  for (auto codec : {thrift::CompressionCodec::kSnappy, thrift::CompressionCodec::kGzip,
                     thrift::CompressionCodec::kZstd}) {
    std::string file = HandMadeFile(column, codec, 3, {Page(ph, body, 24)}, std::nullopt);
    auto reader = FileReader::OpenBuffer(file);
    ASSERT_TRUE(reader.ok());
    auto rows = (*reader)->ReadRowGroup(0);
    ASSERT_FALSE(rows.ok());
    EXPECT_EQ(rows.status().kind(), ErrorKind::kCorrupt) << rows.status().ToString();
  }
  // Too few PLAIN bytes for the values the header promises.
  std::string file = HandMadeFile(column, thrift::CompressionCodec::kUncompressed, 3,
                                  {Page(ph, std::string(10, 'a'), 10)}, std::nullopt);
  auto rows = (*FileReader::OpenBuffer(file))->ReadRowGroup(0);
  ExpectCorrupt(rows.status(), "PLAIN values");
}

}  // namespace
}  // namespace floe::parquet
