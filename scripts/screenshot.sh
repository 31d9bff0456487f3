#!/usr/bin/env bash
# Regenerates Samples/report-screenshot.png, the README's picture of the HTML report: audits
# the bundled sample (generatedAt pinned) and has headless Chromium screenshot report.html.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bash scripts/setup.sh --build
swift build --product seatsweep >/dev/null
SOURCE_DATE_EPOCH=1793520000 .build/debug/seatsweep audit Samples/directory-export.csv \
    --policy Samples/policy.yml --pricing Samples/pricing.yml --as-of 2026-11-01 --format html --out "$out/report" >/dev/null
python3 Tests/seatsweepTests/Readers/chromium_check.py "$out/report/report.html" Samples/report-screenshot.png \
    | python3 -c 'import json, sys; d = json.load(sys.stdin); s = d["screenshot"]; print("wrote Samples/report-screenshot.png, %dx%d, console %s, requests %s" % (s["width"], s["height"], d["console"], d["requests"]))'
