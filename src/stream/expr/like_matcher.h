#pragma once

// SQL LIKE patterns compiled once into the cheapest matcher that fits them: exact, prefix,
// suffix, contains, match-anything, or a general sequence of '%'-separated segments. Matching
// works on UTF-8 bytes: '_' consumes one code point, every other pattern byte is compared
// exactly, and in case-insensitive mode only ASCII letters fold (A-Z = a-z), so non-ASCII text
// is matched exactly and never split inside a code point.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace floe::stream {

/// Thread safety: immutable after construction; Matches may be called from any thread.
class LikeMatcher {
 public:
  /// `pattern` uses '%' (any run of characters) and '_' (one character); there is no escape
  /// character. With `case_insensitive`, ASCII letters of both the pattern and the text fold.
  LikeMatcher(std::string_view pattern, bool case_insensitive);

  bool Matches(std::string_view text) const;

  /// The strategy chosen, for tests and EXPLAIN-like output.
  enum class Shape : uint8_t { kExact, kPrefix, kSuffix, kContains, kAny, kGeneral };
  Shape shape() const { return shape_; }
  /// kExact/kPrefix/kSuffix/kContains: the pattern's literal bytes (folded when
  /// case-insensitive), so that callers can run the matching loop for one shape directly.
  const std::string& literal() const { return literal_; }
  bool case_insensitive() const { return case_insensitive_; }

 private:
  // One '%'-free piece of the pattern; `has_underscore` says whether '_' occurs in it.
  struct Segment {
    std::string bytes;
    bool has_underscore = false;
  };

  bool MatchGeneral(std::string_view text) const;
  // Matches `segment` at text[pos...]; on success stores the end position.
  bool SegmentAt(const Segment& segment, std::string_view text, size_t pos, size_t* end) const;
  // Leftmost match of `segment` at or after `from`.
  bool FindSegment(const Segment& segment, std::string_view text, size_t from, size_t* end) const;

  Shape shape_ = Shape::kGeneral;
  bool case_insensitive_ = false;
  std::string literal_;            // kExact/kPrefix/kSuffix/kContains: the pattern without its '%'s
  std::vector<Segment> segments_;  // kGeneral
  bool anchored_start_ = true;     // kGeneral: the pattern does not start with '%'
  bool anchored_end_ = true;       // kGeneral: the pattern does not end with '%'
};

/// ASCII-only case folding of one byte: 'A'-'Z' become 'a'-'z', every other byte is unchanged.
inline uint8_t FoldAscii(uint8_t byte) {
  return static_cast<uint8_t>(byte - 'A') < 26 ? static_cast<uint8_t>(byte | 0x20) : byte;
}

/// Index of the first occurrence of `needle` in `text` with ASCII letters compared
/// case-insensitively, or npos. Precondition: `needle` is folded and not empty.
size_t FindFolded(std::string_view text, std::string_view needle);

/// True when `text` contains `needle`, with ASCII letters compared case-insensitively.
/// Precondition: `needle` is already folded (no ASCII upper-case letters) and not empty.
bool ContainsFolded(std::string_view text, std::string_view needle);

/// True when a.size() == b.size() and they are equal with ASCII case folded on `a` only
/// (`b` is already folded).
bool EqualsFolded(std::string_view a, std::string_view b_folded);

}  // namespace floe::stream
