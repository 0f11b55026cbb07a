#!/bin/sh
# Builds bench/blas/sgemm-vs-openblas.cc against native/src and the system OpenBLAS, then runs
# each side in its own process (see the .cc). Measurement only; nothing else uses it.
#   apt-get install -y libopenblas-dev     # Debian 12: OpenBLAS 0.3.21
#   sh bench/blas/run.sh [name filter]
set -e
here=$(dirname "$0")
src="$here/../../native/src"
out=${TMPDIR:-/tmp}/relaxcert-sgemm-vs-openblas
g++ -O3 -std=c++17 -fno-math-errno -pthread -I"$src" "$here/sgemm-vs-openblas.cc" \
  "$src/sgemm.cc" "$src/thread-pool.cc" -lopenblas -o "$out"
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1 /proc/loadavg)"
"$out" ours "$@"
"$out" openblas "$@"
echo "# load average at the end $(cut -d' ' -f1 /proc/loadavg)"
