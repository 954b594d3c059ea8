"""The tool modules; :func:`prompt2mesh.blender.registry.all_tools` imports them all (each
registers its tools on import). Importing this package alone imports none of them, so a worker
can import just the module of the tool it is asked for (see :mod:`prompt2mesh.blender.catalogue`)."""

MODULES = (
    "analysis",
    "animation",
    "camera_data",
    "code",
    "constraints",
    "creation",
    "history",
    "inspection",
    "io",
    "light_data",
    "material_presets",
    "materials",
    "mesh_edit",
    "modifiers",
    "modify",
    "organisation",
    "output",
    "render_settings",
    "scene",
    "shader_nodes",
    "shaping",
    "status",
    "text_curves",
    "views",
    "world",
)
