#!/usr/bin/env bash
# Go corpus for benchmarks/recall.py and the oracle: Go's own source tree (module std, with
# the nested module cmd and GOROOT's vendor folders) and golang-*-dev Debian packages, one
# folder per repository under DEST. Registry-only (apt), idempotent: a repository folder that
# exists is left alone.
#
#   bash benchmarks/corpora/go.sh /tmp/corpus-go
#
# Tuned on: std, go-cmp. Held out (never looked at while writing rules): x-sys, x-crypto,
# x-text, klauspost-compress. cobra and testify get no oracle edges (go list stops at their
# first required module, which GOPROXY=off cannot fetch): throughput only.
set -euo pipefail
DEST=${1:?usage: go.sh DEST}
mkdir -p "$DEST"

# repo folder -> (Debian package, module path below /usr/share/gocode/src)
PACKAGES=(
  "cobra golang-github-spf13-cobra-dev github.com/spf13/cobra"
  "testify golang-github-stretchr-testify-dev github.com/stretchr/testify"
  "go-cmp golang-github-google-go-cmp-dev github.com/google/go-cmp"
  "x-sys golang-golang-x-sys-dev golang.org/x/sys"
  "x-crypto golang-golang-x-crypto-dev golang.org/x/crypto"
  "x-text golang-golang-x-text-dev golang.org/x/text"
  "klauspost-compress golang-github-klauspost-compress-dev github.com/klauspost/compress"
)

missing=()
for entry in "${PACKAGES[@]}"; do
  read -r _ package _ <<<"$entry"
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  apt-get install -y -qq --no-install-recommends "${missing[@]}" golang-1.19-src >/dev/null
fi

copy() {  # copy SRC to DEST/NAME, following symlinks (Debian links shared sources)
  local src=$1 name=$2
  if [[ -d "$DEST/$name" ]]; then return; fi
  mkdir -p "$DEST/$name.tmp"
  cp -rL "$src/." "$DEST/$name.tmp/"
  mv "$DEST/$name.tmp" "$DEST/$name"
}

copy /usr/lib/go-1.19/src std
for entry in "${PACKAGES[@]}"; do
  read -r name _ module <<<"$entry"
  copy "/usr/share/gocode/src/$module" "$name"
done
ls "$DEST"
