#pragma once
// Readers for the file formats of the command-line tools. Every malformed input raises
// ParseError with "file:line: what is wrong"; nothing else escapes a reader but std::bad_alloc.
// Each reader takes a path, or a stream and the name to use in messages.
#include <Eigen/SparseCore>
#include <istream>
#include <limits>
#include <string>
#include <vector>

#include "southwell/core/types.hpp"

namespace southwell::io {

using SparseMatrixD = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

/// Bounds on the sizes a file may imply, checked before anything is allocated for them. A
/// column-major matrix stores one offset per column, so a 12-byte LIBSVM line naming feature
/// 2,000,000,000 asks for 8 GB; lower the bound when reading files you do not trust.
struct ReadLimits {
  /// Largest number of rows, columns (features) or graph nodes; the default is the most that
  /// 32-bit indices can address. Larger sizes are a ParseError naming the line.
  Index max_dimension = std::numeric_limits<int>::max() - 1;
};

/// LIBSVM / svmlight text: one sample per line, "label idx:value idx:value ...", indices 1-based
/// and strictly increasing, an optional trailing "# comment". Rows are samples.
struct LibsvmData {
  SparseMatrixD X;                 ///< samples x features (compressed, column-major)
  std::vector<double> labels;      ///< one per sample
  std::vector<Index> line_of_row;  ///< 1-based line number of each sample, for error messages
};
LibsvmData read_libsvm(const std::string& path, const ReadLimits& limits = {});
LibsvmData read_libsvm(std::istream& in, const std::string& name, const ReadLimits& limits = {});

/// The features [first, last) of a LIBSVM file (0-based), for a process that owns those columns:
/// X has last - first columns, column 0 being feature first + 1 of the file, and every sample's
/// label. The whole file is parsed and checked; memory is that of the kept nonzeros only.
LibsvmData read_libsvm_columns(const std::string& path, Index first, Index last, const ReadLimits& limits = {});
LibsvmData read_libsvm_columns(std::istream& in, const std::string& name, Index first, Index last,
                               const ReadLimits& limits = {});

/// Sample count and nonzeros per feature of a LIBSVM file, in one pass with O(features) memory:
/// what a process needs to choose its share of the columns before reading them.
struct LibsvmShape {
  Index rows = 0;
  std::vector<long long> column_nonzeros;  ///< one per feature up to the largest index used
};
LibsvmShape scan_libsvm(const std::string& path, const ReadLimits& limits = {});
LibsvmShape scan_libsvm(std::istream& in, const std::string& name, const ReadLimits& limits = {});

/// Logistic targets +-1 from LIBSVM labels, which must be all -1/+1 or all 0/1 (0 maps to -1);
/// otherwise a ParseError naming the file and line.
std::vector<double> logistic_targets(const LibsvmData& data, const std::string& name);

/// Matrix Market "coordinate" files (real, integer or pattern; general or symmetric). Symmetric
/// files are expanded to both triangles. Duplicate entries are an error.
SparseMatrixD read_matrix_market(const std::string& path, const ReadLimits& limits = {});
SparseMatrixD read_matrix_market(std::istream& in, const std::string& name, const ReadLimits& limits = {});

/// One finite number per line (blank lines and lines starting with '#' are skipped).
std::vector<double> read_vector(const std::string& path);
std::vector<double> read_vector(std::istream& in, const std::string& name);

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
/// `nodes` above limits.max_dimension is an InvalidArgument.
EdgeList read_edge_list(const std::string& path, Index nodes = 0, const ReadLimits& limits = {});
EdgeList read_edge_list(std::istream& in, const std::string& name, Index nodes = 0, const ReadLimits& limits = {});

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
NodeLabels read_node_labels(std::istream& in, const std::string& name);

/// Writes one value per line with 17 significant digits.
void write_vector(const std::string& path, const double* values, Index size);

}  // namespace southwell::io
