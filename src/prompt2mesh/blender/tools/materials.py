"""Material tools: Principled BSDF materials (sRGB in, linear in Blender) and their assignment."""

from typing import Annotated, Any

import bpy
from pydantic import Field

from prompt2mesh.blender.errors import WrongType
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import (
    MATERIAL_HOLDERS,
    Color,
    Names,
    color_hex,
    get_material,
    get_objects,
    parse_color,
    set_single_material,
)

Unit = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


def _principled(mat: bpy.types.Material) -> bpy.types.ShaderNode:
    """The material's Principled BSDF, created and wired to the output if missing."""
    tree = mat.node_tree
    for node in tree.nodes:
        if node.type == "BSDF_PRINCIPLED":
            return node
    bsdf = tree.nodes.new("ShaderNodeBsdfPrincipled")
    output = next((n for n in tree.nodes if n.type == "OUTPUT_MATERIAL"), None)
    if output is None:
        output = tree.nodes.new("ShaderNodeOutputMaterial")
    tree.links.new(bsdf.outputs["BSDF"], output.inputs["Surface"])
    return bsdf


def material_info(mat: bpy.types.Material) -> dict[str, Any]:
    """name, color (hex), metallic, roughness, emission_color, emission_strength, alpha, transmission, users."""
    bsdf = None
    if mat.node_tree is not None:
        bsdf = next((n for n in mat.node_tree.nodes if n.type == "BSDF_PRINCIPLED"), None)
    if bsdf is None:
        return {
            "name": mat.name,
            "color": color_hex(mat.diffuse_color),
            "metallic": round(mat.metallic, 4),
            "roughness": round(mat.roughness, 4),
            "emission_color": None,
            "emission_strength": 0.0,
            "alpha": round(mat.diffuse_color[3], 4),
            "transmission": 0.0,
            # The fake user that keeps a named material alive is not a user of it.
            "users": mat.users - int(mat.use_fake_user),
        }
    inputs = bsdf.inputs
    strength = float(inputs["Emission Strength"].default_value)
    return {
        "name": mat.name,
        "color": color_hex(inputs["Base Color"].default_value),
        "metallic": round(float(inputs["Metallic"].default_value), 4),
        "roughness": round(float(inputs["Roughness"].default_value), 4),
        "emission_color": color_hex(inputs["Emission Color"].default_value) if strength > 0 else None,
        "emission_strength": round(strength, 4),
        "alpha": round(float(inputs["Alpha"].default_value), 4),
        "transmission": round(float(inputs["Transmission Weight"].default_value), 4),
        # The fake user that keeps a named material alive is not a user of it.
        "users": mat.users - int(mat.use_fake_user),
    }


def assign_to_objects(names: list[str], mat: bpy.types.Material, *, recursive: bool) -> list[str]:
    """Give every named object (and, with ``recursive``, the descendants of named empties)
    ``mat`` as its only material. Checks every name first, so nothing changes on an error."""
    objects = get_objects(names)
    targets: list[bpy.types.Object] = []
    for obj in objects:
        if obj.type in MATERIAL_HOLDERS:
            targets.append(obj)
        elif obj.type == "EMPTY" and recursive:
            descendants = [o for o in obj.children_recursive if o.type in MATERIAL_HOLDERS]
            if not descendants:
                raise WrongType(f"empty {obj.name!r} has no mesh, curve or text descendants to colour")
            targets.extend(descendants)
        elif obj.type == "EMPTY":
            raise WrongType(
                f"{obj.name!r} is an empty; pass recursive=true to colour its descendants, or name meshes"
            )
        else:
            raise WrongType(
                f"{obj.name!r} is a {obj.type.lower()}; only meshes, curves and text take materials"
            )
    for obj in dict.fromkeys(targets):
        set_single_material(obj, mat)
    return list(dict.fromkeys(o.name for o in targets))


