"""Scene organisation: collections, object visibility, custom properties, vertex/bone parents."""

from typing import Annotated, Any

import bpy
from pydantic import Field

from prompt2mesh.blender.errors import InvalidArgument, NotFound, WrongType
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import (
    Name,
    Names,
    get_object,
    get_objects,
    is_descendant,
    refresh,
    rounded,
    scene,
)

#: The name callers use for the scene's root collection.
ROOT = "Scene Collection"
CollectionName = Annotated[str, Field(min_length=1, max_length=63, description="Collection name")]
OptBool = bool | None


def _root() -> bpy.types.Collection:
    return scene().collection


def _all_collections() -> list[bpy.types.Collection]:
    return [_root(), *_root().children_recursive]


def _get_collection(name: str) -> bpy.types.Collection:
    if name == ROOT:
        return _root()
    found = next((c for c in _root().children_recursive if c.name == name), None)
    if found is None:
        names = sorted(c.name for c in _root().children_recursive)
        raise NotFound(
            f"no collection named {name!r} in the scene; collections: {', '.join(names) or '(none)'}"
        )
    return found


def _parent_of(coll: bpy.types.Collection) -> bpy.types.Collection | None:
    return next((c for c in _all_collections() if coll.name in c.children), None)


def _layer_collection(coll: bpy.types.Collection) -> bpy.types.LayerCollection | None:
    pending = [bpy.context.view_layer.layer_collection]
    while pending:
        layer = pending.pop()
        if layer.collection == coll:
            return layer
        pending.extend(layer.children)
    return None


def describe_collection(coll: bpy.types.Collection) -> dict[str, Any]:
    parent = _parent_of(coll)
    layer = _layer_collection(coll)
    return {
        "name": ROOT if coll == _root() else coll.name,
        "parent": None if parent is None else (ROOT if parent == _root() else parent.name),
        "objects": sorted(o.name for o in coll.objects),
        "children": sorted(c.name for c in coll.children),
        "exclude": bool(layer.exclude) if layer is not None else False,
        "hide_viewport": bool(getattr(coll, "hide_viewport", False)),
        "hide_render": bool(getattr(coll, "hide_render", False)),
    }


@tool("organisation")
def list_collections(worker: Worker) -> dict[str, Any]:
    """List the scene's collections (outliner tree) with their objects and visibility."""
    return {"collections": [describe_collection(c) for c in _all_collections()]}


@tool("organisation", mutates=True)
def set_collection(
    worker: Worker,
    name: CollectionName,
    parent: Annotated[
        str | None, Field(description=f"Nest under this collection ('{ROOT}' = top level)")
    ] = None,
    objects: Annotated[list[Name] | None, Field(max_length=1000, description="Objects to link in")] = None,
    move: Annotated[bool, Field(description="Linked objects leave their other collections")] = True,
    unlink: Annotated[list[Name] | None, Field(max_length=1000, description="Objects to take out")] = None,
    exclude: Annotated[OptBool, Field(description="Exclude from the view layer")] = None,
    hide_viewport: OptBool = None,
    hide_render: OptBool = None,
) -> dict[str, Any]:
    """Create a collection (if missing) or change it: nest, link/unlink objects, exclude, hide.

    An object unlinked from its last collection goes to the top level. Returns the collection.
    """
    if name == ROOT and any(v is not None for v in (parent, exclude, hide_viewport, hide_render)):
        raise InvalidArgument(f"{ROOT!r} is the scene root: it cannot be nested, excluded or hidden")
    new_parent = _get_collection(parent) if parent is not None else None
    linked = get_objects(objects or [])
    removed = get_objects(unlink or [])
    both = {o.name for o in linked} & {o.name for o in removed}
    if both:
        raise InvalidArgument(f"{', '.join(sorted(both))} both in objects and unlink")
    existing = next((c for c in _all_collections() if c.name == name), None) if name != ROOT else _root()
    if existing is None and bpy.data.collections.get(name) is not None:
        raise InvalidArgument(f"a collection {name!r} exists outside this scene; pick another name")
    if existing is not None and new_parent is not None:
        if new_parent == existing or (existing != _root() and new_parent in existing.children_recursive):
            raise InvalidArgument(f"{parent!r} is {name!r} or inside it; that would make a cycle")
    coll = existing
    if coll is None:
        coll = bpy.data.collections.new(name)
        (new_parent or _root()).children.link(coll)
    elif new_parent is not None and _parent_of(coll) != new_parent:
        old = _parent_of(coll)
        new_parent.children.link(coll)
        if old is not None:
            old.children.unlink(coll)
    for obj in linked:
        if move:
            for other in list(obj.users_collection):
                if other != coll:
                    other.objects.unlink(obj)
        if coll.objects.get(obj.name) is None:
            coll.objects.link(obj)
    for obj in removed:
        if coll.objects.get(obj.name) is None:
            continue
        if len(obj.users_collection) == 1:
            if coll == _root():
                raise InvalidArgument(f"{obj.name!r} is only in {ROOT!r}; link it elsewhere first")
            _root().objects.link(obj)
        coll.objects.unlink(obj)
    if coll != _root():
        if hide_viewport is not None:
            coll.hide_viewport = hide_viewport
        if hide_render is not None:
            coll.hide_render = hide_render
        layer = _layer_collection(coll)
        if exclude is not None and layer is not None:
            layer.exclude = exclude
    refresh()
    return describe_collection(coll)


