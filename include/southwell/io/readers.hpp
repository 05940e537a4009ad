#pragma once
// Readers for the file formats of the command-line tools. Every malformed input raises
// ParseError with "file:line: what is wrong".
#include <Eigen/SparseCore>
#include <string>
#include <vector>

#include "southwell/core/types.hpp"

namespace southwell::io {

using SparseMatrixD = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

/// LIBSVM / svmlight text: one sample per line, "label idx:value idx:value ...", indices 1-based
/// and strictly increasing, an optional trailing "# comment". Rows are samples.
struct LibsvmData {
  SparseMatrixD X;                 ///< samples x features (compressed, column-major)
  std::vector<double> labels;      ///< one per sample
  std::vector<Index> line_of_row;  ///< 1-based line number of each sample, for error messages
};
LibsvmData read_libsvm(const std::string& path);

/// Matrix Market "coordinate" files (real, integer or pattern; general or symmetric). Symmetric
/// files are expanded to both triangles. Duplicate entries are an error.
SparseMatrixD read_matrix_market(const std::string& path);

/// One finite number per line (blank lines and lines starting with '#' are skipped).
std::vector<double> read_vector(const std::string& path);

/// Writes one value per line with 17 significant digits.
void write_vector(const std::string& path, const double* values, Index size);

}  // namespace southwell::io
