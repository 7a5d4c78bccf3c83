#include <gtest/gtest.h>
#include <zstd.h>

#include <string>

#include "format/puffin/file_reader.h"
#include "format/puffin/file_writer.h"
#include "format/puffin/footer_json.h"
#include "io/file_io.h"

namespace floe::puffin {
namespace {

BlobMetadata Describe(std::string type, int64_t snapshot_id) {
  BlobMetadata blob;
  blob.type = std::move(type);
  blob.fields = {1, 2};
  blob.snapshot_id = snapshot_id;
  blob.sequence_number = 7;
  blob.properties = {{"cardinality", "3"}};
  return blob;
}

std::string WriteFile(const std::vector<std::pair<BlobMetadata, std::string>>& blobs) {
  io::StringOutputStream sink;
  auto writer = FileWriter::Make(&sink);
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  for (const auto& [description, bytes] : blobs) {
    EXPECT_TRUE((*writer)->AddBlob(description, bytes).ok());
  }
  EXPECT_TRUE((*writer)->Finish({{"created-by", "floe test"}}).ok());
  return sink.Release();
}

uint32_t LittleEndian32(const std::string& bytes, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v |= uint32_t{static_cast<uint8_t>(bytes[at + i])} << (8 * i);
  return v;
}

TEST(PuffinTest, LayoutMatchesTheSpecByteForByte) {
  const std::string file = WriteFile({{Describe("a", 1), "xyz"}, {Describe("b", 2), "12345"}});
  // Leading magic, then the blobs back to back from offset 4.
  EXPECT_EQ(file.substr(0, 4), "PFA1");
  EXPECT_EQ(file.substr(4, 3), "xyz");
  EXPECT_EQ(file.substr(7, 5), "12345");
  // Footer: magic, payload, payload length (LE), 4 flag bytes, magic.
  EXPECT_EQ(file.substr(12, 4), "PFA1");
  EXPECT_EQ(file.substr(file.size() - 4), "PFA1");
  EXPECT_EQ(file.substr(file.size() - 8, 4), std::string(4, '\0'));
  const uint32_t payload_size = LittleEndian32(file, file.size() - 12);
  EXPECT_EQ(payload_size, file.size() - 16 - 12);
  const std::string payload = file.substr(16, payload_size);
  EXPECT_EQ(payload, R"({"blobs":[{"type":"a","fields":[1,2],"snapshot-id":1,"sequence-number":7,)"
                     R"("offset":4,"length":3,"properties":{"cardinality":"3"}},)"
                     R"({"type":"b","fields":[1,2],"snapshot-id":2,"sequence-number":7,)"
                     R"("offset":7,"length":5,"properties":{"cardinality":"3"}}],)"
                     R"("properties":{"created-by":"floe test"}})");
}

TEST(PuffinTest, RoundTripsBlobsAndProperties) {
  const std::string file = WriteFile({{Describe("a", 1), "xyz"}, {Describe("b", -1), ""}});
  auto reader = FileReader::OpenBuffer(file);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const FileMetadata& metadata = (*reader)->metadata();
  ASSERT_EQ(metadata.blobs.size(), 2u);
  EXPECT_EQ(metadata.properties.at("created-by"), "floe test");
  EXPECT_EQ(metadata.blobs[1].snapshot_id, -1);
  EXPECT_EQ(metadata.blobs[0].offset, 4);
  auto first = (*reader)->ReadBlob(metadata.blobs[0]);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, "xyz");
  auto second = (*reader)->ReadBlob(metadata.blobs[1]);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, "");
}

TEST(PuffinTest, FinishTwiceAndAddAfterFinish) {
  io::StringOutputStream sink;
  auto writer = FileWriter::Make(&sink);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Finish().ok());
  const size_t size = sink.buffer().size();
  EXPECT_TRUE((*writer)->Finish().ok());
  EXPECT_EQ(sink.buffer().size(), size);
  EXPECT_FALSE((*writer)->AddBlob(Describe("a", 1), "x").ok());
  // An empty file (no blobs) is valid.
  auto reader = FileReader::OpenBuffer(sink.buffer());
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_TRUE((*reader)->metadata().blobs.empty());
}

