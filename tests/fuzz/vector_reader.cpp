// Fuzz target: one number per line (the right-hand side of --problem quadratic).
#include <cmath>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace southwell;
  auto in = fuzz::as_stream(data, size);
  try {
    for (double value : io::read_vector(in, "input")) fuzz::check(std::isfinite(value), "values are finite");
  } catch (const Error&) {
  }
  return 0;
}
