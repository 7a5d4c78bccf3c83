#include "common/uuid.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace floe {
namespace {

TEST(UuidTest, TextFormIsVersion4) {
  const std::regex form("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string id = NewUuid();
    EXPECT_TRUE(std::regex_match(id, form)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(UuidTest, KnownBytesFormat) {
  std::array<uint8_t, 16> bytes{0xf7, 0x9c, 0x3e, 0x09, 0x67, 0x7c, 0x4b, 0xbd,
                                0xa4, 0x79, 0x3f, 0x34, 0x9c, 0xb7, 0x85, 0xe7};
  EXPECT_EQ(UuidToString(bytes), "f79c3e09-677c-4bbd-a479-3f349cb785e7");
}

TEST(UuidTest, PositiveIdsArePositive) {
  for (int i = 0; i < 1000; ++i) EXPECT_GT(NewPositiveId(), 0);
}

}  // namespace
}  // namespace floe
