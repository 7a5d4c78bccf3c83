// bench/run.sh's I/O and memory limit (issue 8): read the messages file in large blocks and touch
// every byte (count the line breaks), nothing more. No job that reads the file can beat it.
//
//   read_limit FILE
//
// Prints one line: "read_limit: records=N bytes=B seconds=S".

#include <algorithm>
#include <cstdio>
#include <vector>

#include "block_reader.h"

namespace {

// Large enough that the read(2) calls cost nothing, small enough to stay in cache while counted.
constexpr size_t kBlockBytes = 4 << 20;

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: read_limit FILE\n");
    return 2;
  }
  const double start = floe_bench::SteadySeconds();
  floe_bench::BlockReader reader(argv[1]);
  if (!reader.Ok()) {
    std::fprintf(stderr, "read_limit: %s\n", reader.Error().c_str());
    return 1;
  }
  std::vector<char> block(kBlockBytes);
  size_t records = 0;
  size_t bytes = 0;
  for (;;) {
    const long got = reader.Read(block.data(), block.size());
    if (got < 0) {
      std::fprintf(stderr, "read_limit: %s\n", reader.Error().c_str());
      return 1;
    }
    if (got == 0) break;
    records += static_cast<size_t>(std::count(block.data(), block.data() + got, '\n'));
    bytes += static_cast<size_t>(got);
  }
  const double seconds = floe_bench::SteadySeconds() - start;
  std::printf("read_limit: records=%zu bytes=%zu seconds=%.6f\n", records, bytes, seconds);
  return 0;
}
