#include "southwell/linalg/bit_rows.hpp"

namespace southwell {

// The baseline x86-64 target has no popcount instruction (the builtin expands to ~12 bit
// operations, 5x slower here): a clone for CPUs with one is chosen when the library loads.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("popcnt", "default")))
#endif
std::int64_t common_bits(const std::uint64_t* a, const std::uint64_t* b, std::size_t words) {
  std::int64_t count = 0;
  for (std::size_t w = 0; w < words; ++w) count += __builtin_popcountll(a[w] & b[w]);
  return count;
}

}  // namespace southwell
