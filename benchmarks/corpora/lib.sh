# Helpers the corpus scripts share: each puts one repository from a package registry into
# "$dest/REPO" and keeps a folder that already exists (so every script is idempotent).
# The sourcing script sets `dest` (the corpus folder) and `work` (a scratch folder).

pypi() {  # pypi SPEC REPO: an sdist (SPEC is NAME or NAME==VERSION) unpacked as DEST/REPO
  [ -d "$dest/$2" ] && return 0
  pip download --quiet --no-deps --no-binary :all: "$1" -d "$work/$2" >/dev/null
  mkdir -p "$work/$2/x" && tar -xzf "$work/$2"/*.tar.gz -C "$work/$2/x"
  mv "$work/$2/x"/* "$dest/$2"
}

npm_pkg() {  # npm_pkg SPEC REPO [FOLDER]: an npm tarball (or one folder of it) as DEST/REPO
  [ -d "$dest/$2" ] && return 0
  mkdir -p "$work/$2" && (cd "$work/$2" && npm pack --silent "$1" >/dev/null)
  tar -xzf "$work/$2"/*.tgz -C "$work/$2" && mv "$work/$2/package/${3:-}" "$dest/$2"
}
