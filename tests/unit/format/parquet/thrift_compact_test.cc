// Thrift compact protocol: byte sequences derived by hand from thrift-compact-protocol.md.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "format/parquet/thrift_compact_reader.h"
#include "format/parquet/thrift_compact_writer.h"

namespace floe::parquet {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

TEST(ThriftCompactWriter, FieldDeltasLongJumpsAndBools) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.StructBegin();
  w.I32Field(1, 5);         // delta 1, type i32 (5): 0x15; zigzag(5) = 10
  w.I64Field(3, -1);        // delta 2, type i64 (6): 0x26; zigzag(-1) = 1
  w.BinaryField(20, "ab");  // delta 17 > 15: type byte 0x08, zigzag(20) = 40, len 2, "ab"
  w.BoolField(21, true);    // delta 1, BOOLEAN_TRUE (1): 0x11
  w.BoolField(22, false);   // delta 1, BOOLEAN_FALSE (2): 0x12
  w.I32Field(5, 150);       // id goes down: long form 0x05, zigzag(5) = 10; zigzag(150) = 300
  w.StructEnd();            // stop
  EXPECT_EQ(out, Bytes({0x15, 0x0A, 0x26, 0x01, 0x08, 0x28, 0x02, 'a', 'b', 0x11, 0x12, 0x05, 0x0A,
                        0xAC, 0x02, 0x00}));
}

TEST(ThriftCompactWriter, ZigZagVarints) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.I32(0);
  w.I32(-1);
  w.I32(1);
  w.I32(-64);  // zigzag 127: one byte
  w.I32(64);   // zigzag 128: 0x80 0x01
  EXPECT_EQ(out, Bytes({0x00, 0x01, 0x02, 0x7F, 0x80, 0x01}));
  out.clear();
  w.I64(INT64_MIN);  // zigzag: all 64 bits set: nine 0xFF then 0x01
  EXPECT_EQ(out, Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}));
  out.clear();
  w.I32(INT32_MAX);  // zigzag 0xFFFFFFFE
  EXPECT_EQ(out, Bytes({0xFE, 0xFF, 0xFF, 0xFF, 0x0F}));
}

TEST(ThriftCompactWriter, ListsShortAndLong) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.ListBegin(ThriftType::kI32, 3);  // size in the high nibble
  w.I32(1);
  w.I32(2);
  w.I32(3);
  EXPECT_EQ(out, Bytes({0x35, 0x02, 0x04, 0x06}));
  out.clear();
  w.ListBegin(ThriftType::kBinary, 20);  // 0xF0 | type, then varint size
  EXPECT_EQ(out, Bytes({0xF8, 0x14}));
  out.clear();
  w.ListBegin(ThriftType::kStruct, 14);  // largest short size
  EXPECT_EQ(out, Bytes({0xEC}));
}

TEST(ThriftCompactWriter, NestedStructsRestartFieldIds) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.StructBegin();
  w.I32Field(1, 1);
  w.StructFieldBegin(2);  // delta 1, type struct (12): 0x1C
  w.I32Field(1, 1);       // inner ids count from 0 again: 0x15
  w.StructEnd();
  w.I32Field(3, 1);  // outer delta from 2: 0x15
  w.StructEnd();
  EXPECT_EQ(out, Bytes({0x15, 0x02, 0x1C, 0x15, 0x02, 0x00, 0x15, 0x02, 0x00}));
}

