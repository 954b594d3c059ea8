"""The images under test, built once per session by ``scripts/images.sh`` (``make images``).

The script tags the app image with the hash of its sources and does not rebuild an image
that exists for the same hash, so a second test run (or a run after ``make images``) only
checks; a clean machine pays one build (see the README's "Images and compose" figures), begun
in the background when the session starts (``tests/image_prebuild.py``).
"""

from __future__ import annotations

import pytest

import image_prebuild
from deploy.containers import DOCKER_PROBLEM, Images, image_names, images_script


@pytest.fixture(scope="session")
def images() -> Images:
    if DOCKER_PROBLEM is not None:
        pytest.skip(DOCKER_PROBLEM)
    # Started in the background when the session began (tests/image_prebuild.py); whatever it
    # left undone or got wrong, the script below builds and reports here.
    image_prebuild.wait()
    images_script("all")
    app, base, postgres = image_names()
    source_hash = images_script("hash").stdout.strip()
    return Images(app=f"{app}:src-{source_hash}", base=base, postgres=postgres, source_hash=source_hash)
