#!/usr/bin/env bash
# `make images`: builds the container images with Docker's own builder, no registry needed.
#
#   scripts/images.sh [all|base|app|postgres|hash]      (default: all)
#
# base      prompt2mesh-base:bookworm, Debian bookworm from `mmdebstrap --variant=minbase`
#           (merged /usr, python3 + venv + ca-certificates, this machine's extra CA certificates)
#           piped into `docker import`. Built once; kept while it exists. When
#           P2M_BASE_FROM=auto (default) and a registry answers, python:3.11-slim-bookworm is
#           pulled and used instead; P2M_BASE_FROM=debian always builds from Debian.
# app       prompt2mesh:latest and prompt2mesh:src-<hash> from deploy/docker/Dockerfile. <hash>
#           covers every file the build reads, so an image for the same sources is never
#           rebuilt. P2M_IMAGE_VOICE=1 adds spoken commands (faster-whisper and the Whisper
#           model): prompt2mesh:voice and prompt2mesh:src-<hash>-voice.
# postgres  prompt2mesh-postgres:15, PostgreSQL 15 from Debian (deploy/postgres/), the
#           fallback for compose where the official postgres image cannot be pulled.
# hash      prints the source hash only.
#
# Names can be changed with P2M_IMAGE, P2M_BASE_IMAGE and P2M_POSTGRES_IMAGE.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

IMAGE=${P2M_IMAGE:-prompt2mesh}
BASE_IMAGE=${P2M_BASE_IMAGE:-prompt2mesh-base:bookworm}
POSTGRES_IMAGE=${P2M_POSTGRES_IMAGE:-prompt2mesh-postgres:15}
BASE_FROM=${P2M_BASE_FROM:-auto}
PUBLIC_BASE=python:3.11-slim-bookworm
VOICE=${P2M_IMAGE_VOICE:-0}
MIRROR=${P2M_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${P2M_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# What the app build reads: the same list as the allow-list in .dockerignore.
SOURCES=(.dockerignore deploy/docker pyproject.toml README.md LICENSE CHANGELOG.md src web/package.json web/package-lock.json scripts/setup.d)

say() { printf 'images: %s\n' "$*" >&2; }
has_image() { docker image inspect "$1" >/dev/null 2>&1; }
# Docker's legacy builder ships with every engine; BuildKit needs the buildx plugin, which
# Debian's docker.io lacks. The Dockerfile works with both.
build() { DOCKER_BUILDKIT=${DOCKER_BUILDKIT:-0} docker build "$@"; }

source_hash() {
  # Content and path of every file the build context holds (the generated web vendor folder
  # and caches are ignored there too), so the tag changes exactly when the image would.
  find "${SOURCES[@]}" -type f \
      ! -path '*/__pycache__/*' ! -name '*.pyc' ! -path 'src/prompt2mesh/web/vendor/*' \
      ! -path '*/node_modules/*' ! -path '*.egg-info/*' -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16
}

base_from_debian() {
  command -v mmdebstrap >/dev/null || { say "mmdebstrap is missing: apt-get install mmdebstrap"; exit 1; }
  say "building $BASE_IMAGE from Debian bookworm with mmdebstrap ($MIRROR)"
  local started=$SECONDS epoch
  epoch=$(git log -1 --format=%ct 2>/dev/null || date +%s)
  # HTTPS to package indexes may pass an intercepting proxy whose CA this machine trusts:
  # the image trusts the same extra certificates (none on an ordinary machine).
  SOURCE_DATE_EPOCH=$epoch mmdebstrap --variant=minbase --quiet \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --include=python3,python3-venv,python-is-python3,ca-certificates \
    --aptopt='APT::Install-Recommends "false"' \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --customize-hook='for c in /usr/local/share/ca-certificates/*.crt; do [ -f "$c" ] && cp "$c" "$1/usr/local/share/ca-certificates/"; done; chroot "$1" update-ca-certificates >/dev/null' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/log/*.log' \
    bookworm - \
    "deb $MIRROR bookworm main" "deb $MIRROR bookworm-updates main" \
    "deb $SECURITY_MIRROR bookworm-security main" \
    | docker import \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["/bin/bash"]' \
        --change "LABEL org.opencontainers.image.title=prompt2mesh-base org.opencontainers.image.description=\"Debian bookworm minbase (mmdebstrap) with python3\"" \
        - "$BASE_IMAGE" >/dev/null
  say "$BASE_IMAGE built in $((SECONDS - started)) s, $(image_size "$BASE_IMAGE")"
}

image_size() { docker image inspect -f '{{.Size}}' "$1" | awk '{printf "%.0f MB", $1 / 1e6}'; }

# Prints the image reference to use as BASE for the app and postgres images.
ensure_base() {
  if has_image "$BASE_IMAGE"; then
    echo "$BASE_IMAGE"
    return
  fi
  case "$BASE_FROM" in
    debian) base_from_debian >&2 ;;
    pull) docker pull -q "$PUBLIC_BASE" >&2 && BASE_IMAGE=$PUBLIC_BASE ;;
    auto)
      if has_image "$PUBLIC_BASE" || timeout 60 docker pull -q "$PUBLIC_BASE" >/dev/null 2>&1; then
        say "a registry answered: using $PUBLIC_BASE as the base"
        BASE_IMAGE=$PUBLIC_BASE
      else
        say "no registry answered for $PUBLIC_BASE"
        base_from_debian >&2
      fi ;;
    *) say "P2M_BASE_FROM must be auto, debian or pull (got $BASE_FROM)"; exit 2 ;;
  esac
  echo "$BASE_IMAGE"
}

build_app() {
  local base hash tag started
  base=$(ensure_base)
  hash=$(source_hash)
  tag="$IMAGE:src-$hash"
  [ "$VOICE" = 1 ] && tag="$tag-voice"
  if has_image "$tag"; then
    say "$tag exists (same sources): not rebuilt"
  else
    say "building $tag (base $base)"
    started=$SECONDS
    build -f deploy/docker/Dockerfile --build-arg BASE="$base" --build-arg VOICE="$VOICE" \
      --label "org.prompt2mesh.source-hash=$hash" -t "$tag" .
    say "$tag built in $((SECONDS - started)) s"
  fi
  local alias="$IMAGE:latest"
  [ "$VOICE" = 1 ] && alias="$IMAGE:voice"
  docker tag "$tag" "$alias"
  say "$alias = $tag, $(image_size "$tag")"
}

build_postgres() {
  local base started
  base=$(ensure_base)
  started=$SECONDS
  build -q -f deploy/postgres/Dockerfile --build-arg BASE="$base" -t "$POSTGRES_IMAGE" deploy/postgres >/dev/null
  say "$POSTGRES_IMAGE built in $((SECONDS - started)) s, $(image_size "$POSTGRES_IMAGE")"
}

case "${1:-all}" in
  base) ensure_base >/dev/null ;;
  app) build_app ;;
  postgres) build_postgres ;;
  all) build_app; build_postgres ;;
  hash) source_hash ;;
  *) say "usage: scripts/images.sh [all|base|app|postgres|hash]"; exit 2 ;;
esac