/// Builds a file around a hand-written footer payload (for blobs a reader must cope with but
/// floe's writer never produces).
std::string FileWithFooter(const std::string& data, const std::string& payload, uint8_t flags = 0) {
  std::string file = "PFA1" + data + "PFA1" + payload;
  const auto size = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) file.push_back(static_cast<char>((size >> (8 * i)) & 0xFF));
  file.push_back(static_cast<char>(flags));
  file.append(3, '\0');
  return file + "PFA1";
}

TEST(PuffinTest, ReadsZstdBlobsAndRefusesLz4Clearly) {
  const std::string plain = "deleted rows deleted rows deleted rows";
  std::string compressed(ZSTD_compressBound(plain.size()), '\0');
  compressed.resize(
      ZSTD_compress(compressed.data(), compressed.size(), plain.data(), plain.size(), 3));
  const std::string payload =
      R"({"blobs":[{"type":"t","fields":[],"snapshot-id":1,"sequence-number":1,"offset":4,)"
      R"("length":)" +
      std::to_string(compressed.size()) + R"(,"compression-codec":"zstd"},)" +
      R"({"type":"u","fields":[],"snapshot-id":1,"sequence-number":1,"offset":4,"length":1,)"
      R"("compression-codec":"lz4"}]})";
  auto reader = FileReader::OpenBuffer(FileWithFooter(compressed, payload));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto zstd = (*reader)->ReadBlob((*reader)->metadata().blobs[0]);
  ASSERT_TRUE(zstd.ok()) << zstd.status().ToString();
  EXPECT_EQ(*zstd, plain);
  auto lz4 = (*reader)->ReadBlob((*reader)->metadata().blobs[1]);
  ASSERT_FALSE(lz4.ok());
  EXPECT_EQ(lz4.status().kind(), ErrorKind::kNotSupported);
  EXPECT_NE(lz4.status().message().find("'lz4'"), std::string::npos);
}

TEST(PuffinTest, CompressedFooterIsNotSupported) {
  auto reader = FileReader::OpenBuffer(FileWithFooter("", "{}", /*flags=*/1));
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().kind(), ErrorKind::kNotSupported);
}

TEST(PuffinTest, DamagedFilesAreCorruptWithAReason) {
  const std::string good = WriteFile({{Describe("a", 1), "xyz"}});
  struct Case {
    std::string name;
    std::string bytes;
    std::string message;
  };
  std::string bad_head = good;
  bad_head[0] = 'X';
  std::string bad_tail = good;
  bad_tail[bad_tail.size() - 1] = 'X';
  std::string huge_length = good;
  huge_length[huge_length.size() - 10] = '\x7f';
  const std::vector<Case> cases = {
      {"too short", "PFA1PFA1", "too short"},
      {"bad leading magic", bad_head, "start of the file"},
      {"bad trailing magic", bad_tail, "end of the file"},
      {"payload longer than the file", huge_length, "does not fit"},
      {"bad json", FileWithFooter("", "{nope"), "not valid JSON"},
      {"missing offset",
       FileWithFooter("", R"({"blobs":[{"type":"t","fields":[],"snapshot-id":1,)"
                          R"("sequence-number":1,"length":0}]})"),
       "blobs[0].offset: missing"},
      {"blob past the data",
       FileWithFooter("ab", R"({"blobs":[{"type":"t","fields":[],"snapshot-id":1,)"
                            R"("sequence-number":1,"offset":4,"length":3}]})"),
       "outside the data area"},
  };
  for (const Case& c : cases) {
    auto reader = FileReader::OpenBuffer(c.bytes);
    ASSERT_FALSE(reader.ok()) << c.name;
    EXPECT_EQ(reader.status().kind(), ErrorKind::kCorrupt) << c.name;
    EXPECT_NE(reader.status().message().find(c.message), std::string::npos)
        << c.name << ": " << reader.status().message();
  }
}

}  // namespace
}  // namespace floe::puffin
