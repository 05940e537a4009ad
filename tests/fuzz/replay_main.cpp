// Runs a fuzz target over files, without libFuzzer: every file named, or every file in each
// directory named. Used by ctest (under the sanitizers in CI) to replay the seed corpora and the
// inputs that once failed, with whatever compiler builds the project.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void replay(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t replayed = 0;
  for (int a = 1; a < argc; ++a) {
    const std::filesystem::path target(argv[a]);
    if (std::filesystem::is_directory(target)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(target))
        if (entry.is_regular_file()) {
          replay(entry.path());
          ++replayed;
        }
    } else if (std::filesystem::is_regular_file(target)) {
      replay(target);
      ++replayed;
    } else {
      std::fprintf(stderr, "%s: no such file or directory\n", argv[a]);
      return 2;
    }
  }
  std::printf("replayed %zu inputs\n", replayed);
  return replayed > 0 ? 0 : 2;
}
