// Replays fuzz inputs without libFuzzer (g++ has none): each argument is a file or a directory of
// files, each fed once to LLVMFuzzerTestOneInput. Also feeds truncations and single-byte changes
// of every input, so the replay explores a little beyond the corpus. Exit 0 when none crashed.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void Run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

/// Deterministic variations: every prefix length in steps, and bytes flipped to JSON's special
/// characters at spread positions.
size_t RunVariants(const std::string& input) {
  size_t runs = 0;
  const size_t step = input.size() / 64 + 1;
  for (size_t length = 0; length < input.size(); length += step, ++runs) {
    Run(input.substr(0, length));
  }
  const std::string specials = "{}[]\":,\\0-e9 \x1f\xff";
  for (size_t position = 0; position < input.size(); position += step) {
    for (char special : specials) {
      std::string changed = input;
      changed[position] = special;
      Run(changed);
      ++runs;
    }
  }
  return runs;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path path(argv[i]);
    if (std::filesystem::is_directory(path)) {
      for (const auto& entry : std::filesystem::directory_iterator(path)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else {
      files.push_back(path);
    }
  }
  if (files.empty()) {
    std::cerr << "usage: " << argv[0] << " CORPUS_DIR_OR_FILE...\n";
    return 2;
  }
  size_t runs = 0;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Run(input);
    runs += 1 + RunVariants(input);
  }
  std::cout << "replayed " << files.size() << " inputs (" << runs << " runs with variants): ok\n";
  return 0;
}
