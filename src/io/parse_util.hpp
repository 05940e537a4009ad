#pragma once
// Internal helpers shared by the text readers.
#include <charconv>
#include <cmath>
#include <fstream>
#include <string>
#include <string_view>

#include "southwell/core/errors.hpp"

namespace southwell::io::detail {

inline std::ifstream open_or_throw(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ParseError(path + ": cannot open file");
  return in;
}

[[noreturn]] inline void fail(const std::string& path, long long line, const std::string& what) {
  throw ParseError(path + ":" + std::to_string(line) + ": " + what);
}

/// A finite double from the whole token, or a ParseError naming the token.
inline double parse_double(std::string_view token, const std::string& path, long long line, const char* what) {
  double value = 0;
  const char* first = token.data();
  const char* last = token.data() + token.size();
  if (!token.empty() && *first == '+') ++first;  // from_chars rejects a leading '+'
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr != last || token.empty())
    fail(path, line, std::string("bad ") + what + " '" + std::string(token) + "'");
  if (!std::isfinite(value)) fail(path, line, std::string(what) + " '" + std::string(token) + "' is not finite");
  return value;
}

inline long long parse_integer(std::string_view token, const std::string& path, long long line, const char* what) {
  long long value = 0;
  const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || ptr != token.data() + token.size() || token.empty())
    fail(path, line, std::string("bad ") + what + " '" + std::string(token) + "'");
  return value;
}

/// Splits on blanks (spaces and tabs); returns the next token or an empty view at the end.
inline std::string_view next_token(std::string_view& rest) {
  std::size_t begin = rest.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) {
    rest = {};
    return {};
  }
  std::size_t end = rest.find_first_of(" \t\r", begin);
  if (end == std::string_view::npos) end = rest.size();
  std::string_view token = rest.substr(begin, end - begin);
  rest.remove_prefix(end);
  return token;
}

}  // namespace southwell::io::detail
