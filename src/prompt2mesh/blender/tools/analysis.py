"""Deterministic geometry analysis: mesh statistics, boxes, spatial relations, scene problems, printability.

Everything works on evaluated meshes (modifiers applied) in world space, so the numbers match
what a render or an export shows. Objects without a parent ("roots") are treated as groups
with all their descendants, because a model is usually an empty holding its parts.
"""

import itertools
import math
from dataclasses import dataclass
from typing import Annotated, Any

import bpy  # bmesh and mathutils only exist once bpy is loaded

# isort: split
import bmesh
from bpy_extras.object_utils import world_to_camera_view
from mathutils import Vector
from mathutils.bvhtree import BVHTree
from pydantic import Field

from prompt2mesh.blender.errors import InvalidArgument, WrongType
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import evaluated_bounds, get_object, rounded

SHAPE_TYPES = frozenset({"MESH", "CURVE", "FONT", "SURFACE", "META"})
NON_GEOMETRY = frozenset({"CAMERA", "LIGHT", "LIGHT_PROBE", "SPEAKER"})
MAX_PAIRS = 2000
MAX_THICKNESS_RAYS = 4000
MAX_DISTANCE_VERTS = 5000
MAX_FRAME_VERTS = 4000

Tolerance = Annotated[float, Field(ge=0.0, le=10.0, description="Metres under which gaps count as touching")]
OptNames = Annotated[list[str] | None, Field(description="Object names; null = every root object as a group")]


# --- world-space evaluated geometry ---------------------------------------------------------
def _bmesh(obj: bpy.types.Object, depsgraph: bpy.types.Depsgraph) -> bmesh.types.BMesh:
    """The evaluated geometry of ``obj`` as a world-space bmesh (caller frees it)."""
    evaluated = obj.evaluated_get(depsgraph)
    mesh = evaluated.to_mesh()
    bm = bmesh.new()
    try:
        bm.from_mesh(mesh)
    finally:
        evaluated.to_mesh_clear()
    bm.transform(evaluated.matrix_world)
    return bm


@dataclass
class Group:
    """A named unit of analysis: one object, or a root with its descendants."""

    name: str
    objects: list[bpy.types.Object]
    lo: Vector
    hi: Vector
    verts: list[Vector]
    polys: list[tuple[int, ...]]
    _bvh: BVHTree | None = None

    @property
    def bvh(self) -> BVHTree:
        if self._bvh is None:
            self._bvh = BVHTree.FromPolygons(self.verts, self.polys, epsilon=0.0)
        return self._bvh


def _members(obj: bpy.types.Object, with_children: bool) -> list[bpy.types.Object]:
    objects = [obj, *obj.children_recursive] if with_children else [obj]
    return [o for o in objects if o.type in SHAPE_TYPES and not o.hide_render]


def _group(name: str, objects: list[bpy.types.Object], depsgraph: bpy.types.Depsgraph) -> Group | None:
    verts: list[Vector] = []
    polys: list[tuple[int, ...]] = []
    for obj in objects:
        bm = _bmesh(obj, depsgraph)
        base = len(verts)
        verts.extend(v.co.copy() for v in bm.verts)
        bm.verts.index_update()
        polys.extend(tuple(base + v.index for v in f.verts) for f in bm.faces)
        bm.free()
    if not verts:
        return None
    lo = Vector(tuple(min(v[i] for v in verts) for i in range(3)))
    hi = Vector(tuple(max(v[i] for v in verts) for i in range(3)))
    return Group(name, objects, lo, hi, verts, polys)


def _roots() -> list[bpy.types.Object]:
    return [o for o in bpy.context.scene.objects if o.parent is None and o.type not in NON_GEOMETRY]


def _groups(names: list[str] | None) -> list[Group]:
    """Named objects (empties with their descendants), or every root as a group."""
    depsgraph = bpy.context.evaluated_depsgraph_get()
    if names is None:
        units = [(o.name, _members(o, True)) for o in _roots()]
    else:
        units = []
        for name in dict.fromkeys(names):
            obj = get_object(name)
            units.append((obj.name, _members(obj, obj.type == "EMPTY")))
    groups = [_group(name, objects, depsgraph) for name, objects in units if objects]
    return [g for g in groups if g is not None]


def _box(lo: Vector, hi: Vector) -> dict[str, list[float]]:
    return {
        "min": rounded(lo),
        "max": rounded(hi),
        "center": rounded((lo + hi) / 2),
        "dimensions": rounded(hi - lo),
    }


