#!/usr/bin/env bash
# The README's first command: installs the Debian packages the build needs (if missing), then
# audits the bundled sample export into seatsweep-report/. Extra arguments go to `audit`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --build
exec swift run seatsweep audit Samples/directory-export.csv --policy Samples/policy.yml \
    --pricing Samples/pricing.yml --as-of 2026-11-01 "$@"