TEST(ThriftCompactReader, ReadsWhatTheWriterWrote) {
  std::string data = Bytes({0x15, 0x0A, 0x26, 0x01, 0x08, 0x28, 0x02, 'a',  'b',  0x11, 0x12,
                            0x05, 0x0A, 0xAC, 0x02, 0x19, 0x35, 0x02, 0x04, 0x06, 0x00});
  ThriftCompactReader r(data);
  r.StructBegin();
  int16_t id;
  ASSERT_EQ(r.FieldBegin(&id), ThriftType::kI32);
  EXPECT_EQ(id, 1);
  EXPECT_EQ(r.I32(), 5);
  ASSERT_EQ(r.FieldBegin(&id), ThriftType::kI64);
  EXPECT_EQ(id, 3);
  EXPECT_EQ(r.I64(), -1);
  ASSERT_EQ(r.FieldBegin(&id), ThriftType::kBinary);
  EXPECT_EQ(id, 20);
  EXPECT_EQ(r.Binary(), "ab");
  ThriftType t = r.FieldBegin(&id);
  EXPECT_EQ(id, 21);
  EXPECT_TRUE(r.FieldBool(t));
  t = r.FieldBegin(&id);
  EXPECT_EQ(id, 22);
  EXPECT_FALSE(r.FieldBool(t));
  ASSERT_EQ(r.FieldBegin(&id), ThriftType::kI32);
  EXPECT_EQ(id, 5);
  EXPECT_EQ(r.I32(), 150);
  ASSERT_EQ(r.FieldBegin(&id), ThriftType::kList);  // delta 1 from 5
  EXPECT_EQ(id, 6);
  ThriftType element;
  ASSERT_EQ(r.ListBegin(&element), 3u);
  EXPECT_EQ(element, ThriftType::kI32);
  EXPECT_EQ(r.I32(), 1);
  EXPECT_EQ(r.I32(), 2);
  EXPECT_EQ(r.I32(), 3);
  EXPECT_EQ(r.FieldBegin(&id), ThriftType::kStop);
  r.StructEnd();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.position(), data.size());
}

TEST(ThriftCompactReader, SkipsUnknownNestedValues) {
  // struct { 1: struct { 1: list<binary> ["x"], 2: map<i32,i32> {1: 2} }, 2: i32 7 }
  std::string data =
      Bytes({0x1C, 0x19, 0x18, 0x01, 'x', 0x1B, 0x01, 0x55, 0x02, 0x04, 0x00, 0x15, 0x0E, 0x00});
  ThriftCompactReader r(data);
  r.StructBegin();
  int16_t id;
  ThriftType t = r.FieldBegin(&id);
  ASSERT_EQ(t, ThriftType::kStruct);
  r.Skip(t);
  ASSERT_EQ(r.FieldBegin(&id), ThriftType::kI32);
  EXPECT_EQ(id, 2);
  EXPECT_EQ(r.I32(), 7);
  EXPECT_EQ(r.FieldBegin(&id), ThriftType::kStop);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
}

TEST(ThriftCompactReader, TruncatedVarintIsCorrupt) {
  std::string data = Bytes({0x15, 0x80, 0x80});
  ThriftCompactReader r(data);
  r.StructBegin();
  int16_t id;
  r.FieldBegin(&id);
  r.I32();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kCorrupt);
  EXPECT_NE(r.status().message().find("truncated varint"), std::string::npos);
}

TEST(ThriftCompactReader, OverlongBinaryAndListAreCorrupt) {
  {
    std::string data = Bytes({0x18, 0x7F, 'a'});
    ThriftCompactReader r(data);
    r.StructBegin();
    int16_t id;
    r.FieldBegin(&id);
    r.Binary();
    EXPECT_FALSE(r.ok());
  }
  {
    std::string data = Bytes({0xF5, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F});
    ThriftCompactReader r(data);
    ThriftType element;
    EXPECT_EQ(r.ListBegin(&element), 0u);
    EXPECT_FALSE(r.ok());
  }
}

TEST(ThriftCompactReader, UnknownTypeAndDeepNestingAreCorrupt) {
  {
    std::string data = Bytes({0x1D});  // type 13 does not exist
    ThriftCompactReader r(data);
    r.StructBegin();
    int16_t id;
    EXPECT_EQ(r.FieldBegin(&id), ThriftType::kStop);
    EXPECT_FALSE(r.ok());
  }
  {
    std::string data(10000, static_cast<char>(0x1C));  // struct in struct in struct ...
    ThriftCompactReader r(data);
    r.Skip(ThriftType::kStruct);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.status().kind(), ErrorKind::kCorrupt);
  }
}

}  // namespace
}  // namespace floe::parquet