# --- analyze_mesh -----------------------------------------------------------------------------
@tool("inspection")
def analyze_mesh(
    worker: Worker,
    name: Annotated[str, Field(min_length=1, description="Mesh object, or an empty (its parts)")],
) -> dict[str, Any]:
    """Count and measure a mesh as rendered (modifiers applied, world space).

    Returns vertices, edges, faces, triangles, ngons (faces with > 4 sides), non_manifold_edges
    (edges without exactly two faces), is_manifold (watertight), loose_vertices, surface_area (m2),
    volume (m3, meaningful when manifold), bbox_min/bbox_max/dimensions. For an empty the numbers
    are summed over its descendant meshes.

    Raises:
        NotFound: no object by that name.
        WrongType: the object (and its descendants) has no geometry, e.g. a light or camera.
    """
    obj = get_object(name)
    objects = _members(obj, obj.type == "EMPTY")
    if not objects:
        raise WrongType(
            f"{name!r} is a {obj.type.lower()} without geometry; give a mesh or an empty holding meshes"
        )
    depsgraph = bpy.context.evaluated_depsgraph_get()
    totals = dict.fromkeys(
        ("vertices", "edges", "faces", "triangles", "ngons", "non_manifold_edges", "loose_vertices"), 0
    )
    area = volume = 0.0
    wire = 0
    lo = Vector((math.inf,) * 3)
    hi = Vector((-math.inf,) * 3)
    for member in objects:
        bm = _bmesh(member, depsgraph)
        totals["vertices"] += len(bm.verts)
        totals["edges"] += len(bm.edges)
        totals["faces"] += len(bm.faces)
        totals["triangles"] += sum(len(f.verts) - 2 for f in bm.faces)
        totals["ngons"] += sum(1 for f in bm.faces if len(f.verts) > 4)
        totals["non_manifold_edges"] += sum(1 for e in bm.edges if not e.is_manifold)
        totals["loose_vertices"] += sum(1 for v in bm.verts if not v.link_edges)
        wire += sum(1 for e in bm.edges if e.is_wire)
        area += sum(f.calc_area() for f in bm.faces)
        volume += bm.calc_volume(signed=False)
        if bm.verts:
            coords = [v.co for v in bm.verts]
            lo = Vector(tuple(min(lo[i], min(c[i] for c in coords)) for i in range(3)))
            hi = Vector(tuple(max(hi[i], max(c[i] for c in coords)) for i in range(3)))
        bm.free()
    empty = totals["vertices"] == 0
    if empty:
        lo = hi = Vector((0.0, 0.0, 0.0))
    return {
        **totals,
        "is_manifold": not empty and totals["non_manifold_edges"] == 0 and wire == 0 and totals["faces"] > 0,
        "surface_area": round(area, 6),
        "volume": round(volume, 6),
        "bbox_min": rounded(lo),
        "bbox_max": rounded(hi),
        "dimensions": rounded(hi - lo),
    }


# --- bounding boxes ---------------------------------------------------------------------------
def _corners(obj: bpy.types.Object, depsgraph: bpy.types.Depsgraph) -> list[Vector]:
    """World box corners of one object: a mesh's evaluated bound_box; curves and text from their
    evaluated mesh (their bound_box is inflated in Blender 5.0, see ``evaluated_bounds``)."""
    if obj.type == "MESH":
        evaluated = obj.evaluated_get(depsgraph)
        return [evaluated.matrix_world @ Vector(c) for c in evaluated.bound_box]
    box = evaluated_bounds(obj, depsgraph)
    return list(box) if box is not None else []


@tool("inspection")
def get_bounding_boxes(
    worker: Worker,
    names: Annotated[
        list[str] | None, Field(description="Object names; null = every object with geometry")
    ] = None,
) -> dict[str, Any]:
    """World-space axis-aligned boxes {min, max, center, dimensions} (modifiers applied).

    An empty's box is the union of its descendants; objects without geometry are left out
    when names is null (and refused when named).

    Raises:
        NotFound: a named object does not exist.
        WrongType: a named object has no geometry.
    """
    depsgraph = bpy.context.evaluated_depsgraph_get()
    objects = [get_object(n) for n in names] if names is not None else list(bpy.context.scene.objects)
    boxes: dict[str, Any] = {}
    for obj in objects:
        corners = [corner for m in _members(obj, obj.type == "EMPTY") for corner in _corners(m, depsgraph)]
        if not corners:
            if names is not None:
                raise WrongType(f"{obj.name!r} ({obj.type.lower()}) has no geometry and no box")
            continue
        lo = Vector(tuple(min(c[i] for c in corners) for i in range(3)))
        hi = Vector(tuple(max(c[i] for c in corners) for i in range(3)))
        boxes[obj.name] = _box(lo, hi)
    return {"boxes": boxes}


