#include "stream/expr/like_matcher.h"

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace floe::stream {
namespace {

constexpr char kAnyRun = '%';
constexpr char kAnyOne = '_';
constexpr uint8_t kAsciiCaseBit = 0x20;

bool IsLowerAsciiLetter(uint8_t byte) { return byte >= 'a' && byte <= 'z'; }
bool IsUtf8Continuation(uint8_t byte) { return (byte & 0xC0) == 0x80; }

// Bytes taken by the UTF-8 sequence starting with `lead`; stray continuation bytes count as one
// so that invalid input still advances.
size_t Utf8SequenceLength(uint8_t lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

bool EqualBytesFolded(const char* text, const char* folded, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    if (FoldAscii(static_cast<uint8_t>(text[i])) != static_cast<uint8_t>(folded[i])) return false;
  }
  return true;
}

std::string FoldString(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(FoldAscii(static_cast<uint8_t>(c)));
  return out;
}

#if defined(__x86_64__)
// The AVX2 form of FindFolded's vector loop (see there), 32 start positions per step; built for
// AVX2 whatever the compiler's baseline and called only where the CPU has it. Advances `*start`
// past the positions it has ruled out.
__attribute__((target("avx2"))) size_t FindFoldedAvx2(std::string_view text,
                                                      std::string_view needle, size_t* start) {
  constexpr size_t kLanes = 32;
  const size_t m = needle.size();
  const size_t n = text.size();
  const auto* t = reinterpret_cast<const uint8_t*>(text.data());
  const auto first = static_cast<uint8_t>(needle.front());
  const auto last = static_cast<uint8_t>(needle.back());
  const __m256i first_vec = _mm256_set1_epi8(static_cast<char>(first));
  const __m256i last_vec = _mm256_set1_epi8(static_cast<char>(last));
  const __m256i first_mask = _mm256_set1_epi8(IsLowerAsciiLetter(first) ? kAsciiCaseBit : 0);
  const __m256i last_mask = _mm256_set1_epi8(IsLowerAsciiLetter(last) ? kAsciiCaseBit : 0);
  size_t i = *start;
  for (; i + kLanes + m - 1 <= n; i += kLanes) {
    __m256i block_first = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t + i));
    __m256i block_last = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t + i + m - 1));
    __m256i eq_first = _mm256_cmpeq_epi8(_mm256_or_si256(block_first, first_mask), first_vec);
    __m256i eq_last = _mm256_cmpeq_epi8(_mm256_or_si256(block_last, last_mask), last_vec);
    auto candidates =
        static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_and_si256(eq_first, eq_last)));
    while (candidates != 0) {
      const auto bit = static_cast<size_t>(__builtin_ctz(candidates));
      if (m <= 2 || EqualBytesFolded(text.data() + i + bit + 1, needle.data() + 1, m - 2)) {
        return i + bit;
      }
      candidates &= candidates - 1;
    }
  }
  *start = i;
  return std::string_view::npos;
}

bool CpuHasAvx2() {
  static const bool kHasAvx2 = __builtin_cpu_supports("avx2");
  return kHasAvx2;
}
#endif

}  // namespace

// The SSE2 loop tests 16 start positions at once on the needle's first and last bytes (the
// two rarely agree by chance) and verifies only the candidates; letters are compared with the
// case bit set, which maps exactly 'A'-'Z' and 'a'-'z' onto 'a'-'z'.
size_t FindFolded(std::string_view text, std::string_view needle) {
  const size_t m = needle.size();
  const size_t n = text.size();
  if (m > n) return std::string_view::npos;
  const auto* t = reinterpret_cast<const uint8_t*>(text.data());
  const auto first = static_cast<uint8_t>(needle.front());
  const auto last = static_cast<uint8_t>(needle.back());
  size_t i = 0;
#if defined(__x86_64__)
  if (CpuHasAvx2()) {
    const size_t hit = FindFoldedAvx2(text, needle, &i);
    if (hit != std::string_view::npos) return hit;
  }
  constexpr size_t kLanes = 16;
  const __m128i first_vec = _mm_set1_epi8(static_cast<char>(first));
  const __m128i last_vec = _mm_set1_epi8(static_cast<char>(last));
  const __m128i first_mask = _mm_set1_epi8(IsLowerAsciiLetter(first) ? kAsciiCaseBit : 0);
  const __m128i last_mask = _mm_set1_epi8(IsLowerAsciiLetter(last) ? kAsciiCaseBit : 0);
  for (; i + kLanes + m - 1 <= n; i += kLanes) {
    __m128i block_first = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t + i));
    __m128i block_last = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t + i + m - 1));
    __m128i eq_first = _mm_cmpeq_epi8(_mm_or_si128(block_first, first_mask), first_vec);
    __m128i eq_last = _mm_cmpeq_epi8(_mm_or_si128(block_last, last_mask), last_vec);
    auto candidates = static_cast<uint32_t>(_mm_movemask_epi8(_mm_and_si128(eq_first, eq_last)));
    while (candidates != 0) {
      const auto bit = static_cast<size_t>(__builtin_ctz(candidates));
      // First and last bytes are checked by the vector compare; verify the middle.
      if (m <= 2 || EqualBytesFolded(text.data() + i + bit + 1, needle.data() + 1, m - 2)) {
        return i + bit;
      }
      candidates &= candidates - 1;
    }
  }
#endif
  for (; i + m <= n; ++i) {
    if (FoldAscii(t[i]) == first && FoldAscii(t[i + m - 1]) == last &&
        EqualBytesFolded(text.data() + i, needle.data(), m)) {
      return i;
    }
  }
  return std::string_view::npos;
}