@tool("materials", mutates=True)
def create_material(
    worker: Worker,
    name: Annotated[
        str, Field(min_length=1, max_length=63, description="Material name (reused: updates it)")
    ],
    color: Annotated[
        Color, Field(description="Base colour, sRGB '#RRGGBB' or [r, g, b] in 0..1")
    ] = "#cccccc",
    metallic: Annotated[Unit, Field(description="0 = dielectric, 1 = metal")] = 0.0,
    roughness: Annotated[Unit, Field(description="0 = mirror-like, 1 = matte")] = 0.5,
    emission_color: Annotated[
        Color | None, Field(description="Glow colour (lights, screens); null = no glow")
    ] = None,
    emission_strength: Annotated[
        float,
        Field(ge=0.0, le=1000.0, allow_inf_nan=False, description="Glow strength; 1 if colour given and 0"),
    ] = 0.0,
    alpha: Annotated[Unit, Field(description="Opacity, 1 = opaque")] = 1.0,
    transmission: Annotated[Unit, Field(description="Glass-like transmission, 0..1")] = 0.0,
    assign_to: Annotated[
        list[str],
        Field(max_length=1000, description="Object names to give this material (empties: their parts)"),
    ] = [],  # noqa: B006
) -> dict[str, Any]:
    """Create a Principled BSDF material, or update it when `name` already exists (idempotent).

    Colours are sRGB ('#cc2222' or [0.8, 0.13, 0.13]). `emission_color` makes it glow (strength
    defaults to 1 when a colour is given). `assign_to` also assigns it to those objects (an
    empty's mesh descendants). Returns the material's values (`color` as hex) and `assigned`.
    """
    base = parse_color(color)
    glow = parse_color(emission_color) if emission_color is not None else None
    if glow is not None and emission_strength == 0.0:
        emission_strength = 1.0
    if assign_to:
        get_objects(assign_to)  # fail before changing anything
    mat = bpy.data.materials.get(name)
    created = mat is None
    if mat is None:
        mat = bpy.data.materials.new(name)
        # A material made before anything wears it would vanish at the next save or undo
        # snapshot (Blender drops data nobody uses); a named material is kept until deleted.
        mat.use_fake_user = True
    if mat.node_tree is None:
        mat.use_nodes = True
    bsdf = _principled(mat)
    bsdf.inputs["Base Color"].default_value = (*base[:3], 1.0)
    bsdf.inputs["Metallic"].default_value = metallic
    bsdf.inputs["Roughness"].default_value = roughness
    bsdf.inputs["Alpha"].default_value = alpha * base[3]
    bsdf.inputs["Transmission Weight"].default_value = transmission
    bsdf.inputs["Emission Color"].default_value = (*glow[:3], 1.0) if glow else (0.0, 0.0, 0.0, 1.0)
    bsdf.inputs["Emission Strength"].default_value = emission_strength if glow else 0.0
    # Viewport (Workbench screenshots) values follow the shader.
    mat.diffuse_color = (*base[:3], alpha * base[3])
    mat.metallic = metallic
    mat.roughness = roughness
    transparent = alpha * base[3] < 1.0 or transmission > 0.0
    mat.surface_render_method = "BLENDED" if transparent else "DITHERED"
    assigned = assign_to_objects(assign_to, mat, recursive=True) if assign_to else []
    result = material_info(mat)
    result["created"] = created
    result["assigned"] = assigned
    return result


@tool("materials", mutates=True)
def assign_material(
    worker: Worker,
    objects: Annotated[Names, Field(description="Object names to colour")],
    material: Annotated[str, Field(min_length=1, description="Name of an existing material")],
    recursive: Annotated[
        bool, Field(description="For an empty, assign to all its mesh/curve/text descendants")
    ] = True,
) -> dict[str, Any]:
    """Replace the materials of `objects` with `material` (every face gets it).

    With `recursive` (default) an empty passes the material to all its mesh, curve and text
    descendants, so naming a group colours the whole group. Returns `assigned` (object names).
    """
    mat = get_material(material)
    assigned = assign_to_objects(objects, mat, recursive=recursive)
    return {"material": mat.name, "assigned": assigned}
