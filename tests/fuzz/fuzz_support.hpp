#pragma once
// Shared by the fuzz targets: the input as a stream, and a check that fails loudly (abort), so
// that libFuzzer records the input. Each target accepts a southwell::Error as the right answer to
// a bad input; any other exception escapes and counts as a crash.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "southwell/core/errors.hpp"
#include "southwell/io/readers.hpp"

namespace southwell::fuzz {

inline std::istringstream as_stream(const std::uint8_t* data, std::size_t size) {
  return std::istringstream(std::string(reinterpret_cast<const char*>(data), size));
}

/// Sizes a fuzzed file may declare: large enough for every parser path, small enough that the
/// allocations they imply stay far below libFuzzer's 2 GB memory limit.
inline io::ReadLimits fuzz_limits() {
  io::ReadLimits limits;
  limits.max_dimension = 1 << 16;
  return limits;
}

inline void check(bool property, const char* what) {
  if (!property) {
    std::fprintf(stderr, "fuzz property violated: %s\n", what);
    std::abort();
  }
}

}  // namespace southwell::fuzz
