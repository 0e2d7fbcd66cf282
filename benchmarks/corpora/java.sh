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

. "$(dirname "$0")/lib.sh"

npm_pkg cordova-android cordova-android
npm_pkg @capacitor/android capacitor-android
npm_pkg react-native-maps react-native-maps
npm_pkg react-native-camera react-native-camera
npm_pkg react-native react-native-android ReactAndroid
pypi jpype1 jpype
