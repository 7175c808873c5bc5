#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (tests/test_widget.py drive it with
# Playwright, which must never download a browser of its own).
#
# Idempotent and non-interactive: does nothing when `chromium` is already on the PATH.
# Needs root (or sudo) and apt-get; otherwise explains what to do and fails.
set -euo pipefail

fail() {
  echo "install-chromium: $1" >&2
  echo "install-chromium: install Chromium yourself, or point the tests at one with CHROMIUM=/path/to/chromium." >&2
  exit 1
}

if path=$(command -v chromium 2>/dev/null); then
  echo "install-chromium: Chromium is already installed at $path"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || fail "apt-get not found: this script only knows Debian-based systems."

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  fail "installing packages needs root: run this script as root or with sudo."
fi

echo "install-chromium: installing Debian's chromium package (apt-get)..."
if ! "${as_root[@]}" apt-get update -qq \
  || ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; then
  fail "apt-get could not install the 'chromium' package (no network or package mirror? On Ubuntu it is a snap shim)."
fi

path=$(command -v chromium 2>/dev/null) || fail "the chromium package installed, but no 'chromium' command is on the PATH."
echo "install-chromium: Chromium installed at $path ($("$path" --version 2>/dev/null || echo 'version unknown'))"