bool ContainsFolded(std::string_view text, std::string_view needle) {
  return FindFolded(text, needle) != std::string_view::npos;
}

bool EqualsFolded(std::string_view a, std::string_view b_folded) {
  return a.size() == b_folded.size() && EqualBytesFolded(a.data(), b_folded.data(), a.size());
}

LikeMatcher::LikeMatcher(std::string_view pattern, bool case_insensitive)
    : case_insensitive_(case_insensitive) {
  std::string folded = case_insensitive ? FoldString(pattern) : std::string(pattern);
  const bool has_underscore = folded.find(kAnyOne) != std::string::npos;
  const size_t first_literal = folded.find_first_not_of(kAnyRun);
  if (first_literal == std::string::npos) {
    shape_ = folded.empty() ? Shape::kExact : Shape::kAny;
    return;
  }
  const size_t last_literal = folded.find_last_not_of(kAnyRun);
  std::string_view core =
      std::string_view(folded).substr(first_literal, last_literal - first_literal + 1);
  if (!has_underscore && core.find(kAnyRun) == std::string_view::npos) {
    const bool leading = first_literal > 0;
    const bool trailing = last_literal + 1 < folded.size();
    literal_ = std::string(core);
    if (leading && trailing) {
      shape_ = Shape::kContains;
    } else if (leading) {
      shape_ = Shape::kSuffix;
    } else if (trailing) {
      shape_ = Shape::kPrefix;
    } else {
      shape_ = Shape::kExact;
    }
    return;
  }
  shape_ = Shape::kGeneral;
  anchored_start_ = first_literal == 0;
  anchored_end_ = last_literal + 1 == folded.size();
  size_t start = 0;
  while (start <= core.size()) {
    size_t stop = core.find(kAnyRun, start);
    if (stop == std::string_view::npos) stop = core.size();
    if (stop > start) {
      Segment segment;
      segment.bytes = std::string(core.substr(start, stop - start));
      segment.has_underscore = segment.bytes.find(kAnyOne) != std::string::npos;
      segments_.push_back(std::move(segment));
    }
    start = stop + 1;
  }
}

bool LikeMatcher::Matches(std::string_view text) const {
  switch (shape_) {
    case Shape::kAny:
      return true;
    case Shape::kExact:
      return case_insensitive_ ? EqualsFolded(text, literal_) : text == literal_;
    case Shape::kPrefix:
      if (text.size() < literal_.size()) return false;
      return case_insensitive_ ? EqualsFolded(text.substr(0, literal_.size()), literal_)
                               : text.starts_with(literal_);
    case Shape::kSuffix:
      if (text.size() < literal_.size()) return false;
      return case_insensitive_ ? EqualsFolded(text.substr(text.size() - literal_.size()), literal_)
                               : text.ends_with(literal_);
    case Shape::kContains:
      return case_insensitive_ ? ContainsFolded(text, literal_)
                               : text.find(literal_) != std::string_view::npos;
    case Shape::kGeneral:
      return MatchGeneral(text);
  }
  return false;
}

bool LikeMatcher::SegmentAt(const Segment& segment, std::string_view text, size_t pos,
                            size_t* end) const {
  for (char pattern_char : segment.bytes) {
    if (pos >= text.size()) return false;
    const auto byte = static_cast<uint8_t>(text[pos]);
    if (pattern_char == kAnyOne) {
      pos += Utf8SequenceLength(byte);
      if (pos > text.size()) return false;  // a code point cut short by the end of the text
      continue;
    }
    const uint8_t have = case_insensitive_ ? FoldAscii(byte) : byte;
    if (have != static_cast<uint8_t>(pattern_char)) return false;
    ++pos;
  }
  *end = pos;
  return true;
}

bool LikeMatcher::FindSegment(const Segment& segment, std::string_view text, size_t from,
                              size_t* end) const {
  if (from > text.size()) return false;
  if (!segment.has_underscore) {
    std::string_view rest = text.substr(from);
    size_t at = case_insensitive_ ? FindFolded(rest, segment.bytes) : rest.find(segment.bytes);
    if (at == std::string_view::npos) return false;
    *end = from + at + segment.bytes.size();
    return true;
  }
  for (size_t pos = from; pos < text.size();
       pos += Utf8SequenceLength(static_cast<uint8_t>(text[pos]))) {
    if (SegmentAt(segment, text, pos, end)) return true;
  }
  return false;
}

bool LikeMatcher::MatchGeneral(std::string_view text) const {
  size_t pos = 0;
  size_t next = 0;
  size_t last = segments_.size();  // segments [next, last) are searched leftmost
  if (anchored_start_) {
    size_t end = 0;
    if (!SegmentAt(segments_.front(), text, 0, &end)) return false;
    if (segments_.size() == 1 && anchored_end_) return end == text.size();
    pos = end;
    next = 1;
  }
  if (anchored_end_) --last;
  for (size_t i = next; i < last; ++i) {
    if (!FindSegment(segments_[i], text, pos, &pos)) return false;
  }
  if (!anchored_end_) return true;
  // The last segment spans a fixed number of code points: step back that many from the end.
  const Segment& tail = segments_.back();
  size_t code_points = 0;
  for (char c : tail.bytes) {
    if (!IsUtf8Continuation(static_cast<uint8_t>(c))) ++code_points;
  }
  size_t start = text.size();
  while (code_points > 0) {
    if (start == 0) return false;
    --start;
    if (!IsUtf8Continuation(static_cast<uint8_t>(text[start])) || start == 0) --code_points;
  }
  if (start < pos) return false;
  size_t end = 0;
  return SegmentAt(tail, text, start, &end) && end == text.size();
}

}  // namespace floe::stream
