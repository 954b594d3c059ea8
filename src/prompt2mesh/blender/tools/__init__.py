"""Importing this package registers every tool (see :mod:`prompt2mesh.blender.registry`)."""

from prompt2mesh.blender.tools import (  # noqa: F401
    analysis,
    code,
    creation,
    history,
    inspection,
    materials,
    modifiers,
    modify,
    output,
    scene,
    status,
)
