# Every dependency comes from a Debian 12 package; a missing one stops configure and names it.
macro(southwell_require found_var what apt_package)
  if(NOT ${found_var})
    message(FATAL_ERROR "${what} was not found. Install it with:\n  sudo apt-get install ${apt_package}\n"
                        "(or run scripts/install-deps.sh, which installs everything Southwell needs)")
  endif()
endmacro()

find_package(Eigen3 3.4 CONFIG QUIET)
southwell_require(Eigen3_FOUND "Eigen 3.4" libeigen3-dev)

find_package(CHOLMOD QUIET)
southwell_require(CHOLMOD_FOUND "SuiteSparse CHOLMOD" libsuitesparse-dev)

find_package(OpenMP QUIET COMPONENTS CXX)
southwell_require(OpenMP_CXX_FOUND "OpenMP for C++" "libgomp1 (comes with g++)")

find_package(TBB CONFIG QUIET)
southwell_require(TBB_FOUND "oneTBB" libtbb-dev)

find_package(CLI11 CONFIG QUIET)
southwell_require(CLI11_FOUND "CLI11 (command-line parsing)" libcli11-dev)

if(SOUTHWELL_BUILD_MPI)
  find_package(MPI QUIET COMPONENTS CXX)
  southwell_require(MPI_CXX_FOUND "MPI for C++ (or configure with -DSOUTHWELL_BUILD_MPI=OFF)" "openmpi-bin libopenmpi-dev")
endif()

if(SOUTHWELL_BUILD_TESTS)
  find_package(GTest CONFIG QUIET)
  southwell_require(GTest_FOUND "GoogleTest" "libgtest-dev libgmock-dev")
endif()

if(SOUTHWELL_BUILD_BENCHMARKS)
  find_package(benchmark CONFIG QUIET)
  southwell_require(benchmark_FOUND "Google Benchmark" libbenchmark-dev)
endif()

if(SOUTHWELL_BUILD_PYTHON)
  # Debian's interpreter, which sees python3-numpy/scipy/sklearn (a pyenv python3 first on PATH
  # cannot); override with -DPython_EXECUTABLE=... .
  if(NOT DEFINED Python_EXECUTABLE AND EXISTS /usr/bin/python3)
    set(Python_EXECUTABLE /usr/bin/python3)
  endif()
  find_package(Python 3.9 QUIET COMPONENTS Interpreter Development.Module)
  southwell_require(Python_FOUND "Python 3 with development headers" python3-dev)
  set(PYBIND11_FINDPYTHON ON)
  find_package(pybind11 CONFIG QUIET)
  southwell_require(pybind11_FOUND "pybind11" pybind11-dev)
endif()
