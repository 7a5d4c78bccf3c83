// Randomized checks against independent reference implementations: LIKE against a
// straightforward backtracking matcher over code points, and the evaluator's whole-buffer search
// against its per-row path and against std::search.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "expression_test_util.h"
#include "stream/expr/expression.h"
#include "stream/expr/like_matcher.h"

namespace floe::stream {
namespace {

constexpr uint64_t kSeed = 42;
constexpr int kCases = 20000;

std::vector<std::string> CodePoints(std::string_view text) {
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size();) {
    size_t length = 1;
    while (i + length < text.size() && (static_cast<uint8_t>(text[i + length]) & 0xC0) == 0x80) {
      ++length;
    }
    out.emplace_back(text.substr(i, length));
    i += length;
  }
  return out;
}

std::string Fold(std::string text) {
  for (char& c : text) c = static_cast<char>(FoldAscii(static_cast<uint8_t>(c)));
  return text;
}

// The definition of LIKE, directly: '%' any run of code points, '_' one, else equal.
bool ReferenceLike(const std::vector<std::string>& text, size_t t,
                   const std::vector<std::string>& pattern, size_t p) {
  if (p == pattern.size()) return t == text.size();
  if (pattern[p] == "%") {
    for (size_t skip = t; skip <= text.size(); ++skip) {
      if (ReferenceLike(text, skip, pattern, p + 1)) return true;
    }
    return false;
  }
  if (t == text.size()) return false;
  if (pattern[p] != "_" && pattern[p] != text[t]) return false;
  return ReferenceLike(text, t + 1, pattern, p + 1);
}

std::string RandomText(std::mt19937_64& random, const std::vector<std::string>& alphabet,
                       size_t max_length) {
  std::string out;
  const size_t length = random() % (max_length + 1);
  for (size_t i = 0; i < length; ++i) out += alphabet[random() % alphabet.size()];
  return out;
}

TEST(LikePropertyTest, AgreesWithTheReferenceMatcher) {
  std::mt19937_64 random(kSeed);
  const std::vector<std::string> text_alphabet = {"a", "b", "A", "B", "\xc3\xa9", "\xe2\x82\xac"};
  const std::vector<std::string> pattern_alphabet = {"a", "b", "A", "%", "_", "\xc3\xa9"};
  for (int c = 0; c < kCases; ++c) {
    const std::string text = RandomText(random, text_alphabet, 8);
    const std::string pattern = RandomText(random, pattern_alphabet, 6);
    for (bool insensitive : {false, true}) {
      const std::string t = insensitive ? Fold(text) : text;
      const std::string p = insensitive ? Fold(pattern) : pattern;
      const bool expected = ReferenceLike(CodePoints(t), 0, CodePoints(p), 0);
      EXPECT_EQ(LikeMatcher(pattern, insensitive).Matches(text), expected)
          << "'" << text << "' " << (insensitive ? "ILIKE" : "LIKE") << " '" << pattern << "'";
    }
  }
}

TEST(LikePropertyTest, BufferSearchAgreesWithPerRowSearch) {
  std::mt19937_64 random(kSeed);
  const std::vector<std::string> alphabet = {"g", "u", "n", "G", "U", "N", " ", "x", "\xc3\xbc"};
  std::vector<testing::Cell> bodies;
  std::vector<uint32_t> expected;
  for (uint32_t r = 0; r < 5000; ++r) {
    if (random() % 10 == 0) {
      bodies.emplace_back();
      continue;
    }
    std::string body = RandomText(random, alphabet, 40);
    if (Fold(body).find("gun") != std::string::npos) expected.push_back(r);
    bodies.emplace_back(std::move(body));
  }
  auto batch = testing::MakeBatch(testing::TestSchema(), testing::Column(1, bodies));
  std::vector<uint32_t> all(bodies.size());
  for (uint32_t r = 0; r < all.size(); ++r) all[r] = r;
  const char* text = "lower(message_body) LIKE '%gun%'";
  EXPECT_EQ(testing::FilterRows(text, batch), expected);  // whole-buffer path
  EXPECT_EQ(testing::FilterRows(text, batch, Selection{all.data(), all.size()}),
            expected);  // per-row path
  std::vector<uint32_t> not_expected;
  for (uint32_t r = 0; r < bodies.size(); ++r) {
    if (!std::holds_alternative<std::monostate>(bodies[r]) &&
        !std::binary_search(expected.begin(), expected.end(), r)) {
      not_expected.push_back(r);
    }
  }
  EXPECT_EQ(testing::FilterRows("message_body NOT ILIKE '%gun%'", batch), not_expected);
}

TEST(ExpressionThreadTest, OneBoundExpressionServesManyThreads) {
  std::vector<testing::Cell> bodies;
  for (int r = 0; r < 1000; ++r) {
    bodies.emplace_back(std::string(r % 3 == 0 ? "a GUN here" : "nothing"));
  }
  auto batch = testing::MakeBatch(testing::TestSchema(), testing::Column(1, bodies));
  auto bound = testing::MustBind("lower(message_body) LIKE '%gun%' OR length(message_body) = 3");
  ASSERT_TRUE(bound);
  constexpr int kThreads = 4;
  constexpr int kRounds = 50;
  std::vector<size_t> kept(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      EvalContext ctx;
      std::vector<uint32_t> rows;
      for (int round = 0; round < kRounds; ++round) {
        if (!bound->Filter(batch, Selection::All(bodies.size()), ctx, &rows).ok()) return;
        kept[static_cast<size_t>(t)] += rows.size();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (size_t count : kept) EXPECT_EQ(count, 334u * kRounds);
}

}  // namespace
}  // namespace floe::stream
