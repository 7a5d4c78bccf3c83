// bench/run.sh's parse limit (issue 8): read the messages file in large blocks and parse every
// line with simdjson's on-demand API (iterate_many over the padded block), touching every field:
// key unescaped, value read as a string, lengths summed so nothing is optimised away. Nothing is
// kept. One thread: simdjson's stage-1 helper thread is turned off, as floe runs one worker.
//
//   parse_limit FILE
//
// Prints one line: "parse_limit: records=N bytes=B fields=F string_bytes=V seconds=S". The clock
// covers opening and reading the file as well as parsing: a job has to read it too.

#include <simdjson.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "block_reader.h"

namespace {

// Bytes read at a time, and the window simdjson indexes at a time (a line must fit in one).
constexpr size_t kBlockBytes = 4 << 20;
constexpr size_t kBatchBytes = 1 << 20;

struct Totals {
  size_t records = 0;
  size_t fields = 0;
  size_t string_bytes = 0;
};

// Parses the complete lines in [data, data + size); data has SIMDJSON_PADDING readable bytes past
// the end. Returns an empty string, or what went wrong.
std::string ParseLines(simdjson::ondemand::parser& parser, const char* data, size_t size,
                       Totals& totals) {
  simdjson::ondemand::document_stream stream;
  if (auto error = parser.iterate_many(data, size, kBatchBytes).get(stream)) {
    return std::string("iterate_many: ") + simdjson::error_message(error);
  }
  for (auto document : stream) {
    simdjson::ondemand::object object;
    if (auto error = document.get_object().get(object)) {
      return "record " + std::to_string(totals.records + 1) + ": " + simdjson::error_message(error);
    }
    for (auto field : object) {
      std::string_view key;
      std::string_view value;
      if (auto error = field.unescaped_key().get(key)) return simdjson::error_message(error);
      if (auto error = field.value().get_string().get(value)) {
        return "record " + std::to_string(totals.records + 1) + " field '" + std::string(key) +
               "': " + simdjson::error_message(error);
      }
      totals.string_bytes += key.size() + value.size();
      ++totals.fields;
    }
    ++totals.records;
  }
  if (stream.truncated_bytes() != 0) return "a record is cut short at the end of a block";
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: parse_limit FILE\n");
    return 2;
  }
  const double start = floe_bench::SteadySeconds();
  floe_bench::BlockReader reader(argv[1]);
  if (!reader.Ok()) {
    std::fprintf(stderr, "parse_limit: %s\n", reader.Error().c_str());
    return 1;
  }
  simdjson::ondemand::parser parser;
  parser.threaded = false;
  std::vector<char> block(kBlockBytes + simdjson::SIMDJSON_PADDING);
  Totals totals;
  size_t bytes = 0;
  size_t carried = 0;  // the start of a line cut by the previous read, at the block's start
  for (;;) {
    const long got = reader.Read(block.data() + carried, kBlockBytes - carried);
    if (got < 0) {
      std::fprintf(stderr, "parse_limit: %s\n", reader.Error().c_str());
      return 1;
    }
    bytes += static_cast<size_t>(got);
    const size_t filled = carried + static_cast<size_t>(got);
    if (filled == 0) break;
    const bool at_end = filled < kBlockBytes;
    size_t complete = filled;  // at the end of the file, the last line needs no line break
    if (!at_end) {
      const void* last_break = memrchr(block.data(), '\n', filled);
      if (last_break == nullptr) {
        std::fprintf(stderr, "parse_limit: a line is longer than %zu bytes\n", kBlockBytes);
        return 1;
      }
      complete = static_cast<const char*>(last_break) - block.data() + 1;
    }
    if (std::string error = ParseLines(parser, block.data(), complete, totals); !error.empty()) {
      std::fprintf(stderr, "parse_limit: %s\n", error.c_str());
      return 1;
    }
    carried = filled - complete;
    std::memmove(block.data(), block.data() + complete, carried);
    if (at_end) break;
  }
  const double seconds = floe_bench::SteadySeconds() - start;
  std::printf("parse_limit: records=%zu bytes=%zu fields=%zu string_bytes=%zu seconds=%.6f\n",
              totals.records, bytes, totals.fields, totals.string_bytes, seconds);
  return 0;
}
