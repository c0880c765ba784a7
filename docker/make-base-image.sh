#!/usr/bin/env bash
# Makes the image docker/Containerfile starts from by default, localhost/kairos-base:bookworm, from
# Debian's archive with mmdebstrap: no container registry is involved, so it works where Docker Hub
# and nvcr.io cannot be reached. Needs root (mmdebstrap's root mode) and an engine (docker/engine.sh).
#
#   docker/make-base-image.sh
#
# Cached by content: the recipe (this file, and the mirror) is hashed; the image carries the hash as
# a label and is left alone while it matches, and the root file system is kept as
# $KAIROS_CACHE/kairos-base-HASH.tar, so a fresh engine imports it in seconds instead of building it
# again (about a minute). KAIROS_CACHE defaults to ~/.cache/kairos; the engine's command line is
# KAIROS_ENGINE_CLI (docker/engine.sh up sets it; default docker, else podman); KAIROS_DEBIAN_MIRROR
# overrides http://deb.debian.org/debian.
set -euo pipefail

image=localhost/kairos-base:bookworm
label=dev.kairos.base.recipe
mirror="${KAIROS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache="${KAIROS_CACHE:-$HOME/.cache/kairos}"
cli="${KAIROS_ENGINE_CLI:-$(command -v docker || command -v podman || echo docker)}"

say() { echo "[base-image] $*" >&2; }

recipe=$( { cat "${BASH_SOURCE[0]}"; echo "$mirror"; } | sha256sum | cut -c1-16)

if [[ "$("$cli" image inspect --format "{{index .Config.Labels \"$label\"}}" "$image" 2>/dev/null)" == "$recipe" ]]; then
  say "$image is up to date (recipe $recipe)"
  exit 0
fi

rootfs="$cache/kairos-base-$recipe.tar"
if [[ ! -f "$rootfs" ]]; then
  if ! command -v mmdebstrap >/dev/null; then
    say "installing mmdebstrap (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mmdebstrap >&2
  fi
  mkdir -p "$cache"
  started=$(date +%s)
  rm -f "$rootfs.partial"
  # The essential variant (dpkg's essential set, no apt, no perl: 56 MB where minbase gives 126 MB),
  # plus libstdc++6 for JCuda's native library. Manuals, docs and translations are left out; the
  # merged-/usr hook gives the layout bookworm's own images have.
  if ! mmdebstrap --format=tar --variant=essential --include=libstdc++6 \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    bookworm "$rootfs.partial" "$mirror" > "$cache/mmdebstrap.log" 2>&1; then
    tail -n 30 "$cache/mmdebstrap.log" >&2
    say "mmdebstrap failed; its whole log is $cache/mmdebstrap.log"
    exit 1
  fi
  mv "$rootfs.partial" "$rootfs"
  # Older recipes' root file systems are of no further use.
  find "$cache" -maxdepth 1 -name 'kairos-base-*.tar' ! -name "kairos-base-$recipe.tar" -delete
  say "built $rootfs ($(du -h "$rootfs" | cut -f1 | tail -n 1)) in $(($(date +%s) - started)) s"
fi

"$cli" import --change "LABEL $label=$recipe" "$rootfs" "$image" >/dev/null
say "imported $image (recipe $recipe) with $cli"
