#include <cstdio>
#include <vector>

#include "parse_util.hpp"
#include "southwell/io/readers.hpp"

namespace southwell::io {

std::vector<double> read_vector(const std::string& path) {
  std::ifstream in = detail::open_or_throw(path);
  return read_vector(in, path);
}

std::vector<double> read_vector(std::istream& in, const std::string& path) {
  std::vector<double> values;
  std::string text;
  for (long long line = 1; std::getline(in, text); ++line) {
    std::string_view rest(text);
    std::string_view token = detail::next_token(rest);
    if (token.empty() || token[0] == '#') continue;
    values.push_back(detail::parse_double(token, path, line, "value"));
    if (!detail::next_token(rest).empty()) detail::fail(path, line, "expected one number per line");
  }
  return values;
}

void write_vector(const std::string& path, const double* values, Index size) {
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (!out) throw Error(path + ": cannot open for writing");
  for (Index i = 0; i < size; ++i) std::fprintf(out, "%.17g\n", values[i]);
  if (std::fclose(out) != 0) throw Error(path + ": write failed");
}

}  // namespace southwell::io
