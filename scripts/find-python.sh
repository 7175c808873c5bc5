#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 runs on 3.8-3.10 only; this
# project is locked on 3.10), or explains how to get one and fails.
set -euo pipefail

want="3.10"
is_wanted() { "$1" -c "import sys; sys.exit(sys.version_info[:2] != (3, 10))" 2>/dev/null; }

if [ -n "${PYTHON310:-}" ] && is_wanted "$PYTHON310"; then echo "$PYTHON310"; exit 0; fi
for candidate in python3.10 "$(command -v python3 || true)"; do
  path=$(command -v "$candidate" 2>/dev/null || true)
  if [ -n "$path" ] && is_wanted "$path"; then echo "$path"; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for version in $(pyenv versions --bare 2>/dev/null | grep -E "^${want//./\\.}(\.[0-9]+)?$" | sort -V -r); do
    path="$root/versions/$version/bin/python"
    if is_wanted "$path"; then echo "$path"; exit 0; fi
  done
fi

cat >&2 <<MSG
Python $want was not found, and Rasa 3.6 does not run on newer Pythons.
Install it, then run the command again:
  - with pyenv:   pyenv install 3.10.13
  - on Debian:    apt-get install python3.10 python3.10-venv   (where the release has it)
  - or point to one:  PYTHON310=/path/to/python3.10 make ...
MSG
exit 1
