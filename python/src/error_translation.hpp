#pragma once
// How the compiled modules turn Southwell's exceptions into Python ones.
#include <pybind11/pybind11.h>

#include "southwell/core/errors.hpp"

namespace southwell::python {

/// InvalidArgument -> ValueError (a caller mistake), any other southwell::Error -> RuntimeError.
inline void register_error_translation() {
  pybind11::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const southwell::InvalidArgument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const southwell::Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
}

}  // namespace southwell::python
