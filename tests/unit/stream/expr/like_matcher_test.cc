#include "stream/expr/like_matcher.h"

#include <gtest/gtest.h>

#include <string>

namespace floe::stream {
namespace {

using Shape = LikeMatcher::Shape;

bool Like(std::string_view text, std::string_view pattern) {
  return LikeMatcher(pattern, /*case_insensitive=*/false).Matches(text);
}
bool ILike(std::string_view text, std::string_view pattern) {
  return LikeMatcher(pattern, /*case_insensitive=*/true).Matches(text);
}

TEST(LikeMatcherTest, PicksTheCheapestShape) {
  EXPECT_EQ(LikeMatcher("abc", false).shape(), Shape::kExact);
  EXPECT_EQ(LikeMatcher("", false).shape(), Shape::kExact);
  EXPECT_EQ(LikeMatcher("abc%", false).shape(), Shape::kPrefix);
  EXPECT_EQ(LikeMatcher("abc%%", false).shape(), Shape::kPrefix);
  EXPECT_EQ(LikeMatcher("%abc", false).shape(), Shape::kSuffix);
  EXPECT_EQ(LikeMatcher("%abc%", false).shape(), Shape::kContains);
  EXPECT_EQ(LikeMatcher("%", false).shape(), Shape::kAny);
  EXPECT_EQ(LikeMatcher("%%%", false).shape(), Shape::kAny);
  EXPECT_EQ(LikeMatcher("a%b", false).shape(), Shape::kGeneral);
  EXPECT_EQ(LikeMatcher("a_c", false).shape(), Shape::kGeneral);
}

TEST(LikeMatcherTest, ExactPrefixSuffixContains) {
  EXPECT_TRUE(Like("abc", "abc"));
  EXPECT_FALSE(Like("abcd", "abc"));
  EXPECT_FALSE(Like("ABC", "abc"));
  EXPECT_TRUE(Like("", ""));
  EXPECT_FALSE(Like("a", ""));
  EXPECT_TRUE(Like("abcdef", "abc%"));
  EXPECT_TRUE(Like("abc", "abc%"));
  EXPECT_FALSE(Like("ab", "abc%"));
  EXPECT_TRUE(Like("xxabc", "%abc"));
  EXPECT_FALSE(Like("abcx", "%abc"));
  EXPECT_TRUE(Like("xxabcxx", "%abc%"));
  EXPECT_TRUE(Like("abc", "%abc%"));
  EXPECT_FALSE(Like("abxc", "%abc%"));
  EXPECT_TRUE(Like("", "%"));
  EXPECT_TRUE(Like("anything", "%%"));
}

TEST(LikeMatcherTest, Underscore) {
  EXPECT_TRUE(Like("abc", "a_c"));
  EXPECT_FALSE(Like("ac", "a_c"));
  EXPECT_FALSE(Like("abbc", "a_c"));
  EXPECT_TRUE(Like("abc", "___"));
  EXPECT_FALSE(Like("ab", "___"));
  EXPECT_TRUE(Like("xabcx", "%a_c%"));
  EXPECT_TRUE(Like("abc", "_%"));
  EXPECT_FALSE(Like("", "_%"));
  EXPECT_TRUE(Like("hello world", "h%o w%d"));
  EXPECT_FALSE(Like("hello world", "h%o w%x"));
  EXPECT_TRUE(Like("aXbXc", "a%b%c"));
  EXPECT_FALSE(Like("acb", "a%b%c"));
  EXPECT_TRUE(Like("abab", "%ab"));
  EXPECT_TRUE(Like("abcab", "ab%ab"));
  EXPECT_FALSE(Like("ab", "ab%ab"));  // the two segments may not overlap
  EXPECT_TRUE(Like("xyz_tail", "%_tail"));
}

TEST(LikeMatcherTest, MultiByteUtf8) {
  // "é" is two bytes, "€" three, "😀" four: '_' takes one code point whatever its size.
  EXPECT_TRUE(Like("caf\xc3\xa9", "caf_"));
  EXPECT_FALSE(Like("caf\xc3\xa9", "caf__"));
  EXPECT_TRUE(
      Like("\xe2\x82\xac"
           "5",
           "_5"));
  EXPECT_TRUE(
      Like("a\xf0\x9f\x98\x80"
           "b",
           "a_b"));
  EXPECT_TRUE(
      Like("a\xf0\x9f\x98\x80"
           "b",
           "%_b"));
  EXPECT_TRUE(Like("na\xc3\xafve", "%\xc3\xaf%"));
  EXPECT_TRUE(Like("x\xc3\xa9", "%_"));
  EXPECT_FALSE(Like("x\xc3\xa9", "%__x"));
  // Non-ASCII letters do not fold: É (C3 89) is not é (C3 A9).
  EXPECT_FALSE(ILike("CAF\xc3\x89", "caf\xc3\xa9"));
  EXPECT_TRUE(ILike("CAF\xc3\xa9", "caf\xc3\xa9"));
}

TEST(LikeMatcherTest, CaseInsensitive) {
  EXPECT_TRUE(ILike("GUN", "%gun%"));
  EXPECT_TRUE(ILike("Shotgun", "%GUN%"));
  EXPECT_TRUE(ILike("Gun is", "gun%"));
  EXPECT_TRUE(ILike("a big GUN", "%gun"));
  EXPECT_TRUE(ILike("GUN", "gun"));
  EXPECT_TRUE(ILike("GxN", "g_n"));
  EXPECT_FALSE(ILike("gum", "%gun%"));
  // '@' (0x40) and '`' (0x60) differ only in the case bit but are not letters.
  EXPECT_FALSE(ILike("@", "`"));
  EXPECT_FALSE(ILike("[", "{"));
  EXPECT_FALSE(ILike("x@y", "%`%"));
}

TEST(ContainsFoldedTest, MatchesAtEveryPositionAndLength) {
  // Long texts run the 16-byte vector loop and its scalar tail; try the needle everywhere.
  for (size_t length = 1; length < 70; ++length) {
    for (size_t at = 0; at + 3 <= length; ++at) {
      std::string text(length, 'x');
      text.replace(at, 3, "GuN");
      EXPECT_TRUE(ContainsFolded(text, "gun")) << length << " " << at;
      text[at + 1] = 'v';
      EXPECT_FALSE(ContainsFolded(text, "gun")) << length << " " << at;
    }
  }
  EXPECT_FALSE(ContainsFolded("gu", "gun"));
  EXPECT_TRUE(ContainsFolded("g", "g"));
  EXPECT_TRUE(ContainsFolded(std::string(40, 'a') + "1-2", "1-2"));
}

TEST(FoldAsciiTest, OnlyLettersFold) {
  EXPECT_EQ(FoldAscii('A'), 'a');
  EXPECT_EQ(FoldAscii('Z'), 'z');
  EXPECT_EQ(FoldAscii('a'), 'a');
  EXPECT_EQ(FoldAscii('@'), '@');
  EXPECT_EQ(FoldAscii('['), '[');
  EXPECT_EQ(FoldAscii(0xC3), 0xC3);
}

}  // namespace
}  // namespace floe::stream