# --- relations --------------------------------------------------------------------------------
def _overlap(a: Group, b: Group) -> list[float]:
    """Per-axis overlap of the boxes (negative = gap)."""
    return [min(a.hi[i], b.hi[i]) - max(a.lo[i], b.lo[i]) for i in range(3)]


def _horizontal_overlap(a: Group, b: Group) -> float:
    """Overlapping footprint area as a fraction of the smaller footprint (0..1)."""
    ov = _overlap(a, b)
    if ov[0] <= 0 or ov[1] <= 0:
        return 0.0
    smaller = min((a.hi.x - a.lo.x) * (a.hi.y - a.lo.y), (b.hi.x - b.lo.x) * (b.hi.y - b.lo.y))
    return 1.0 if smaller <= 1e-12 else min(1.0, ov[0] * ov[1] / smaller)


def _surface_distance(a: Group, b: Group, near: float) -> float:
    """Gap between the surfaces: the box gap when that exceeds ``near`` (cheap, a lower bound),
    else the smallest vertex-to-surface distance in either direction (exact for flat contacts)."""
    ov = _overlap(a, b)
    box_gap = math.sqrt(sum(max(-o, 0.0) ** 2 for o in ov))
    if box_gap > near:
        return box_gap
    best = math.inf
    for src, dst in ((a, b), (b, a)):
        stride = max(1, len(src.verts) // MAX_DISTANCE_VERTS)
        for v in src.verts[::stride]:
            hit = dst.bvh.find_nearest(v, best if best < math.inf else 1e12)
            if hit[3] is not None and hit[3] < best:
                best = hit[3]
    return max(box_gap, best if best < math.inf else box_gap)


def _point_inside(point: Vector, group: Group) -> bool:
    """Ray parity: an odd number of surface crossings means ``point`` is enclosed (closed meshes)."""
    direction = Vector((0.0123, 0.0311, 1.0)).normalized()
    crossings = 0
    origin = point.copy()
    for _ in range(1000):
        location, _normal, _index, _dist = group.bvh.ray_cast(origin, direction)
        if location is None:
            break
        crossings += 1
        origin = location + direction * 1e-6
    return crossings % 2 == 1


def _inside(a: Group, b: Group) -> bool:
    """Is ``a`` enclosed by ``b``? (box containment and a vertex of ``a`` inside ``b``)."""
    if any(a.lo[i] < b.lo[i] or a.hi[i] > b.hi[i] for i in range(3)):
        return False
    return _point_inside(a.verts[0], b)


MAX_PENETRATION_VERTS = 400
"""Vertices per side sampled to measure how deep crossing surfaces go (ray tests are costly)."""


def _penetration(a: Group, b: Group) -> float:
    """How far the surfaces really reach into each other: the deepest sampled vertex of one
    that lies inside the other, measured to that other's surface (a bauble half sunk into the
    foliage reports its sunk part, not the overlap of the two bounding boxes)."""
    deepest = 0.0
    for src, dst in ((a, b), (b, a)):
        stride = max(1, len(src.verts) // MAX_PENETRATION_VERTS)
        for v in src.verts[::stride]:
            if not all(dst.lo[i] <= v[i] <= dst.hi[i] for i in range(3)):
                continue
            hit = dst.bvh.find_nearest(v)
            if hit[3] is not None and hit[3] > deepest and _point_inside(v, dst):
                deepest = hit[3]
    return deepest


def _intersection_depth(a: Group, b: Group, tolerance: float) -> float:
    """How deep the objects interpenetrate, measured on the meshes; 0 when they only touch or miss.

    Surfaces crossing (BVH overlap) is the usual evidence; the depth is then the deepest vertex
    of one inside the other (:func:`_penetration`), so a shallow contact is not reported as deep
    as the bounding boxes overlap. Box-aligned shapes whose faces are coplanar cross only along
    edges, which the BVH test misses, so a shared interior point (the centre of the boxes'
    overlap) that is not explained by containment also counts, with the box depth (for such
    shapes the box is the mesh).
    """
    ov = _overlap(a, b)
    depth = min(ov)
    if depth <= tolerance:
        return 0.0
    if a.bvh.overlap(b.bvh):
        # Surfaces can cross with no vertex of either inside the other (two boards crossing
        # like a plus sign); the box overlap is then the measure (for such shapes it is exact).
        real = _penetration(a, b)
        return min(depth, real) if real > tolerance else depth
    if _inside(a, b) or _inside(b, a):
        return 0.0
    center = Vector(tuple((max(a.lo[i], b.lo[i]) + min(a.hi[i], b.hi[i])) / 2 for i in range(3)))
    return depth if _point_inside(center, a) and _point_inside(center, b) else 0.0


def _relate(a: Group, b: Group, tolerance: float) -> dict[str, Any]:
    depth = _intersection_depth(a, b, tolerance)
    distance = 0.0 if depth > 0 else _surface_distance(a, b, tolerance)
    footprint = _horizontal_overlap(a, b)
    vertical_gap = max(a.lo.z - b.hi.z, b.lo.z - a.hi.z)
    relations: list[str] = []
    if depth > 0:
        relations.append("intersecting")
    elif _inside(a, b):
        relations.append("inside")
    elif _inside(b, a):
        relations.append("contains")
    if not relations or relations == ["intersecting"]:
        if a.lo.z >= b.hi.z - tolerance:
            relations.append("above")
            if footprint > 0 and a.lo.z - b.hi.z <= tolerance and distance <= tolerance:
                relations.append("on_top_of")
        elif b.lo.z >= a.hi.z - tolerance:
            relations.append("below")
            if footprint > 0 and b.lo.z - a.hi.z <= tolerance and distance <= tolerance:
                relations.append("under")
    if depth == 0 and not {"inside", "contains", "on_top_of", "under"} & set(relations):
        relations.append("adjacent" if distance <= tolerance else "separate")
    return {
        "a": a.name,
        "b": b.name,
        "relations": relations,
        "distance": round(distance, 5),
        "vertical_gap": round(vertical_gap, 5),
        "horizontal_overlap": round(footprint, 4),
        **({"depth": round(depth, 5)} if depth > 0 else {}),
    }


@tool("inspection")
def analyze_relations(
    worker: Worker,
    names: OptNames = None,
    pairs: Annotated[
        list[Annotated[list[str], Field(min_length=2, max_length=2)]] | None,
        Field(description="Only these [a, b] pairs; names of objects"),
    ] = None,
    tolerance: Tolerance = 0.02,
) -> dict[str, Any]:
    """How objects sit relative to each other, pair by pair (modifiers applied, world space).

    Each entry: {a, b, relations, distance, vertical_gap, horizontal_overlap}. Relations read
    "a <relation> b": above, below, on_top_of (resting on b), under, inside, contains, adjacent
    (touching side by side), intersecting (surfaces cross by more than tolerance), separate.
    Without names, root objects are compared as groups with their descendants. Intersecting
    entries also carry `depth` (how far they interpenetrate). `distance` is the surface gap
    for nearby objects and the bounding-box gap for far ones.

    Raises:
        NotFound: a named object does not exist.
        WrongType: a pair names an object without geometry.
        InvalidArgument: a pair of one object with itself, or more than 2000 pairs.
    """
    if pairs is not None:
        wanted = list(dict.fromkeys(n for pair in pairs for n in pair))
        by_name = {g.name: g for g in _groups(wanted)}
        todo = []
        for a, b in pairs:
            if a == b:
                raise InvalidArgument(f"pair [{a!r}, {b!r}] compares an object with itself")
            if a not in by_name or b not in by_name:
                raise WrongType(f"pair [{a!r}, {b!r}]: both objects need geometry")
            todo.append((by_name[a], by_name[b]))
    else:
        groups = _groups(names)
        todo = list(itertools.combinations(groups, 2))
    if len(todo) > MAX_PAIRS:
        raise InvalidArgument(f"{len(todo)} pairs is too many (max {MAX_PAIRS}); give names or pairs")
    return {"relations": [_relate(a, b, tolerance) for a, b in todo]}


# --- scene problems ---------------------------------------------------------------------------
def _off_frame(groups: list[Group]) -> list[str]:
    scene = bpy.context.scene
    if scene.camera is None:
        return []
    names = []
    for g in groups:
        # The group's own vertices, not its box: the union box of a cone-shaped tree has corners
        # far outside the tree that the camera never needs to see.
        stride = max(1, len(g.verts) // MAX_FRAME_VERTS)
        projected = [world_to_camera_view(scene, scene.camera, v) for v in g.verts[::stride]]
        if any(p.z <= 0 or not (-0.001 <= p.x <= 1.001 and -0.001 <= p.y <= 1.001) for p in projected):
            names.append(g.name)
    return names


@tool("inspection")
def analyze_scene_problems(
    worker: Worker,
    ground_z: Annotated[float, Field(ge=-1e4, le=1e4, description="Height of the ground")] = 0.0,
    tolerance: Tolerance = 0.02,
) -> dict[str, Any]:
    """Find what a reviewer would flag: floating, sunk, interpenetrating and off-camera objects.

    Root objects are judged as groups with their descendants. floating: resting neither on the
    ground nor on another object (gap = distance to what is below). sunk: below the ground
    (depth). intersecting: pairs whose surfaces cross (depth). off_frame: not fully inside the
    scene camera's view (empty without a camera).
    """
    groups = _groups(None)
    floating, sunk, intersecting = [], [], []
    for a, b in itertools.combinations(groups, 2):
        depth = _intersection_depth(a, b, tolerance)
        if depth > 0:
            intersecting.append({"a": a.name, "b": b.name, "depth": round(depth, 5)})
    touching = {(p["a"], p["b"]) for p in intersecting} | {(p["b"], p["a"]) for p in intersecting}
    for g in groups:
        if g.lo.z < ground_z - tolerance:
            sunk.append({"name": g.name, "depth": round(ground_z - g.lo.z, 5)})
            continue
        if g.lo.z <= ground_z + tolerance:
            continue
        support = ground_z
        supported = False
        for other in groups:
            if other is g or _horizontal_overlap(g, other) <= 0:
                continue
            if (g.name, other.name) in touching:
                supported = True
                break
            if other.hi.z <= g.lo.z + tolerance:
                support = max(support, other.hi.z)
                if g.lo.z - other.hi.z <= tolerance and _surface_distance(g, other, tolerance) <= tolerance:
                    supported = True
                    break
        if not supported:
            floating.append({"name": g.name, "gap": round(g.lo.z - support, 5)})
    return {
        "floating": floating,
        "sunk": sunk,
        "intersecting": intersecting,
        "off_frame": _off_frame(groups),
        "empty_scene": not groups,
    }


# --- printability -----------------------------------------------------------------------------
@tool("inspection")
def check_printability(
    worker: Worker,
    name: Annotated[str, Field(min_length=1, description="Mesh object (or empty: its parts together)")],
    min_wall_thickness: Annotated[
        float, Field(gt=0.0, le=1.0, description="Thinnest printable wall in metres (0.002 = 2 mm)")
    ] = 0.002,
) -> dict[str, Any]:
    """Check whether an object can be 3D printed: watertight and walls thick enough.

    Wall thickness is measured by casting a ray inward from faces (up to 4000) against the
    object's own surface. Returns printable, is_manifold, non_manifold_edges,
    min_wall_thickness_found (null if no ray hit), thin_regions [{location, thickness}] (up to
    10) and issues (human-readable).

    Raises:
        NotFound: no object by that name.
        WrongType: the object has no geometry.
    """
    obj = get_object(name)
    groups = _groups([obj.name])
    if not groups:
        raise WrongType(f"{name!r} has no geometry to print")
    stats = analyze_mesh(worker, obj.name)
    group = groups[0]
    bvh = group.bvh
    step = max(1, len(group.polys) // MAX_THICKNESS_RAYS)
    thinnest: float | None = None
    thin: list[dict[str, Any]] = []
    for poly in group.polys[::step]:
        pts = [group.verts[i] for i in poly]
        if len(pts) < 3:
            continue
        normal = (pts[1] - pts[0]).cross(pts[2] - pts[0])
        if normal.length < 1e-12:
            continue
        normal.normalize()
        center = sum(pts, Vector()) / len(pts)
        location, _n, _i, distance = bvh.ray_cast(center - normal * 1e-6, -normal)
        if location is None:
            continue
        thickness = distance + 1e-6
        thinnest = thickness if thinnest is None else min(thinnest, thickness)
        if thickness < min_wall_thickness and len(thin) < 10:
            thin.append({"location": rounded(center), "thickness": round(thickness, 6)})
    issues = []
    if not stats["is_manifold"]:
        issues.append(
            f"not watertight: {stats['non_manifold_edges']} non-manifold edges (holes or open borders)"
        )
    if stats["loose_vertices"]:
        issues.append(f"{stats['loose_vertices']} loose vertices")
    if thin:
        issues.append(f"walls thinner than {min_wall_thickness} m (thinnest {thinnest:.6f} m)")
    if stats["is_manifold"] and stats["volume"] <= 0:
        issues.append("zero volume")
    return {
        "printable": not issues,
        "is_manifold": stats["is_manifold"],
        "non_manifold_edges": stats["non_manifold_edges"],
        "min_wall_thickness_found": None if thinnest is None else round(thinnest, 6),
        "thin_regions": thin,
        "issues": issues,
    }
