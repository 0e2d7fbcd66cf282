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

. "$(dirname "$0")/lib.sh"

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
