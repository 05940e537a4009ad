// Fuzz target: edge lists. A parsed graph is symmetric with a zero diagonal, positive finite
// weights, and as many stored entries as twice its distinct edges.
#include <cmath>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace southwell;
  auto in = fuzz::as_stream(data, size);
  try {
    const io::EdgeList graph = io::read_edge_list(in, "input", 0, fuzz::fuzz_limits());
    const io::SparseMatrixD& W = graph.W;
    fuzz::check(W.rows() == W.cols() && W.rows() > 0, "a square, non-empty matrix");
    fuzz::check(W.nonZeros() == 2 * graph.edges, "two entries per distinct edge");
    for (Index j = 0; j < W.outerSize(); ++j)
      for (io::SparseMatrixD::InnerIterator it(W, j); it; ++it) {
        fuzz::check(it.row() != it.col(), "no self loops");
        fuzz::check(std::isfinite(it.value()) && it.value() > 0, "positive finite weights");
        fuzz::check(W.coeff(it.col(), it.row()) == it.value(), "symmetric");
      }
  } catch (const Error&) {
  }
  return 0;
}
