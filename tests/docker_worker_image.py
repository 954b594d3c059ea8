"""The image the docker-backend tests run workers from, built once and cached by its inputs.

With ``P2M_TEST_WORKER_IMAGE`` set (CI after ``make images``), that image is used as it is:
the project's own image, ``prompt2mesh`` on its PATH.

Otherwise a small Debian image with Blender's runtime libraries is made with ``mmdebstrap``
(no registry is needed) and the workers run this checkout's ``.venv`` and its interpreter,
mounted read-only: the code under test, without a 2.7 GB image build per change. Its tag is a
hash of the package list, so it is built once per machine.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "python3,ca-certificates,libxrender1,libxi6,libxkbcommon0,libxxf86vm1,libxfixes3,libgl1,libegl1,libsm6"
)
BASE_NAME = "p2m-backends-devworker"


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


def worker_image() -> WorkerImage:
    """The image and command the tests start workers with (building the dev image if needed)."""
    given = os.environ.get("P2M_TEST_WORKER_IMAGE")
    if given:
        return WorkerImage(image=given, command=["prompt2mesh"])
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
