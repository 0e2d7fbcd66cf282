#!/usr/bin/env bash
# C/C++ corpus for benchmarks/recall.py, from package registries only (PyPI sdists, Debian
# header-only -dev packages; run as root for apt-get). Idempotent: existing folders are kept.
#   bash benchmarks/corpora/c.sh DEST      ->  DEST/<repo>/...
# Tuned on: pybind11 (C++ headers named .h), msgpack. Held out: fmt (libfmt-dev), ujson,
# nlohmann-json, glm, react-native-common (react-native's ReactCommon: C++ with .h headers).
set -euo pipefail
dest=${1:?usage: c.sh DEST}
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pypi() {  # pypi NAME REPO: an sdist unpacked as DEST/REPO
  [ -d "$dest/$2" ] && return 0
  pip download --quiet --no-deps --no-binary :all: "$1" -d "$work/$2" >/dev/null
  mkdir -p "$work/$2/x" && tar -xzf "$work/$2"/*.tar.gz -C "$work/$2/x"
  mv "$work/$2/x"/* "$dest/$2"
}

npm_pkg() {  # npm_pkg NAME REPO [FOLDER]: an npm tarball (or one folder of it) as DEST/REPO
  [ -d "$dest/$2" ] && return 0
  mkdir -p "$work/$2" && (cd "$work/$2" && npm pack --silent "$1" >/dev/null)
  tar -xzf "$work/$2"/*.tgz -C "$work/$2" && mv "$work/$2/package/${3:-}" "$dest/$2"
}

debian() {  # debian PACKAGE REPO FOLDER...: include folders of a -dev package as DEST/REPO
  local package=$1 repo=$2
  shift 2
  [ -d "$dest/$repo" ] && return 0
  dpkg -s "$package" >/dev/null 2>&1 || apt-get install -y -qq "$package" >/dev/null
  mkdir -p "$dest/$repo/include"
  for folder in "$@"; do cp -r "/usr/include/$folder" "$dest/$repo/include/"; done
}

pypi pybind11 pybind11
pypi msgpack msgpack
pypi ujson ujson
debian libfmt-dev fmt fmt
debian nlohmann-json3-dev nlohmann-json nlohmann
debian libglm-dev glm glm
npm_pkg react-native react-native-common ReactCommon
