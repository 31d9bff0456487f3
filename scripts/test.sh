#!/usr/bin/env bash
# Runs the whole test suite: installs what it needs, builds, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build
swift test --disable-xctest "$@"
