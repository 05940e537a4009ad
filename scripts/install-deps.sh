#!/usr/bin/env bash
# Installs the Debian 12 packages Southwell needs to build, test and run its demos.
# Idempotent: installs only what is missing. As a normal user it prints the apt-get line instead.
#   --peers   also the peer solvers of the comparison suite (bench/compare): LIBLINEAR's Python
#             interface and R's glmnet
#   --fuzz    also clang and its libFuzzer runtime (scripts/fuzz.sh)
#   --sanitizers  also clang, its sanitizer runtimes and OpenMP (the sanitizer builds of
#             scripts/run-tests.sh)
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config git
  libeigen3-dev libsuitesparse-dev libtbb-dev pybind11-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-dev python3-numpy python3-scipy python3-sklearn python3-matplotlib python3-pytest
  python3-nltk wordnet-base
  openmpi-bin libopenmpi-dev python3-mpi4py
)
clang=(clang-14 libclang-rt-14-dev)  # the fuzzers' and the sanitizer build's compiler
for option in "$@"; do
  case "$option" in
    --peers) packages+=(python3-liblinear r-cran-glmnet) ;;
    --fuzz) packages+=("${clang[@]}") ;;
    --sanitizers) packages+=("${clang[@]}" libomp-14-dev) ;;
    *) echo "usage: $0 [--peers] [--fuzz] [--sanitizers]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Southwell needs these Debian packages, which are not installed:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  echo "Run that line, then this command again." >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
