#!/usr/bin/env bash
# Installs what the test suite needs beyond the Swift toolchain. Idempotent; safe to re-run.
# Debian packages go through apt-get (as root, or with sudo); Python checkers into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libxml2-dev libsqlite3-dev zlib1g-dev pkg-config)

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
