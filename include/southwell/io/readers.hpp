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

/// An undirected weighted graph read from an edge list.
struct EdgeList {
  SparseMatrixD W;            ///< symmetric, both triangles stored, zero diagonal
  Index edges = 0;            ///< distinct undirected edges
  Index self_loops = 0;       ///< "u u" lines, skipped (they do not change a graph Laplacian)
};
/// Edge list: "u v [w]" per line, 0-based node ids, weight w > 0 and finite (default 1), blanks
/// or tabs between fields, '#' starts a comment. Each undirected edge is listed once; a pair listed
/// again (in either order) must repeat its weight and counts once. The graph has `nodes` nodes
/// (0: one more than the largest id); an id >= `nodes` is an error.
EdgeList read_edge_list(const std::string& path, Index nodes = 0);

/// Node labels, one node per line: "node label [split]" (the Cora nodes.tsv layout). Fields are
/// separated by tabs when the line has one (so a label may contain spaces, as in karate's
/// "Mr. Hi"), otherwise by blanks. '#' starts a comment line. Labels are kept as text: "-1"
/// conventionally means unknown; the caller decides which splits count as labelled.
struct NodeLabels {
  std::vector<Index> node;
  std::vector<std::string> label;
  std::vector<std::string> split;  ///< empty when the file has no third column
};
NodeLabels read_node_labels(const std::string& path);

/// Writes one value per line with 17 significant digits.
void write_vector(const std::string& path, const double* values, Index size);

}  // namespace southwell::io
