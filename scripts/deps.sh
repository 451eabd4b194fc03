#!/usr/bin/env bash
# Installs ccflow's build dependencies on a Debian machine; does nothing when they are present.
# Why each package is needed is written in README.md ("Dependencies").
set -euo pipefail

packages=(make gcc pkg-config libyaml-dev libyajl-dev libunistring-dev re2c bison tzdata valgrind lua5.4 graphviz)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# Tools the tests run, which a machine may have from elsewhere than Debian (a nodejs build that
# bundles npm, a python3 of its own): their Debian package is installed only when the command
# is missing.
for tool in python3:python3 node:nodejs npm:npm; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
done
# tests/integrations.sh reads the workflow and the pre-commit hook with a YAML parser
if ! python3 -c 'import yaml' >/dev/null 2>&1; then missing+=(python3-yaml); fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
      echo "deps: missing packages: ${missing[*]}; run 'make deps' as root to install them" >&2
      exit 2
    fi
  else
    SUDO=
  fi
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The SARIF schema and its validator, exactly as tests/sarif/package-lock.json pins them; npm ci
# leaves node_modules/.package-lock.json behind, so a second run does nothing.
sarif=$(dirname "$0")/../tests/sarif
if [ ! -f "$sarif/node_modules/.package-lock.json" ] || [ "$sarif/package-lock.json" -nt "$sarif/node_modules/.package-lock.json" ]; then
  echo "deps: installing the SARIF schema validator (npm ci in tests/sarif)"
  (cd "$sarif" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
fi
