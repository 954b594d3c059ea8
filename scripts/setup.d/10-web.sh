#!/usr/bin/env bash
# Web UI room: installs three.js from the npm registry (pinned with its integrity hash in
# web/package-lock.json) and copies the few ES modules the page imports into
# src/prompt2mesh/web/vendor/, so the app serves them itself and the browser never needs a
# CDN. Uses `npm ci` when npm is installed; otherwise fetches the same locked tarball from
# the registry and checks its sha512 before unpacking. Idempotent and quick when done.
# axe-core (the browser tests' accessibility checker) is installed the same way into
# web/node_modules and read from there by tests/e2e: it is never served by the app.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY=python3
command -v "$PY" >/dev/null 2>&1 || PY="$ROOT/.venv/bin/python"

"$PY" - "$ROOT" <<'PYEOF'
import base64
import filecmp
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import urllib.request
from pathlib import Path

root = Path(sys.argv[1])
web = root / "web"
three = web / "node_modules" / "three"
vendor = root / "src" / "prompt2mesh" / "web" / "vendor" / "three"
REGISTRY = "https://registry.npmjs.org"
# Same relative layout as the package, so the addons' own '../utils/...' imports resolve.
FILES = [
    "build/three.module.js",
    "build/three.core.js",
    "examples/jsm/loaders/GLTFLoader.js",
    "examples/jsm/controls/OrbitControls.js",
    "examples/jsm/utils/BufferGeometryUtils.js",
    "examples/jsm/utils/SkeletonUtils.js",
    "examples/jsm/environments/RoomEnvironment.js",
    "LICENSE",
]

packages = json.loads((web / "package-lock.json").read_text())["packages"]
PACKAGES = ("three", "axe-core")


def installed_version(name):
    try:
        return json.loads((web / "node_modules" / name / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def fetch_tarball(name):
    locked = packages[f"node_modules/{name}"]
    version, integrity = locked["version"], locked["integrity"]
    folder = web / "node_modules" / name
    url = locked.get("resolved") or f"{REGISTRY}/{name}/-/{name}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=120) as response:
        data = response.read()
    algo, _, expected = integrity.partition("-")
    if base64.b64encode(hashlib.new(algo, data).digest()).decode() != expected:
        sys.exit(f"10-web.sh: {url} does not match the integrity hash in web/package-lock.json")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith("package/"):
                continue
            target = folder / member.name.removeprefix("package/")
            if not target.resolve().is_relative_to(folder.resolve()):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(member).read())


missing = [n for n in PACKAGES if installed_version(n) != packages[f"node_modules/{n}"]["version"]]
if missing:
    if shutil.which("npm"):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=web, check=True)
    else:
        print(f"10-web.sh: npm not found; fetching {', '.join(missing)} from {REGISTRY}", file=sys.stderr)
        for name in missing:
            fetch_tarball(name)
    for name in PACKAGES:
        if installed_version(name) != packages[f"node_modules/{name}"]["version"]:
            sys.exit(f"10-web.sh: {name} could not be installed into web/node_modules")

for name in FILES:
    src, dest = three / name, vendor / name
    if not dest.exists() or not filecmp.cmp(src, dest, shallow=False):
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
PYEOF
