#!/usr/bin/env bash
# The main job: builds Southwell, runs the rule-comparison demo (generated problems, and the real
# datasets of ../shared/data/libsvm when that folder exists; table, CSV histories and plots in
# out/demo/), then the quick reproduction of the paper's Figures 4-7 (JSON, plots and a table of
# our values against the paper's in out/reproduction/; the whole grid: bench/reproduce/reproduce.py).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" >/dev/null
out="$root/out/demo"
mkdir -p "$out"
shared="$root/../shared/data"
"$root/build/bin/southwell-demo" --output-dir "$out" --shared-data "$shared" "$@"
/usr/bin/python3 "$root/scripts/plot_histories.py" "$out"
echo
echo "== Reproduction of the paper's Figures 4-7 (out/reproduction/)"
PYTHONPATH="$root/build/python" /usr/bin/python3 "$root/bench/reproduce/reproduce.py" --quick \
  --output-dir "$root/out/reproduction" --spec "$root/../shared/reference/bcd-paper-spec.md"
