"""Importing this package registers every tool (see :mod:`prompt2mesh.blender.registry`)."""

from prompt2mesh.blender.tools import (  # noqa: F401
    analysis,
    camera_data,
    code,
    constraints,
    creation,
    history,
    inspection,
    light_data,
    material_presets,
    materials,
    modifiers,
    modify,
    output,
    render_settings,
    scene,
    shader_nodes,
    status,
    views,
    world,
)
