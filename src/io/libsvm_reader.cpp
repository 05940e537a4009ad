#include <vector>

#include "parse_util.hpp"
#include "southwell/io/readers.hpp"

namespace southwell::io {

LibsvmData read_libsvm(const std::string& path, const ReadLimits& limits) {
  std::ifstream in = detail::open_or_throw(path);
  return read_libsvm(in, path, limits);
}

LibsvmData read_libsvm(std::istream& in, const std::string& path, const ReadLimits& limits) {
  LibsvmData data;
  std::vector<Eigen::Triplet<double, int>> entries;
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
      if (value != 0) entries.emplace_back(int(row), int(index - 1), value);
      features = std::max(features, index);
    }
    data.labels.push_back(label);
    data.line_of_row.push_back(line);
  }
  if (data.labels.empty()) throw ParseError(path + ": no samples");
  data.X.resize(Index(data.labels.size()), Index(features));
  data.X.setFromTriplets(entries.begin(), entries.end());
  data.X.makeCompressed();
  return data;
}

}  // namespace southwell::io
