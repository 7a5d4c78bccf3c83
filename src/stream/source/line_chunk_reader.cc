#include "stream/source/line_chunk_reader.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace floe::stream {

namespace {

// Line breaks in `text`, eight bytes at a time: a byte of `x` is zero exactly where `text` has a
// '\n', and the expression below sets the high bit of exactly those bytes (no borrow between
// bytes, unlike the usual has-zero test, so the count is exact).
size_t CountNewlinesPortable(const char* text, size_t size) {
  constexpr uint64_t kOnes = 0x0101010101010101;
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7F;
  constexpr uint64_t kNewlines = kOnes * static_cast<uint8_t>('\n');
  size_t count = 0;
  size_t at = 0;
  for (; at + sizeof(uint64_t) <= size; at += sizeof(uint64_t)) {
    uint64_t word;
    std::memcpy(&word, text + at, sizeof(word));
    const uint64_t x = word ^ kNewlines;
    const uint64_t nonzero = ((x & kLow7) + kLow7) | x;
    count += static_cast<size_t>(std::popcount(~nonzero & ~kLow7));
  }
  for (; at < size; ++at) count += text[at] == '\n' ? 1 : 0;
  return count;
}

#if defined(__x86_64__)
// The AVX2 form, 64 bytes per step; built for AVX2 whatever the compiler's baseline and called
// only where the CPU has it.
__attribute__((target("avx2,popcnt"))) size_t CountNewlinesAvx2(const char* text, size_t size) {
  constexpr size_t kStep = 64;
  const __m256i newlines = _mm256_set1_epi8('\n');
  size_t count = 0;
  size_t at = 0;
  for (; at + kStep <= size; at += kStep) {
    const __m256i low = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(text + at));
    const __m256i high = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(text + at + 32));
    const auto low_bits =
        static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(low, newlines)));
    const auto high_bits =
        static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(high, newlines)));
    count +=
        static_cast<size_t>(_mm_popcnt_u64((static_cast<uint64_t>(high_bits) << 32) | low_bits));
  }
  return count + CountNewlinesPortable(text + at, size - at);
}
#endif

// Counting is a pass over every byte read, so it gets the vector loop where the CPU has one.
size_t CountNewlines(std::string_view text) {
#if defined(__x86_64__)
  static const bool kHasAvx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
  if (kHasAvx2) return CountNewlinesAvx2(text.data(), text.size());
#endif
  return CountNewlinesPortable(text.data(), text.size());
}

}  // namespace

Result<std::unique_ptr<LineChunkReader>> LineChunkReader::Open(const std::string& path,
                                                               size_t chunk_bytes) {
  if (chunk_bytes == 0) return InvalidArgument("reading {}: chunks of 0 bytes", path);
  std::FILE* file = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (file == nullptr) return IoError("cannot open {}: {}", path, std::strerror(errno));
  auto reader = std::unique_ptr<LineChunkReader>(
      new LineChunkReader(path == "-" ? "<stdin>" : path, file, chunk_bytes));
  // A regular file is mapped a window at a time rather than copied into a buffer.
  struct stat info {};
  if (file != stdin && ::fstat(::fileno(file), &info) == 0 && S_ISREG(info.st_mode)) {
    reader->mapped_ = true;
    reader->file_size_ = static_cast<uint64_t>(info.st_size);
  }
  return reader;
}

LineChunkReader::~LineChunkReader() {
  Unmap();
  if (file_ != nullptr && file_ != stdin) std::fclose(file_);
}

void LineChunkReader::Unmap() {
  if (window_ != nullptr) ::munmap(window_, window_size_);
  window_ = nullptr;
  window_size_ = 0;
}

Result<std::optional<LineChunkReader::Chunk>> LineChunkReader::NextMapped() {
  if (detached_) {
    window_ = nullptr;  // the last chunk owns its mapping
    window_size_ = 0;
  }
  Unmap();
  // The file as it was when opened: its last line, complete or not, ends the input.
  if (mapped_to_ >= file_size_) return std::optional<Chunk>();
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  const uint64_t start = mapped_to_ - mapped_to_ % page;
  uint64_t want = chunk_bytes_;
  while (true) {
    const uint64_t end = std::min(file_size_, mapped_to_ + want);
    const size_t size = end - start;
    void* at = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, ::fileno(file_),
                      static_cast<off_t>(start));
    if (at == MAP_FAILED) {
      // A file system without mmap: read the rest through the buffer instead.
      if (::fseeko(file_, static_cast<off_t>(mapped_to_), SEEK_SET) != 0) {
        return IoError("cannot map or seek {}: {}", path_, std::strerror(errno));
      }
      mapped_ = false;
      return Next();
    }
    window_ = static_cast<char*>(at);
    window_size_ = size;
    const std::string_view fresh(window_ + (mapped_to_ - start), end - mapped_to_);
    size_t lines = end == file_size_ ? fresh.size() : fresh.rfind('\n');
    if (lines == std::string_view::npos) {
      // One line longer than the window: map more.
      Unmap();
      want *= 2;
      continue;
    }
    if (end != file_size_) ++lines;
    Chunk chunk{fresh.substr(0, lines), next_line_};
    next_line_ += static_cast<int64_t>(CountNewlines(chunk.lines));
    if (!chunk.lines.empty() && chunk.lines.back() != '\n') ++next_line_;  // unterminated last
    mapped_to_ += lines;
    if (detached_) {
      chunk.keep_alive = std::shared_ptr<const void>(
          window_, [size](const void* mapping) { ::munmap(const_cast<void*>(mapping), size); });
    }
    return std::optional<Chunk>(chunk);
  }
}

void LineChunkReader::Reserve(size_t bytes) {
  if (bytes <= capacity_) return;
  // Half as much again: the incomplete line kept before each read must not cost a reallocation
  // every time.
  bytes = std::max(bytes, capacity_ + capacity_ / 2);
  // Not zero-filled: every byte handed out was read first.
  std::unique_ptr<char[]> larger = std::make_unique_for_overwrite<char[]>(bytes);
  if (size_ > 0) std::memcpy(larger.get(), buffer_.get(), size_);
  buffer_ = std::move(larger);
  capacity_ = bytes;
}

Result<std::optional<LineChunkReader::Chunk>> LineChunkReader::Next() {
  if (mapped_) return NextMapped();
  // Keep the incomplete line that followed the last chunk.
  if (handed_out_ > 0) {
    size_ -= handed_out_;
    if (size_ > 0) std::memmove(buffer_.get(), buffer_.get() + handed_out_, size_);
    handed_out_ = 0;
  }
  while (!eof_ || size_ > 0) {
    if (!eof_) {
      Reserve(size_ + chunk_bytes_);
      size_t got = std::fread(buffer_.get() + size_, 1, chunk_bytes_, file_);
      size_ += got;
      if (got < chunk_bytes_) {
        if (std::ferror(file_)) return IoError("reading {}: {}", path_, std::strerror(errno));
        eof_ = true;
      }
    }
    // Whole lines only; an incomplete last line waits for the next read.
    const std::string_view read(buffer_.get(), size_);
    size_t end = eof_ ? read.size() : read.rfind('\n');
    if (end == std::string_view::npos) continue;  // one line longer than a chunk: read more
    if (!eof_) ++end;
    Chunk chunk{read.substr(0, end), next_line_};
    next_line_ += static_cast<int64_t>(CountNewlines(chunk.lines));
    if (!chunk.lines.empty() && chunk.lines.back() != '\n') ++next_line_;  // unterminated last
    handed_out_ = end;
    return std::optional<Chunk>(chunk);
  }
  return std::optional<Chunk>();
}

}  // namespace floe::stream
