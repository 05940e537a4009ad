#pragma once
#include <stdexcept>
#include <string>

namespace southwell {

/// Base of every exception Southwell throws.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A caller mistake found before the first iteration: bad shapes, values, names or options.
/// Solves never throw once iterating; non-convergence and numerical trouble are statuses.
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

/// Malformed input file; the message names the file and the line.
class ParseError : public Error {
 public:
  using Error::Error;
};

}  // namespace southwell
