#!/usr/bin/env bash
# Rust corpus for benchmarks/recall.py: Debian librust-*-dev packages carry each crate's
# source in /usr/share/cargo/registry/<crate>-<version>/. Each crate is copied to
# DEST/<crate>/ (one repository per crate). Idempotent; needs root for apt-get.
#   tuned on:  memchr bitflags serde regex-syntax log anyhow
#   held out:  itertools nom clap semver smallvec
set -euo pipefail
DEST=${1:?usage: rust.sh DEST}
CRATES=(memchr bitflags serde regex-syntax log anyhow itertools nom clap semver smallvec)
missing=()
for crate in "${CRATES[@]}"; do
  dpkg -s "librust-${crate}-dev" >/dev/null 2>&1 || missing+=("librust-${crate}-dev")
done
if ((${#missing[@]})); then
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "${missing[@]}"
fi
mkdir -p "$DEST"
for crate in "${CRATES[@]}"; do
  # the newest version of the crate the packages installed (dependencies may add others)
  src=$(ls -d /usr/share/cargo/registry/"${crate}"-[0-9]* | sort -V | tail -n 1)
  rm -rf "${DEST:?}/${crate}"
  cp -r "$src" "$DEST/${crate}"
done
ls "$DEST"