@tool("organisation", mutates=True)
def set_visibility(
    worker: Worker,
    names: Names,
    viewport: Annotated[OptBool, Field(description="Shown in the viewport and screenshots")] = None,
    render: Annotated[OptBool, Field(description="Shown in renders and exports")] = None,
) -> dict[str, Any]:
    """Show or hide objects in the viewport and/or in renders. Returns each object's state."""
    if viewport is None and render is None:
        raise InvalidArgument("give viewport and/or render (true shows, false hides)")
    targets = get_objects(names)
    layer = bpy.context.view_layer
    for obj in targets:
        if viewport is not None:
            obj.hide_viewport = not viewport
            if layer.objects.get(obj.name) is not None:
                obj.hide_set(not viewport)
        if render is not None:
            obj.hide_render = not render
    return {
        "objects": [
            {"name": o.name, "viewport": not o.hide_viewport, "render": not o.hide_render} for o in targets
        ]
    }


PropertyValue = str | bool | int | float | list[float] | None


def _check_property(key: str, value: Any) -> Any:
    if not key or len(key) > 63 or key.startswith("_") or not key.isprintable():
        raise InvalidArgument(
            f"property name {key!r} must be 1-63 printable characters, not starting with '_'"
        )
    if isinstance(value, str) and len(value) > 1000:
        raise InvalidArgument(f"property {key!r}: text longer than 1000 characters")
    if isinstance(value, float) and not (abs(value) < 1e300):
        raise InvalidArgument(f"property {key!r}: {value!r} is not a finite number")
    if isinstance(value, list):
        if not 1 <= len(value) <= 32 or any(not (abs(float(v)) < 1e300) for v in value):
            raise InvalidArgument(f"property {key!r}: a list needs 1-32 finite numbers")
    return value


@tool("organisation", mutates=True)
def set_custom_properties(
    worker: Worker,
    name: Name,
    properties: Annotated[
        dict[str, PropertyValue], Field(min_length=1, max_length=100, description="key: value; null deletes")
    ],
) -> dict[str, Any]:
    """Set custom properties on an object (text, number, bool or number list). Returns all of them."""
    obj = get_object(name)
    checked = {k: _check_property(k, v) for k, v in properties.items()}
    missing = [k for k, v in checked.items() if v is None and k not in obj.keys()]
    if missing:
        raise NotFound(f"{name!r} has no property {', '.join(map(repr, missing))} to delete")
    for key, value in checked.items():
        if value is None:
            del obj[key]
        else:
            obj[key] = value
    return {"name": obj.name, "properties": custom_properties(obj)}


def custom_properties(obj: bpy.types.Object) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in obj.keys():
        value = obj[key]
        if hasattr(value, "to_list"):
            value = value.to_list()
        if isinstance(value, str | int | float | bool | list):
            out[key] = value
    return out


@tool("organisation", mutates=True)
def parent_to_element(
    worker: Worker,
    child: Name,
    parent: Name,
    vertices: Annotated[
        list[Annotated[int, Field(ge=0)]] | None,
        Field(min_length=1, max_length=3, description="1 or 3 vertex indices of the parent mesh"),
    ] = None,
    bone: Annotated[str | None, Field(min_length=1, max_length=63, description="Bone of an armature")] = None,
) -> dict[str, Any]:
    """Parent an object to a vertex (or a triangle of 3 vertices) of a mesh, or to a bone.

    The child keeps its place in the world and follows that vertex/bone afterwards.
    """
    obj = get_object(child)
    target = get_object(parent)
    if (vertices is None) == (bone is None):
        raise InvalidArgument("give exactly one of vertices (1 or 3 indices) or bone")
    if target == obj or is_descendant(target, obj):
        raise InvalidArgument(f"{parent!r} is {child!r} or one of its descendants; that would make a cycle")
    if vertices is not None:
        if target.type != "MESH":
            raise WrongType(f"{parent!r} is a {target.type.lower()}; vertex parenting needs a mesh")
        if len(vertices) == 2 or len(set(vertices)) != len(vertices):
            raise InvalidArgument("vertices must be 1 index or 3 different indices")
        count = len(target.data.vertices)
        bad = [i for i in vertices if i >= count]
        if bad:
            raise InvalidArgument(f"vertex index {bad} out of range: {parent!r} has {count} vertices")
    else:
        if target.type != "ARMATURE":
            raise WrongType(f"{parent!r} is a {target.type.lower()}; bone parenting needs an armature")
        if target.data.bones.get(bone) is None:
            bones = ", ".join(sorted(b.name for b in target.data.bones)) or "(none)"
            raise NotFound(f"armature {parent!r} has no bone {bone!r}; bones: {bones}")
    refresh()
    world = obj.matrix_world.copy()
    obj.parent = target
    if vertices is not None:
        obj.parent_type = "VERTEX" if len(vertices) == 1 else "VERTEX_3"
        obj.parent_vertices = (list(vertices) + [0, 0])[:3]
    else:
        obj.parent_type = "BONE"
        obj.parent_bone = bone
    obj.matrix_parent_inverse.identity()
    obj.matrix_basis.identity()
    refresh()
    # Blender cannot solve a vertex parent from the original data (assigning matrix_world logs
    # "Evaluated mesh is needed" and misplaces it), so read the evaluated parent matrix back
    # and keep the world transform through the parent inverse, as Ctrl+P does.
    parent_matrix = obj.matrix_world.copy()
    obj.matrix_parent_inverse = parent_matrix.inverted_safe()
    obj.matrix_basis = world
    refresh()
    return {
        "child": obj.name,
        "parent": target.name,
        "parent_type": obj.parent_type.lower(),
        "vertices": list(vertices) if vertices else None,
        "bone": bone,
        "location": rounded(obj.matrix_world.translation),
    }
