#!/usr/bin/env bash
# Install the system packages the test suite drives (Debian), only where they are missing:
# tmux for the terminal-session test, Debian's chromium for the page tests (driven by
# playwright-core, which downloads no browser). Safe to run again; needs root (CI runs as root).
set -euo pipefail
missing=()
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "ci-system-deps: missing ${missing[*]}; install them (apt-get install ${missing[*]})" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
