#!/usr/bin/env bash
# Kotlin, C# and Swift corpus for hand-checking the import graph (no oracle covers them), from
# package registries only. Idempotent: a repository folder that already exists is kept.
#   bash benchmarks/corpora/jvm_more.sh DEST   ->  DEST/<repo>/...
# Read with benchmarks/sample_edges.py (seeded random edges for a human to judge).
set -euo pipefail
dest=${1:?usage: jvm_more.sh DEST}
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. "$(dirname "$0")/lib.sh"

npm_pkg react-native react-native-android ReactAndroid   # Kotlin (and Java)
npm_pkg expo-modules-core expo-modules-core              # Kotlin under android/, Swift under ios/
npm_pkg @capacitor/ios capacitor-ios                     # Swift
pypi pythonnet pythonnet                                 # C# (src/runtime, src/embed_tests)
