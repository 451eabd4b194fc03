#!/usr/bin/env bash
# Installs ccflow's build dependencies on a Debian machine; does nothing when they are present.
# Why each package is needed is written in README.md ("Dependencies").
set -euo pipefail

packages=(make gcc pkg-config libyaml-dev re2c bison tzdata valgrind lua5.4)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

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
