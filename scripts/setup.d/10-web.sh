#!/usr/bin/env bash
# Web UI room: installs three.js from the npm registry (pinned in web/package-lock.json) and
# copies the few ES modules the page imports into src/prompt2mesh/web/vendor/, so the app
# serves them itself and the browser never needs a CDN. Idempotent and quick when done:
# npm runs only when node_modules is missing or older than the lock file, and files are
# copied only when they differ.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WEB="$ROOT/web"
VENDOR="$ROOT/src/prompt2mesh/web/vendor"
THREE="$WEB/node_modules/three"

if ! command -v npm >/dev/null 2>&1; then
  if [ -f "$VENDOR/three/build/three.module.js" ]; then
    exit 0  # already built; npm is only needed to (re)build
  fi
  echo "10-web.sh: npm is not installed; the web UI needs it once to fetch three.js" >&2
  exit 1
fi

# npm writes node_modules/.package-lock.json on every install: older than our lock = stale.
if [ ! -f "$WEB/node_modules/.package-lock.json" ] \
   || [ "$WEB/package-lock.json" -nt "$WEB/node_modules/.package-lock.json" ] \
   || [ ! -d "$THREE" ]; then
  (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error)
fi

# Same relative layout as the package, so the addons' own '../utils/...' imports resolve.
FILES=(
  build/three.module.js
  build/three.core.js
  examples/jsm/loaders/GLTFLoader.js
  examples/jsm/controls/OrbitControls.js
  examples/jsm/utils/BufferGeometryUtils.js
  examples/jsm/utils/SkeletonUtils.js
  examples/jsm/environments/RoomEnvironment.js
  LICENSE
)
for f in "${FILES[@]}"; do
  dest="$VENDOR/three/$f"
  if ! cmp -s "$THREE/$f" "$dest"; then
    mkdir -p "$(dirname "$dest")"
    cp "$THREE/$f" "$dest"
  fi
done
