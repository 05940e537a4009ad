// A strict Matrix Market reader. Eigen's loadMarket and CHOLMOD's reader accept malformed lines
// silently or fail without saying where; the command line must name the file and line.
#include <algorithm>
#include <cctype>
#include <vector>

#include "parse_util.hpp"
#include "southwell/io/readers.hpp"

namespace southwell::io {

SparseMatrixD read_matrix_market(const std::string& path, const ReadLimits& limits) {
  std::ifstream in = detail::open_or_throw(path);
  return read_matrix_market(in, path, limits);
}

SparseMatrixD read_matrix_market(std::istream& in, const std::string& path, const ReadLimits& limits) {
  std::string text;
  long long line = 1;
  if (!std::getline(in, text)) throw ParseError(path + ": empty file");
  std::string header = text;
  std::transform(header.begin(), header.end(), header.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string_view rest(header);
  std::string_view banner = detail::next_token(rest), object = detail::next_token(rest),
                   format = detail::next_token(rest), field = detail::next_token(rest),
                   symmetry = detail::next_token(rest);
  if (banner != "%%matrixmarket" || object != "matrix")
    detail::fail(path, line, "not a Matrix Market file (expected '%%MatrixMarket matrix ...')");
  if (format != "coordinate") detail::fail(path, line, "only the 'coordinate' format is supported");
  const bool pattern = field == "pattern";
  if (field != "real" && field != "integer" && !pattern)
    detail::fail(path, line, "field must be real, integer or pattern, got '" + std::string(field) + "'");
  const bool symmetric = symmetry == "symmetric";
  if (symmetry != "general" && !symmetric)
    detail::fail(path, line, "symmetry must be general or symmetric, got '" + std::string(symmetry) + "'");

  long long rows = -1, cols = -1, count = -1;
  while (std::getline(in, text)) {
    ++line;
    std::string_view r(text);
    std::string_view first = detail::next_token(r);
    if (first.empty() || first[0] == '%') continue;
    rows = detail::parse_integer(first, path, line, "row count");
    cols = detail::parse_integer(detail::next_token(r), path, line, "column count");
    count = detail::parse_integer(detail::next_token(r), path, line, "entry count");
    if (!detail::next_token(r).empty()) detail::fail(path, line, "unexpected text after the size line");
    if (rows < 0 || cols < 0 || count < 0) detail::fail(path, line, "negative size");
    if (rows > limits.max_dimension || cols > limits.max_dimension)
      detail::fail(path, line, std::to_string(rows) + " x " + std::to_string(cols) + " exceeds the size limit " +
                                   std::to_string(limits.max_dimension) + " (ReadLimits::max_dimension)");
    if (symmetric && rows != cols) detail::fail(path, line, "a symmetric matrix must be square");
    // Duplicates are an error, so a file cannot list more entries than the matrix has positions.
    const long long positions = symmetric ? rows * (rows + 1) / 2 : rows * cols;
    if (count > positions)
      detail::fail(path, line, std::to_string(count) + " entries declared, but the matrix has only " +
                                   std::to_string(positions) + " positions");
    break;
  }
  if (count < 0) throw ParseError(path + ": missing size line");

  std::vector<Eigen::Triplet<double, int>> entries;
  // The declared count is only a hint until the entries are there: reserve a bounded amount.
  entries.reserve(std::size_t(std::min<long long>(count, 1 << 22)) * (symmetric ? 2 : 1));
  long long read = 0;
  while (std::getline(in, text)) {
    ++line;
    std::string_view r(text);
    std::string_view first = detail::next_token(r);
    if (first.empty() || first[0] == '%') continue;
    if (read == count) detail::fail(path, line, "more entries than the " + std::to_string(count) + " declared");
    const long long i = detail::parse_integer(first, path, line, "row index");
    const long long j = detail::parse_integer(detail::next_token(r), path, line, "column index");
    if (i < 1 || i > rows || j < 1 || j > cols)
      detail::fail(path, line, "entry (" + std::to_string(i) + ", " + std::to_string(j) + ") is outside the " +
                                   std::to_string(rows) + " x " + std::to_string(cols) + " matrix");
    if (symmetric && j > i) detail::fail(path, line, "a symmetric file must list the lower triangle only");
    const double value = pattern ? 1.0 : detail::parse_double(detail::next_token(r), path, line, "value");
    if (!detail::next_token(r).empty()) detail::fail(path, line, "unexpected text after the entry");
    entries.emplace_back(int(i - 1), int(j - 1), value);
    if (symmetric && i != j) entries.emplace_back(int(j - 1), int(i - 1), value);
    ++read;
  }
  if (read != count)
    throw ParseError(path + ":" + std::to_string(line) + ": " + std::to_string(read) + " entries, but " +
                     std::to_string(count) + " declared");
  SparseMatrixD A(rows, cols);
  bool duplicate = false;
  A.setFromTriplets(entries.begin(), entries.end(), [&](double a, double b) {
    duplicate = true;
    return a + b;
  });
  if (duplicate) throw ParseError(path + ": duplicate entries");
  A.makeCompressed();
  return A;
}

}  // namespace southwell::io
