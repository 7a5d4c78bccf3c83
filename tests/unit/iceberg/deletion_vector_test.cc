#include "iceberg/deletion_vector.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

namespace floe::iceberg {
namespace {

std::string FromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

nlohmann::json LoadFixture() {
  std::ifstream in(std::string(FLOE_SOURCE_DIR) +
                   "/tests/unit/iceberg/testdata/roaring64_pyroaring.json");
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

std::vector<int64_t> Expand(const nlohmann::json& ranges) {
  std::vector<int64_t> out;
  for (const auto& range : ranges) {
    const int64_t step = range.size() > 2 ? range[2].get<int64_t>() : 1;
    for (int64_t p = range[0].get<int64_t>(); p < range[1].get<int64_t>(); p += step) {
      out.push_back(p);
    }
  }
  return out;
}

// Bitmaps written by pyroaring (CRoaring): array, bitmap and run containers, with and without
// the offset header, several 32-bit keys. tests/tools/roaring/make_dv_fixtures.py made them.
TEST(DeletionVectorTest, ReadsPyroaringBitmapsAndBlobs) {
  const nlohmann::json fixture = LoadFixture();
  ASSERT_GE(fixture["cases"].size(), 7u);
  for (const auto& c : fixture["cases"]) {
    const std::string name = c["name"];
    const std::vector<int64_t> expected = Expand(c["ranges"]);
    ASSERT_EQ(static_cast<int64_t>(expected.size()), c["cardinality"].get<int64_t>()) << name;
    auto vector = DeletionVector::ParseRoaring64(FromHex(c["roaring64"]));
    ASSERT_TRUE(vector.ok()) << name << ": " << vector.status().ToString();
    EXPECT_EQ(vector->Positions(), expected) << name;
    EXPECT_EQ(vector->cardinality(), static_cast<int64_t>(expected.size())) << name;
    auto blob = DeletionVector::Parse(FromHex(c["blob"]));
    ASSERT_TRUE(blob.ok()) << name << ": " << blob.status().ToString();
    EXPECT_EQ(blob->Positions(), expected) << name;
  }
}

// Without run containers the portable format has one encoding: floe's bytes must equal
// CRoaring's, and its blob (length, magic, CRC) must equal the one built with zlib in Python.
TEST(DeletionVectorTest, WritesTheSameBytesAsCRoaring) {
  const nlohmann::json fixture = LoadFixture();
  int compared = 0;
  for (const auto& c : fixture["cases"]) {
    if (c["run_optimized"].get<bool>()) continue;
    DeletionVector vector;
    for (int64_t p : Expand(c["ranges"])) ASSERT_TRUE(vector.Add(p).ok());
    EXPECT_EQ(vector.SerializeRoaring64(), FromHex(c["roaring64"])) << c["name"];
    EXPECT_EQ(vector.Serialize(), FromHex(c["blob"])) << c["name"];
    ++compared;
  }
  EXPECT_GE(compared, 5);
}

TEST(DeletionVectorTest, AddContainsMergeAgainstAStdSet) {
  std::mt19937_64 random(17);
  DeletionVector a;
  DeletionVector b;
  std::set<int64_t> expected;
  for (int i = 0; i < 20000; ++i) {
    // Dense near 0 (bitmap containers), sparse far away (arrays, other 32-bit keys).
    const int64_t p = (i % 3 == 0) ? static_cast<int64_t>(random() % (int64_t{1} << 40))
                                   : static_cast<int64_t>(random() % 70000);
    ASSERT_TRUE(((i % 2) ? a : b).Add(p).ok());
    expected.insert(p);
  }
  a.Merge(b);
  EXPECT_EQ(a.cardinality(), static_cast<int64_t>(expected.size()));
  EXPECT_EQ(a.Positions(), std::vector<int64_t>(expected.begin(), expected.end()));
  for (int i = 0; i < 1000; ++i) {
    const auto p = static_cast<int64_t>(random() % 70000);
    EXPECT_EQ(a.Contains(p), expected.count(p) == 1) << p;
  }
  EXPECT_FALSE(a.Contains(-1));
  auto parsed = DeletionVector::Parse(a.Serialize());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, a);
}

TEST(DeletionVectorTest, RejectsNegativePositions) {
  DeletionVector vector;
  EXPECT_EQ(vector.Add(-5).kind(), ErrorKind::kInvalidArgument);
  EXPECT_TRUE(vector.empty());
}

TEST(DeletionVectorTest, DamagedBlobsAreCorruptWithAReason) {
  DeletionVector vector;
  for (int64_t p : {1, 2, 70000}) ASSERT_TRUE(vector.Add(p).ok());
  const std::string good = vector.Serialize();
  auto flip = [&](size_t at) {
    std::string bytes = good;
    bytes[at] = static_cast<char>(bytes[at] ^ 0x40);
    return bytes;
  };
  struct Case {
    std::string name;
    std::string bytes;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"too short", good.substr(0, 6), "too short"},
      {"length", flip(3), "length field"},
      {"magic", flip(5), "magic"},
      {"crc", flip(good.size() - 1), "CRC-32"},
      {"bitmap byte", flip(20), "CRC-32"},
  };
  for (const Case& c : cases) {
    auto parsed = DeletionVector::Parse(c.bytes);
    ASSERT_FALSE(parsed.ok()) << c.name;
    EXPECT_EQ(parsed.status().kind(), ErrorKind::kCorrupt) << c.name;
    EXPECT_NE(parsed.status().message().find(c.message), std::string::npos)
        << c.name << ": " << parsed.status().message();
  }
  // Bitmap damage behind a valid CRC: a truncated vector and an unknown cookie.
  const std::string roaring = vector.SerializeRoaring64();
  auto truncated = DeletionVector::ParseRoaring64(roaring.substr(0, roaring.size() - 1));
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.status().message().find("runs past the end"), std::string::npos);
  std::string bad_cookie = roaring;
  bad_cookie[12] = 0x01;
  auto cookie = DeletionVector::ParseRoaring64(bad_cookie);
  ASSERT_FALSE(cookie.ok());
  EXPECT_NE(cookie.status().message().find("cookie"), std::string::npos);
}

}  // namespace
}  // namespace floe::iceberg
