#include <algorithm>
#include <cstdio>
#include <vector>

#include "parse_util.hpp"
#include "southwell/io/readers.hpp"

namespace southwell::io {
namespace {

/// Parses and checks every line; calls on_entry(row, column, value) for each nonzero (column
/// 0-based) and fills labels and line numbers. Returns the number of features (largest index).
template <class OnEntry>
long long parse_libsvm(std::istream& in, const std::string& path, const ReadLimits& limits, LibsvmData& data,
                       OnEntry&& on_entry) {
  long long features = 0;
  std::string text;
  for (long long line = 1; std::getline(in, text); ++line) {
    std::string_view rest(text);
    if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
    std::string_view token = detail::next_token(rest);
    if (token.empty()) continue;
    const double label = detail::parse_double(token, path, line, "label");
    const long long row = static_cast<long long>(data.labels.size());
    if (row >= limits.max_dimension) detail::fail(path, line, "more samples than the limit " + std::to_string(limits.max_dimension));
    long long previous = 0;
    while (!(token = detail::next_token(rest)).empty()) {
      const auto colon = token.find(':');
      if (colon == std::string_view::npos)
        detail::fail(path, line, "expected index:value, got '" + std::string(token) + "'");
      const long long index = detail::parse_integer(token.substr(0, colon), path, line, "feature index");
      if (index < 1) detail::fail(path, line, "feature index " + std::to_string(index) + " must be >= 1 (indices are 1-based)");
      if (index <= previous)
        detail::fail(path, line, "feature indices must increase (" + std::to_string(index) + " after " +
                                     std::to_string(previous) + ")");
      if (index > limits.max_dimension)
        detail::fail(path, line, "feature index " + std::to_string(index) + " exceeds the limit " +
                                     std::to_string(limits.max_dimension) + " (ReadLimits::max_dimension)");
      previous = index;
      const double value = detail::parse_double(token.substr(colon + 1), path, line, "feature value");
      if (value != 0) on_entry(row, index - 1, value);
      features = std::max(features, index);
    }
    data.labels.push_back(label);
    data.line_of_row.push_back(line);
  }
  if (data.labels.empty()) throw ParseError(path + ": no samples");
  return features;
}

}  // namespace

LibsvmData read_libsvm(const std::string& path, const ReadLimits& limits) {
  std::ifstream in = detail::open_or_throw(path);
  return read_libsvm(in, path, limits);
}

LibsvmData read_libsvm(std::istream& in, const std::string& path, const ReadLimits& limits) {
  LibsvmData data;
  std::vector<Eigen::Triplet<double, int>> entries;
  const long long features = parse_libsvm(in, path, limits, data, [&](long long row, long long column, double value) {
    entries.emplace_back(int(row), int(column), value);
  });
  data.X.resize(Index(data.labels.size()), Index(features));
  data.X.setFromTriplets(entries.begin(), entries.end());
  data.X.makeCompressed();
  return data;
}

LibsvmData read_libsvm_columns(const std::string& path, Index first, Index last, const ReadLimits& limits) {
  std::ifstream in = detail::open_or_throw(path);
  return read_libsvm_columns(in, path, first, last, limits);
}

LibsvmData read_libsvm_columns(std::istream& in, const std::string& path, Index first, Index last,
                               const ReadLimits& limits) {
  if (first < 0 || last < first)
    throw InvalidArgument("read_libsvm_columns: need 0 <= first <= last, got [" + std::to_string(first) + ", " +
                          std::to_string(last) + ")");
  LibsvmData data;
  std::vector<Eigen::Triplet<double, int>> entries;
  parse_libsvm(in, path, limits, data, [&](long long row, long long column, double value) {
    if (column >= first && column < last) entries.emplace_back(int(row), int(column - first), value);
  });
  data.X.resize(Index(data.labels.size()), last - first);
  data.X.setFromTriplets(entries.begin(), entries.end());
  data.X.makeCompressed();
  return data;
}

LibsvmShape scan_libsvm(const std::string& path, const ReadLimits& limits) {
  std::ifstream in = detail::open_or_throw(path);
  return scan_libsvm(in, path, limits);
}

LibsvmShape scan_libsvm(std::istream& in, const std::string& path, const ReadLimits& limits) {
  LibsvmShape shape;
  LibsvmData rows;  // labels only: the line numbers are not needed, but parse_libsvm records them
  parse_libsvm(in, path, limits, rows, [&](long long, long long column, double) {
    if (column >= Index(shape.column_nonzeros.size())) shape.column_nonzeros.resize(std::size_t(column) + 1, 0);
    ++shape.column_nonzeros[std::size_t(column)];
  });
  shape.rows = Index(rows.labels.size());
  return shape;
}

std::vector<double> logistic_targets(const LibsvmData& data, const std::string& path) {
  const bool zero_one = std::any_of(data.labels.begin(), data.labels.end(), [](double v) { return v == 0; });
  std::vector<double> y(data.labels.size());
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double v = data.labels[i];
    if (zero_one ? (v != 0 && v != 1) : (v != 1 && v != -1)) {
      char number[32];
      std::snprintf(number, sizeof number, "%.17g", v);
      throw ParseError(path + ":" + std::to_string(data.line_of_row[i]) + ": logistic label " + number + " is not in " +
                       (zero_one ? "{0, 1}" : "{-1, +1}") + " (labels must be all -1/+1 or all 0/1)");
    }
    y[i] = v == 0 ? -1.0 : v;
  }
  return y;
}

}  // namespace southwell::io
