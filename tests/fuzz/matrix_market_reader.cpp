// Fuzz target: Matrix Market coordinate files. A parsed matrix holds finite values inside its
// declared shape, and a symmetric file gives a symmetric matrix.
#include <cctype>
#include <cmath>
#include <string>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace southwell;
  auto in = fuzz::as_stream(data, size);
  try {
    const io::SparseMatrixD A = io::read_matrix_market(in, "input", fuzz::fuzz_limits());
    for (Index k = 0; k < A.nonZeros(); ++k) fuzz::check(std::isfinite(A.valuePtr()[k]), "values are finite");
    for (Index k = 0; k < A.nonZeros(); ++k)
      fuzz::check(A.innerIndexPtr()[k] >= 0 && A.innerIndexPtr()[k] < A.rows(), "row indices inside the matrix");
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::string first_line = text.substr(0, text.find('\n'));
    for (char& c : first_line) c = char(std::tolower(static_cast<unsigned char>(c)));
    const bool symmetric = first_line.find("symmetric") != std::string::npos && first_line.find("general") == std::string::npos;
    if (symmetric && A.size() > 0) {
      const io::SparseMatrixD transposed = A.transpose();
      fuzz::check((A - transposed).norm() == 0, "a symmetric file gives a symmetric matrix");
    }
  } catch (const Error&) {
  }
  return 0;
}
