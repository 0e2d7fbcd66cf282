#!/usr/bin/env bash
# Real Python, JavaScript, TypeScript and Ruby repositories from the package registries, one
# folder per repository under DEST (default /tmp/corpus-dynamic), for benchmarks/recall.py and
# the oracle. None of them was used to tune codepack (the tuning samples are those of
# ../shared/scripts/sample-repos.sh). Idempotent: a repository already there is kept.
#   bash benchmarks/corpora/dynamic.sh [DEST]
set -euo pipefail
dest=${1:-/tmp/corpus-dynamic}
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/lib.sh"

gem() {  # gem PACKAGE GEM-FOLDER REPO: a Ruby gem as Debian installs it, as DEST/REPO
  local out="$dest/$3"
  [ -d "$out" ] && return 0
  dpkg -s "$1" >/dev/null 2>&1 || { apt-get update -qq >/dev/null; apt-get install -y -qq "$1" >/dev/null; }
  mkdir -p "$out" && cp -r /usr/share/rubygems-integration/all/gems/$2/. "$out"/
}

pypi attrs==24.2.0 attrs        # Python: src layout, tests
pypi requests==2.32.3 requests  # Python: src layout, tests, lazy imports
pypi jinja2==3.1.4 jinja2       # Python: src layout, cycles
npm_pkg express@4.21.0 express                 # JavaScript, CommonJS
npm_pkg rxjs@7.8.1 rxjs                        # TypeScript sources (src/) + built JS
npm_pkg @tanstack/query-core@5.59.0 query-core # TypeScript sources
gem ruby-rack 'rack-*' rack                   # Ruby
gem ruby-thor 'thor-*' thor                   # Ruby
du -sh "$dest"/* | sort -k2
