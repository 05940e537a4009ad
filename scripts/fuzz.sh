#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (${BUILD_DIR:-build-fuzz}/fuzz/) and runs each for
# SECONDS (default 600) on a scratch copy of its seed corpus, so tests/fuzz/corpus stays as
# committed. Prints executions and libFuzzer's coverage counters per target, then the line
# coverage of the parsers' sources reached by the final corpora (a clang source-based coverage
# build of the replay programs in ${BUILD_DIR}-cov, read by llvm-cov). A crashing input is
# written to ${OUT:-out/fuzz}/<target>/ (add it to tests/fuzz/regressions/<target>/ once fixed).
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# Equivalent by hand: cmake -S . -B build -DSOUTHWELL_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ &&
# cmake --build build && build/fuzz/libsvm_reader -max_total_time=60 tests/fuzz/corpus/libsvm_reader
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-600}
shift || true
"$root/scripts/install-deps.sh" --fuzz
source "$root/scripts/cores.sh"
build_dir=${BUILD_DIR:-$root/build-fuzz}
out=${OUT:-$root/out/fuzz}
cmake -S "$root" -B "$build_dir" -DSOUTHWELL_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" --parallel "$cores" >/dev/null
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(ls "$root/tests/fuzz/corpus" | grep -v '^ir_readers$')
printf '%-22s %12s %10s %8s %8s %s\n' target executions exec/s cov ft result
for target in "${targets[@]}"; do
  work="$out/$target"
  rm -rf "$work/corpus"
  mkdir -p "$work/corpus"
  cp "$root/tests/fuzz/corpus/$target"/* "$work/corpus/"
  result=ok
  "$build_dir/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 -close_fd_mask=3 \
    -artifact_prefix="$work/" "$work/corpus" > "$work/log.txt" 2>&1 || result="FAILED (see $work/log.txt)"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log.txt")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log.txt")
  cov=$(grep -o 'cov: [0-9]*' "$work/log.txt" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$work/log.txt" | tail -1 | cut -d' ' -f2)
  printf '%-22s %12s %10s %8s %8s %s\n' "$target" "${runs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$result"
done
echo "== line coverage of the parsers by the final corpora"
cmake -S "$root" -B "$build_dir-cov" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS="-fprofile-instr-generate -fcoverage-mapping" -DSOUTHWELL_BUILD_PYTHON=OFF \
  -DSOUTHWELL_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build_dir-cov" --parallel "$cores" --target fuzz_replays >/dev/null
rm -f "$out"/*.profraw
objects=()
for target in "${targets[@]}"; do
  LLVM_PROFILE_FILE="$out/$target.profraw" "$build_dir-cov/bin/fuzz_replay_$target" "$out/$target/corpus" >/dev/null
  [ ${#objects[@]} -eq 0 ] || objects+=(-object)
  objects+=("$build_dir-cov/bin/fuzz_replay_$target")
done
llvm-profdata merge -o "$out/corpora.profdata" "$out"/*.profraw
llvm-cov report -instr-profile "$out/corpora.profdata" "${objects[@]}" \
  "$root"/src/io/*.cpp "$root/src/io/parse_util.hpp" "$root/solvers/solve_command.cpp"
echo "SMART/TREC readers (Python): PYTHONPATH=build/python /usr/bin/python3 tests/fuzz/ir_readers.py --max-total-time $seconds"
