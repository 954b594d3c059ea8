#!/usr/bin/env bash
# Web UI room: installs three.js from the npm registry (pinned with its integrity hash in
# web/package-lock.json) and copies the few ES modules the page imports into
# src/prompt2mesh/web/vendor/, so the app serves them itself and the browser never needs a
# CDN. Uses `npm ci` when npm is installed; otherwise fetches the same locked tarball from
# the registry and checks its sha512 before unpacking. Idempotent and quick when done.
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

locked = json.loads((web / "package-lock.json").read_text())["packages"]["node_modules/three"]
version, integrity = locked["version"], locked["integrity"]


def installed_version():
    try:
        return json.loads((three / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def fetch_tarball():
    url = locked.get("resolved") or f"{REGISTRY}/three/-/three-{version}.tgz"
    with urllib.request.urlopen(url, timeout=120) as response:
        data = response.read()
    algo, _, expected = integrity.partition("-")
    if base64.b64encode(hashlib.new(algo, data).digest()).decode() != expected:
        sys.exit(f"10-web.sh: {url} does not match the integrity hash in web/package-lock.json")
    shutil.rmtree(three, ignore_errors=True)
    three.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith("package/"):
                continue
            target = three / member.name.removeprefix("package/")
            if not target.resolve().is_relative_to(three.resolve()):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(member).read())


if installed_version() != version:
    if shutil.which("npm"):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=web, check=True)
    else:
        print(f"10-web.sh: npm not found; fetching three {version} from {REGISTRY}", file=sys.stderr)
        fetch_tarball()
    if installed_version() != version:
        sys.exit(f"10-web.sh: three {version} could not be installed into web/node_modules")

for name in FILES:
    src, dest = three / name, vendor / name
    if not dest.exists() or not filecmp.cmp(src, dest, shallow=False):
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
PYEOF
