// RLE/bit-packed hybrid: hand-checked bytes from parquet-format Encodings.md, and round trips.

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "format/parquet/rle_decoder.h"
#include "format/parquet/rle_encoder.h"

namespace floe::parquet {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

template <typename T>
std::vector<T> DecodeAll(const std::string& data, size_t n, int width) {
  std::vector<T> out(n);
  RleDecoder d(reinterpret_cast<const uint8_t*>(data.data()), data.size(), width);
  size_t got = d.Decode(out.data(), n);
  out.resize(got);
  return out;
}

TEST(RleEncoder, SpecBitPackedExample) {
  // Encodings.md: 0..7 at bit width 3 pack to 10001000 11000110 11111010.
  std::vector<uint32_t> values = {0, 1, 2, 3, 4, 5, 6, 7};
  std::string out;
  RleEncoder::Encode(values.data(), values.size(), 3, &out);
  EXPECT_EQ(out, Bytes({0x03, 0x88, 0xC6, 0xFA}));  // header (1 group << 1) | 1
}

TEST(RleEncoder, RepeatedRunIsRle) {
  std::vector<uint8_t> values(10, 1);
  std::string out;
  RleEncoder::Encode(values.data(), values.size(), 1, &out);
  EXPECT_EQ(out, Bytes({0x14, 0x01}));  // header 10 << 1, value in one byte
  std::vector<uint32_t> wide(300, 0x12345);
  out.clear();
  RleEncoder::Encode(wide.data(), wide.size(), 17, &out);
  // header 600 = varint 0xD8 0x04; value in ceil(17/8) = 3 bytes little-endian
  EXPECT_EQ(out, Bytes({0xD8, 0x04, 0x45, 0x23, 0x01}));
}

TEST(RleEncoder, ShortLiteralIsPaddedToAGroup) {
  std::vector<uint8_t> values = {1, 0, 1};
  std::string out;
  RleEncoder::Encode(values.data(), values.size(), 1, &out);
  EXPECT_EQ(out, Bytes({0x03, 0x05}));
}

TEST(RleEncoder, LiteralThenRunLendsValuesToFillTheGroup) {
  // 1,0,1 then twenty 1s: the literal group borrows six values of the run of 21 ones; the
  // other fifteen stay an RLE run.
  std::vector<uint8_t> values = {1, 0, 1};
  values.insert(values.end(), 20, 1);
  std::string out;
  RleEncoder::Encode(values.data(), values.size(), 1, &out);
  EXPECT_EQ(out, Bytes({0x03, 0xFD, 0x1E, 0x01}));
  EXPECT_EQ(DecodeAll<uint8_t>(out, values.size(), 1), values);
}

TEST(RleEncoder, BitWidthZero) {
  std::vector<uint32_t> values(100, 0);
  std::string out;
  RleEncoder::Encode(values.data(), values.size(), 0, &out);
  EXPECT_EQ(out, Bytes({0xC8, 0x01}));  // RLE run of 100, no value bytes
  EXPECT_EQ(DecodeAll<uint32_t>(out, 100, 0), values);
}

TEST(RleEncoder, BitWidthOf) {
  EXPECT_EQ(RleEncoder::BitWidth(0), 0);
  EXPECT_EQ(RleEncoder::BitWidth(1), 1);
  EXPECT_EQ(RleEncoder::BitWidth(2), 2);
  EXPECT_EQ(RleEncoder::BitWidth(255), 8);
  EXPECT_EQ(RleEncoder::BitWidth(256), 9);
  EXPECT_EQ(RleEncoder::BitWidth(0xFFFFFFFFu), 32);
}

TEST(RleRoundTrip, EveryWidthMixedRunsAndLiterals) {
  std::mt19937_64 rng(42);
  for (int width = 0; width <= 32; ++width) {
    uint64_t limit = width == 32 ? 0xFFFFFFFFull : ((1ull << width) - 1);
    std::vector<uint32_t> values;
    while (values.size() < 5000) {
      uint32_t v = static_cast<uint32_t>(limit == 0 ? 0 : rng() % (limit + 1));
      size_t repeat = (rng() % 4 == 0) ? 1 + rng() % 40 : 1;
      values.insert(values.end(), repeat, v);
    }
    std::string out;
    RleEncoder::Encode(values.data(), values.size(), width, &out);
    EXPECT_EQ(DecodeAll<uint32_t>(out, values.size(), width), values) << "width " << width;
  }
}

TEST(RleRoundTrip, DecodesInSmallSteps) {
  std::vector<uint32_t> values;
  for (uint32_t i = 0; i < 1000; ++i) values.push_back(i % 7 == 0 ? 5 : i % 13);
  values.insert(values.end(), 50, 3);
  std::string out;
  RleEncoder::Encode(values.data(), values.size(), 4, &out);
  RleDecoder d(reinterpret_cast<const uint8_t*>(out.data()), out.size(), 4);
  std::vector<uint32_t> got(values.size());
  size_t done = 0;
  while (done < got.size()) {
    size_t step = std::min<size_t>(got.size() - done, 3);
    ASSERT_EQ(d.Decode(got.data() + done, step), step);
    done += step;
  }
  EXPECT_EQ(got, values);
}

TEST(RleDecoder, TruncatedOrBadInputStopsShort) {
  std::vector<uint8_t> out(10);
  std::string rle_without_value = Bytes({0x14});
  RleDecoder a(reinterpret_cast<const uint8_t*>(rle_without_value.data()), rle_without_value.size(),
               8);
  EXPECT_EQ(a.Decode(out.data(), 10), 0u);
  std::string value_too_wide = Bytes({0x14, 0x02});  // value 2 at bit width 1
  RleDecoder b(reinterpret_cast<const uint8_t*>(value_too_wide.data()), value_too_wide.size(), 1);
  EXPECT_EQ(b.Decode(out.data(), 10), 0u);
  std::string short_run = Bytes({0x06, 0x01});  // 3 ones, asked for 10
  RleDecoder c(reinterpret_cast<const uint8_t*>(short_run.data()), short_run.size(), 1);
  EXPECT_EQ(c.Decode(out.data(), 10), 3u);
  std::string endless_varint = Bytes({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF});
  RleDecoder e(reinterpret_cast<const uint8_t*>(endless_varint.data()), endless_varint.size(), 1);
  EXPECT_EQ(e.Decode(out.data(), 10), 0u);
}

}  // namespace
}  // namespace floe::parquet
