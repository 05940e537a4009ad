#!/usr/bin/env bash
# Builds Southwell and runs every test: the GoogleTest suite (ctest), the CMake package consumer
# against a fresh install, pytest (the Python package, with Debian's /usr/bin/python3), and the suite again under
# AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/. Pass --no-sanitizers to skip that.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sanitizers=1
[ "${1:-}" = "--no-sanitizers" ] && sanitizers=0
"$root/scripts/install-deps.sh"

echo "== build"
"$root/scripts/build.sh" >/dev/null
echo "== ctest"
ctest --test-dir "$root/build" --output-on-failure -j "$(nproc)"

echo "== CMake package: install, then build and run examples/cpp-consumer against it"
prefix=$(mktemp -d)
cmake --install "$root/build" --prefix "$prefix" >/dev/null
cmake -S "$root/examples/cpp-consumer" -B "$prefix/consumer-build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$prefix/consumer-build" >/dev/null
"$prefix/consumer-build/consumer"
rm -rf "$prefix"

echo "== pytest"
PYTHONPATH="$root/build/python" /usr/bin/python3 -m pytest -q -p no:cacheprovider "$root/python/tests"

if [ "$sanitizers" = 1 ]; then
  echo "== AddressSanitizer + UndefinedBehaviorSanitizer"
  # -O1 -g1 (the usual sanitizer setting) and only what ctest runs: keeps CI within its budget.
  BUILD_DIR="$root/build-asan" BUILD_TARGETS="southwell_tests southwell-solve" "$root/scripts/build.sh" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
    -DSOUTHWELL_SANITIZERS=address,undefined -DSOUTHWELL_BUILD_BENCHMARKS=OFF -DSOUTHWELL_BUILD_PYTHON=OFF >/dev/null
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir "$root/build-asan" --output-on-failure -j "$(nproc)"
fi
echo "== all tests passed"
