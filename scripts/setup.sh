#!/usr/bin/env bash
# Installs what the build (`--build`) or the whole test suite needs beyond the Swift toolchain.
# Idempotent; safe to re-run.
# Debian packages go through apt-get (as root, or with sudo); Python checkers into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

# What building needs: libxml2 (XML writing), ISA-L's igzip (the workbook's deflate), zlib
# (ZIPFoundation's), SQLite, and pkg-config to find them. `--build` installs only these.
BUILD_PACKAGES=(libxml2-dev libisal-dev libsqlite3-dev zlib1g-dev pkg-config)
# libreoffice-calc-nogui and chromium-headless-shell are the report readers the tests use:
# LibreOffice headless converts report.xlsx and report.xml to CSV, headless Chromium loads
# report.html (python3, already on the machine, drives it over the DevTools pipe).
READER_PACKAGES=(libreoffice-calc-nogui chromium-headless-shell)
APT_PACKAGES=("${BUILD_PACKAGES[@]}")
[ "${1:-}" = "--build" ] || APT_PACKAGES+=("${READER_PACKAGES[@]}")

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "setup: installing ${missing[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ "${1:-}" = "--build" ] && exit 0

# openpyxl reads report.xlsx in the tests.
PY_PACKAGES=(openpyxl)
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv" >&2
    python3 -m venv .venv
fi
if ! .venv/bin/python -c "import openpyxl" >/dev/null 2>&1; then
    echo "setup: installing ${PY_PACKAGES[*]} into .venv" >&2
    .venv/bin/pip install --quiet --disable-pip-version-check "${PY_PACKAGES[@]}"
fi
