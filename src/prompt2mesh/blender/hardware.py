"""What the machine under the worker can do, read from the device files (no bpy needed).

Blender in background mode cannot report its OpenGL renderer, so the GPU is recognised the way
drivers expose one on Linux: a DRM render node or an NVIDIA device. Without either, Blender's
EGL falls back to software rendering, where EEVEE compiles its shaders on the CPU.
"""

from __future__ import annotations

import glob
from functools import lru_cache


@lru_cache(maxsize=1)
def has_gpu() -> bool:
    """True when a GPU device is visible to this process (a container sees only what it was given)."""
    return bool(glob.glob("/dev/dri/renderD*") or glob.glob("/dev/nvidia[0-9]*"))
