// Base64 and UUID text, checked against known encodings (RFC 4648 test vectors).

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "format/json/base64.h"
#include "format/json/uuid_text.h"

namespace floe::json {
namespace {

std::string Decode(std::string_view text) {
  std::string out = "stale";
  Status status = DecodeBase64(text, &out);
  EXPECT_TRUE(status.ok()) << text << ": " << status.ToString();
  return out;
}

TEST(DecodeBase64, Rfc4648Vectors) {
  EXPECT_EQ(Decode(""), "");
  EXPECT_EQ(Decode("Zg=="), "f");
  EXPECT_EQ(Decode("Zm8="), "fo");
  EXPECT_EQ(Decode("Zm9v"), "foo");
  EXPECT_EQ(Decode("Zm9vYg=="), "foob");
  EXPECT_EQ(Decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(Decode("Zm9vYmFy"), "foobar");
}

TEST(DecodeBase64, UnpaddedAndBinary) {
  EXPECT_EQ(Decode("Zg"), "f");
  EXPECT_EQ(Decode("Zm8"), "fo");
  EXPECT_EQ(Decode("AP8="), std::string("\x00\xff", 2));
  EXPECT_EQ(Decode("+/+/"), std::string("\xfb\xff\xbf"));
}

TEST(DecodeBase64, Rejects) {
  std::string out;
  EXPECT_FALSE(DecodeBase64("Zm9v!", &out).ok());
  EXPECT_FALSE(DecodeBase64("Zm 9v", &out).ok());
  EXPECT_FALSE(DecodeBase64("Zm9-", &out).ok());  // URL-safe alphabet
  EXPECT_FALSE(DecodeBase64("Z", &out).ok());     // no byte count encodes to one character
  EXPECT_FALSE(DecodeBase64("Zg=", &out).ok());   // padded but not a multiple of 4
  EXPECT_FALSE(DecodeBase64("Z===", &out).ok());
  EXPECT_FALSE(DecodeBase64("Zg==Zg==", &out).ok());  // padding in the middle
  EXPECT_EQ(DecodeBase64("Zm9v!A==", &out).message(), "character 5 is not base64");
}

TEST(ParseUuidText, RoundTrip) {
  std::array<uint8_t, kUuidBytes> bytes{};
  ASSERT_TRUE(ParseUuidText("1cf3a3ef-d107-4cf8-a63b-563931809115", &bytes).ok());
  const std::array<uint8_t, kUuidBytes> expected = {0x1c, 0xf3, 0xa3, 0xef, 0xd1, 0x07, 0x4c, 0xf8,
                                                    0xa6, 0x3b, 0x56, 0x39, 0x31, 0x80, 0x91, 0x15};
  EXPECT_EQ(bytes, expected);
  ASSERT_TRUE(ParseUuidText("1CF3A3EF-D107-4CF8-A63B-563931809115", &bytes).ok());
  EXPECT_EQ(bytes, expected);
}

TEST(ParseUuidText, Rejects) {
  std::array<uint8_t, kUuidBytes> bytes{};
  EXPECT_FALSE(ParseUuidText("1cf3a3efd1074cf8a63b563931809115", &bytes).ok());
  EXPECT_FALSE(ParseUuidText("{1cf3a3ef-d107-4cf8-a63b-563931809115}", &bytes).ok());
  EXPECT_FALSE(ParseUuidText("1cf3a3ef-d107-4cf8-a63b-56393180911g", &bytes).ok());
  EXPECT_FALSE(ParseUuidText("1cf3a3ef_d107-4cf8-a63b-563931809115", &bytes).ok());
  EXPECT_FALSE(ParseUuidText("1cf3a3ef-d107-4cf8-a63b-5639318091150", &bytes).ok());
  EXPECT_FALSE(ParseUuidText("", &bytes).ok());
}

}  // namespace
}  // namespace floe::json
