"""Importing this package registers every tool (see :mod:`prompt2mesh.blender.registry`)."""

from prompt2mesh.blender.tools import (  # noqa: F401
    analysis,
    animation,
    code,
    creation,
    history,
    inspection,
    io,
    materials,
    mesh_edit,
    modifiers,
    modify,
    organisation,
    output,
    scene,
    shaping,
    status,
    text_curves,
)
