#!/usr/bin/env bash
# Reproduces the README's Performance table: builds seatsweep in release mode, installs polars and
# pandas into .venv-bench, generates deterministic inputs (10k, 100k, 1M accounts; a 100k-account
# API dump) under $BENCH_DIR, and times `seatsweep audit` against the polars script in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=${BENCH_DIR:-/tmp/seatsweep-bench}
if [ ! -x .venv-bench/bin/python ]; then
    python3 -m venv .venv-bench
    .venv-bench/bin/pip install -q polars pandas
fi
bash scripts/setup.sh --build
swift build -c release --product seatsweep
swift build -c release --product seatsweep-bench
exec .build/release/seatsweep-bench run --seatsweep "$PWD/.build/release/seatsweep" --python "$PWD/.venv-bench/bin/python" \
    --scripts "$PWD/scripts/bench" --work "$BENCH_DIR" "$@"
