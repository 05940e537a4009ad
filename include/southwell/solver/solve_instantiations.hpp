#pragma once
// The block coordinate descent loop for the ready-made problem types is compiled once, into the
// library (src/solver/solve_*.cpp): a program that solves them links that code instead of
// instantiating the whole engine (every rule and update) in each of its files. Problem types not
// listed here are instantiated from the templates as usual.
//
// Define SOUTHWELL_HEADER_ONLY_SOLVE before including Southwell to instantiate everything in the
// including file instead (e.g. to build the loop with other compiler flags than the library's).
#include "southwell/design/dense_design.hpp"
#include "southwell/design/sparse_design.hpp"
#include "southwell/problems/glm_problem.hpp"
#include "southwell/problems/logistic_loss.hpp"
#include "southwell/problems/quadratic_problem.hpp"
#include "southwell/problems/softmax_loss.hpp"
#include "southwell/problems/squared_loss.hpp"

// Declares (SOUTHWELL_EXTERN = extern) or defines (empty) both solve() overloads for Problem.
#define SOUTHWELL_SOLVE_INSTANTIATION(SOUTHWELL_EXTERN, ...)                                          \
  SOUTHWELL_EXTERN template Summary solve<__VA_ARGS__>(                                               \
      __VA_ARGS__&, const SeparableRegularizer<typename __VA_ARGS__::Scalar>&, const SolverOptions&, \
      Vec<typename __VA_ARGS__::Scalar>&);                                                          \
  SOUTHWELL_EXTERN template Summary solve<__VA_ARGS__>(__VA_ARGS__&, const SolverOptions&,         \
                                                       Vec<typename __VA_ARGS__::Scalar>&);

// Every ready-made problem type of one loss, for float and double, sparse (int indices) and dense.
#define SOUTHWELL_GLM_SOLVE_INSTANTIATIONS(SOUTHWELL_EXTERN, LOSS)                                   \
  SOUTHWELL_SOLVE_INSTANTIATION(SOUTHWELL_EXTERN, GlmProblem<SparseDesign<double, int>, LOSS<double>>) \
  SOUTHWELL_SOLVE_INSTANTIATION(SOUTHWELL_EXTERN, GlmProblem<SparseDesign<float, int>, LOSS<float>>)   \
  SOUTHWELL_SOLVE_INSTANTIATION(SOUTHWELL_EXTERN, GlmProblem<DenseDesign<double>, LOSS<double>>)       \
  SOUTHWELL_SOLVE_INSTANTIATION(SOUTHWELL_EXTERN, GlmProblem<DenseDesign<float>, LOSS<float>>)

#define SOUTHWELL_QUADRATIC_SOLVE_INSTANTIATIONS(SOUTHWELL_EXTERN)              \
  SOUTHWELL_SOLVE_INSTANTIATION(SOUTHWELL_EXTERN, QuadraticProblem<double, int>) \
  SOUTHWELL_SOLVE_INSTANTIATION(SOUTHWELL_EXTERN, QuadraticProblem<float, int>)

#ifndef SOUTHWELL_HEADER_ONLY_SOLVE
namespace southwell {
SOUTHWELL_GLM_SOLVE_INSTANTIATIONS(extern, SquaredLoss)
SOUTHWELL_GLM_SOLVE_INSTANTIATIONS(extern, LogisticLoss)
SOUTHWELL_GLM_SOLVE_INSTANTIATIONS(extern, SoftmaxLoss)
SOUTHWELL_QUADRATIC_SOLVE_INSTANTIATIONS(extern)
}  // namespace southwell
#endif
