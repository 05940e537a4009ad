// Fuzz target: LIBSVM / svmlight text. A parsed file must be self-consistent: one label and one
// line number per row, line numbers increasing, every stored value finite and nonzero.
#include <cmath>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace southwell;
  auto in = fuzz::as_stream(data, size);
  try {
    const io::LibsvmData parsed = io::read_libsvm(in, "input", fuzz::fuzz_limits());
    fuzz::check(parsed.X.rows() == Index(parsed.labels.size()), "one label per row");
    fuzz::check(parsed.line_of_row.size() == parsed.labels.size(), "one line number per row");
    for (std::size_t r = 1; r < parsed.line_of_row.size(); ++r)
      fuzz::check(parsed.line_of_row[r] > parsed.line_of_row[r - 1], "line numbers increase");
    for (double label : parsed.labels) fuzz::check(std::isfinite(label), "labels are finite");
    fuzz::check(parsed.X.isCompressed(), "the matrix is compressed");
    for (Index k = 0; k < parsed.X.nonZeros(); ++k)
      fuzz::check(std::isfinite(parsed.X.valuePtr()[k]) && parsed.X.valuePtr()[k] != 0, "values are finite and nonzero");
  } catch (const Error&) {
  }
  return 0;
}
