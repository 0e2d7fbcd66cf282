#!/usr/bin/env bash
# Real Python, JavaScript, TypeScript and Ruby repositories from the package registries, one
# folder per repository under DEST (default /tmp/corpus-dynamic), for benchmarks/recall.py and
# the oracle. None of them was used to tune codepack (the tuning samples are those of
# ../shared/scripts/sample-repos.sh). Idempotent: a repository already there is kept.
#   bash benchmarks/corpora/dynamic.sh [DEST]
set -euo pipefail
DEST=${1:-/tmp/corpus-dynamic}
CACHE=${DEST}.cache
mkdir -p "$DEST" "$CACHE"

pypi() {  # name version: the sdist, unpacked
  local n=$1 v=$2 out="$DEST/$1"
  [ -d "$out" ] && return 0
  python3 -m pip download -q --no-deps --no-binary :all: --no-build-isolation "$n==$v" -d "$CACHE" >/dev/null 2>&1 \
    || python3 -m pip download -q --no-deps --no-binary :all: "$n==$v" -d "$CACHE" >/dev/null
  local f; f=$(ls "$CACHE" | grep -i "^${n//-/[-_]}-$v\.tar\.gz$" | head -1)
  mkdir -p "$out" && tar -xzf "$CACHE/$f" -C "$out" --strip-components=1
}
npmpkg() {  # name version folder: the published tarball, unpacked
  local out="$DEST/$3"
  [ -d "$out" ] && return 0
  local f; f=$(cd "$CACHE" && npm pack -s "$1@$2" | tail -1)
  mkdir -p "$out" && tar -xzf "$CACHE/$f" -C "$out" --strip-components=1
}
gem() {  # debian-package gem-folder folder: a Ruby gem as Debian installs it
  local out="$DEST/$3"
  [ -d "$out" ] && return 0
  dpkg -s "$1" >/dev/null 2>&1 || { apt-get update -qq >/dev/null; apt-get install -y -qq "$1" >/dev/null; }
  mkdir -p "$out" && cp -r /usr/share/rubygems-integration/all/gems/$2/. "$out"/
}

pypi attrs 24.2.0          # Python: src layout, tests
pypi requests 2.32.3       # Python: src layout, tests, lazy imports
pypi jinja2 3.1.4          # Python: src layout, cycles
npmpkg express 4.21.0 express                 # JavaScript, CommonJS
npmpkg rxjs 7.8.1 rxjs                        # TypeScript sources (src/) + built JS
npmpkg @tanstack/query-core 5.59.0 query-core # TypeScript sources
gem ruby-rack 'rack-*' rack                   # Ruby
gem ruby-thor 'thor-*' thor                   # Ruby
du -sh "$DEST"/* | sort -k2
