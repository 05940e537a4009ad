// Solves a small sparse least-squares problem with greedy BCD and checks the optimality
// condition A'(Ax - b) = 0. Exits non-zero if the solve did not converge.
#include <southwell/southwell.hpp>

#include <cstdio>
#include <vector>

int main() {
  using namespace southwell;
  // A 6 x 4 sparse matrix with full column rank.
  std::vector<Eigen::Triplet<double>> entries = {{0, 0, 1.0}, {1, 0, 2.0}, {1, 1, 1.0}, {2, 1, -1.0}, {3, 2, 3.0},
                                                 {4, 2, 1.0}, {4, 3, 2.0}, {5, 3, -1.0}, {5, 0, 0.5}};
  Eigen::SparseMatrix<double> A(6, 4);
  A.setFromTriplets(entries.begin(), entries.end());
  A.makeCompressed();
  Vec<double> b(6);
  b << 1, 2, 3, 4, 5, 6;

  auto problem = least_squares(A, b);
  SolverOptions options;
  options.partition = PartitionRule::Variable;
  options.selection = SelectionRule::GSQ;
  options.update = UpdateRule::Matrix;
  options.block_size = 2;
  options.tol = 1e-12;
  Vec<double> x;  // empty: start at zero
  const Summary summary = solve(problem, options, x);
  std::printf("%s\n", summary.brief_report().c_str());

  const double optimality = (A.transpose() * (A * x - b)).cwiseAbs().maxCoeff();
  std::printf("x = [%g %g %g %g], |A'(Ax - b)|_inf = %.2e\n", x[0], x[1], x[2], x[3], optimality);
  return summary.status == Status::Converged && optimality < 1e-9 ? 0 : 1;
}
