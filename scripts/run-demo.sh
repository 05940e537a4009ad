#!/usr/bin/env bash
# The main job: builds Southwell and runs the rule-comparison demo, on problems it generates and
# on the real datasets of ../shared/data/libsvm when that folder exists. Prints a table and writes
# histories (CSV) and plots to out/demo/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" >/dev/null
out="$root/out/demo"
mkdir -p "$out"
shared="$root/../shared/data"
"$root/build/bin/southwell-demo" --output-dir "$out" --shared-data "$shared" "$@"
/usr/bin/python3 "$root/scripts/plot_histories.py" "$out"
