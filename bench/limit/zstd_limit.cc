// bench/run.sh's codec limit (issue 8): compress the messages file with zstd at level 3 (the level
// of floe's Parquet writer), streaming, on one thread, the output counted and dropped. It bounds
// what compressing all of the input could cost; a job compresses only the rows it keeps, in
// columns.
//
//   zstd_limit FILE
//
// Prints one line: "zstd_limit: bytes=B compressed_bytes=C seconds=S" (reading included).

#include <zstd.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "block_reader.h"

namespace {

constexpr int kLevel = 3;
constexpr size_t kBlockBytes = 4 << 20;

struct ContextFree {
  void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: zstd_limit FILE\n");
    return 2;
  }
  const double start = floe_bench::SteadySeconds();
  floe_bench::BlockReader reader(argv[1]);
  if (!reader.Ok()) {
    std::fprintf(stderr, "zstd_limit: %s\n", reader.Error().c_str());
    return 1;
  }
  const std::unique_ptr<ZSTD_CCtx, ContextFree> context(ZSTD_createCCtx());
  if (!context) {
    std::fprintf(stderr, "zstd_limit: cannot create a zstd context\n");
    return 1;
  }
  size_t status = ZSTD_CCtx_setParameter(context.get(), ZSTD_c_compressionLevel, kLevel);
  if (!ZSTD_isError(status)) status = ZSTD_CCtx_setParameter(context.get(), ZSTD_c_nbWorkers, 0);
  if (ZSTD_isError(status)) {
    std::fprintf(stderr, "zstd_limit: %s\n", ZSTD_getErrorName(status));
    return 1;
  }
  std::vector<char> block(kBlockBytes);
  std::vector<char> out(ZSTD_CStreamOutSize());
  size_t bytes = 0;
  size_t compressed_bytes = 0;
  for (;;) {
    const long got = reader.Read(block.data(), block.size());
    if (got < 0) {
      std::fprintf(stderr, "zstd_limit: %s\n", reader.Error().c_str());
      return 1;
    }
    bytes += static_cast<size_t>(got);
    const ZSTD_EndDirective mode = got == 0 ? ZSTD_e_end : ZSTD_e_continue;
    ZSTD_inBuffer input{block.data(), static_cast<size_t>(got), 0};
    // Until the block is consumed, and at the end until the frame is flushed (status 0).
    for (bool done = false; !done;) {
      ZSTD_outBuffer output{out.data(), out.size(), 0};
      const size_t left = ZSTD_compressStream2(context.get(), &output, &input, mode);
      if (ZSTD_isError(left)) {
        std::fprintf(stderr, "zstd_limit: %s\n", ZSTD_getErrorName(left));
        return 1;
      }
      compressed_bytes += output.pos;
      done = mode == ZSTD_e_end ? left == 0 : input.pos == input.size;
    }
    if (got == 0) break;
  }
  const double seconds = floe_bench::SteadySeconds() - start;
  std::printf("zstd_limit: bytes=%zu compressed_bytes=%zu seconds=%.6f\n", bytes, compressed_bytes,
              seconds);
  return 0;
}
