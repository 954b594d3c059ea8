"""The image the docker-backend tests run workers from.

By default: the project's own app image, ``prompt2mesh:src-<hash>`` from ``scripts/images.sh
app`` (the same build, names and variables as tests/deploy), with ``prompt2mesh`` on its PATH:
what a deployment runs. The script tags the image with the hash of its sources and never
rebuilds one that exists, so in a full run (tests/deploy comes first) or after ``make images``
this only checks; a clean machine pays one image build for both rooms, not two.

``P2M_TEST_WORKER_IMAGE=<image>`` uses that image as it is. ``P2M_TEST_WORKER_IMAGE=dev``
makes a small Debian image with Blender's runtime libraries with ``mmdebstrap`` (its tag is a
hash of the package list, so it is built once per machine) and runs this checkout's ``.venv``
and its interpreter, mounted read-only: the code under test without an image rebuild per
change, for quick rounds on the docker backend.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import image_prebuild

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "python3,ca-certificates,libxrender1,libxi6,libxkbcommon0,libxxf86vm1,libxfixes3,libgl1,libegl1,libsm6"
)
BASE_NAME = "p2m-backends-devworker"
DEV = "dev"


@dataclass
class WorkerImage:
    image: str
    command: list[str]
    mounts: list[str] = field(default_factory=list)


def docker_available() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0


def _image_exists(tag: str) -> bool:
    return subprocess.run(["docker", "image", "inspect", tag], capture_output=True).returncode == 0


@functools.cache
def app_image() -> str:
    """``<P2M_IMAGE>:src-<hash>`` for this checkout, built by ``scripts/images.sh app`` if missing."""
    # Imported here: the helper probes the Docker daemon when it is imported.
    from deploy.containers import image_names, images_script

    image_prebuild.wait()
    images_script("app")
    source_hash = images_script("hash").stdout.strip()
    return f"{image_names()[0]}:src-{source_hash}"


def dev_image_tag() -> str:
    digest = hashlib.sha256(f"bookworm minbase {PACKAGES}".encode()).hexdigest()[:12]
    return f"{BASE_NAME}:{digest}"


def build_dev_image(tag: str) -> None:
    """mmdebstrap a minimal Debian with Blender's libraries into ``docker import`` (1-5 min)."""
    if shutil.which("mmdebstrap") is None:
        raise RuntimeError("mmdebstrap is not installed (apt-get install mmdebstrap) and no image is given")
    command = (
        f"mmdebstrap --variant=minbase --quiet --include={PACKAGES} bookworm - "
        f"| docker import -c 'LABEL p2m-backends=dev-worker' - {tag}"
    )
    subprocess.run(["bash", "-o", "pipefail", "-c", command], check=True, timeout=900)


def dev_worker_image() -> WorkerImage:
    """The mmdebstrap'd libraries image running this checkout's ``.venv``, mounted read-only."""
    tag = dev_image_tag()
    if not _image_exists(tag):
        build_dev_image(tag)
    venv_python = Path(sys.executable)
    mounts = [f"{ROOT}:{ROOT}"]
    base = Path(sys.base_prefix)
    if base != Path("/usr"):
        # The venv's interpreter lives outside the venv (pyenv, a custom build): bring it along.
        mounts.append(f"{base}:{base}")
    return WorkerImage(image=tag, command=[str(venv_python), "-m", "prompt2mesh"], mounts=mounts)


def worker_image() -> WorkerImage:
    """The image and command the tests start workers with (building the image if needed)."""
    given = os.environ.get("P2M_TEST_WORKER_IMAGE")
    if given == DEV:
        return dev_worker_image()
    if given:
        return WorkerImage(image=given, command=["prompt2mesh"])
    return WorkerImage(image=app_image(), command=["prompt2mesh"])
