"""Every recipe, built in a real Blender worker over MCP: grounded, sized, named, detailed.

One parametrized test per kind on the shared worker (``new_scene`` between kinds); all
problems of a kind are collected and reported together.
"""

from __future__ import annotations

from typing import Any

import pytest

from prompt2mesh.roles.interface import ToolCall
from prompt2mesh.roles.offline.recipes import RECIPES
from prompt2mesh.roles.offline.recipes._parts import record
from prompt2mesh.roles.offline.recipes.base import BuildContext, Recipe
from prompt2mesh.workers.blocking import BlockingWorker

SIZE_TOLERANCE = 0.35
GROUND_TOLERANCE = 0.02


def _run(worker: BlockingWorker, calls: list[ToolCall], label: str, problems: list[str]) -> None:
    for call in calls:
        result = worker.call(call.tool, **call.args)
        if not result.ok:
            problems.append(
                f"{label}: {call.tool}({call.args.get('name') or call.args.get('object')}) -> {result.error}"
            )


def _faces(worker: BlockingWorker, name: str) -> int:
    result = worker.call("analyze_mesh", name=name)
    assert result.ok, result.error
    return int(result.result["faces"])


def _body(recipe: Recipe) -> Any:
    """The recipe's body function (to list the parts the builder made)."""
    for cell in recipe.detail.__closure__ or ():
        if callable(cell.cell_contents) and getattr(cell.cell_contents, "__name__", "").startswith("_"):
            return cell.cell_contents
    raise AssertionError(f"{recipe.kind}: no body function")


@pytest.mark.parametrize("kind", sorted(RECIPES))
def test_every_recipe_builds_a_grounded_named_object_of_its_size_that_gains_detail(
    worker: BlockingWorker, kind: str
) -> None:
    recipe = RECIPES[kind]
    ctx = BuildContext(name="Thing")
    problems: list[str] = []

    _run(worker, recipe.build(ctx), "build", problems)
    info = worker.call("get_object_info", name="Thing")
    assert info.ok, f"{kind}: no root object: {info.error}; {problems}"
    assert info.result["type"] == "empty"

    box = worker.call("get_bounding_boxes", names=["Thing"]).result["boxes"]["Thing"]
    for axis, (got, want) in enumerate(zip(box["dimensions"], recipe.size, strict=True)):
        if abs(got - want) > SIZE_TOLERANCE * want + 0.01:
            problems.append(f"size along {'xyz'[axis]} is {got:.3f} m, declared {want} m")
    # The origin is the bottom centre, so the layout can place objects by their footprint.
    problems += [
        f"footprint off-centre along {'xy'[axis]}: centre at {box['center'][axis]:.3f} m"
        for axis in (0, 1)
        if abs(box["center"][axis]) > 0.12 * box["dimensions"][axis] + 0.02
    ]
    if not recipe.flies and abs(box["min"][2]) > GROUND_TOLERANCE:
        problems.append(f"not grounded: lowest point at z={box['min'][2]:.3f}")

    expected = {p.name for p in record(_body(recipe), ctx).parts if p.level == 0}
    children = set(info.result["children"])
    if expected - children:
        problems.append(f"parts missing under the root: {sorted(expected - children)}")
    if not all(name.startswith("Thing_") for name in children):
        problems.append(f"parts not named after the root: {sorted(children)}")

    faces = [_faces(worker, "Thing")]
    for level in range(1, recipe.max_detail + 1):
        _run(worker, recipe.detail(ctx, level), f"detail {level}", problems)
        faces.append(_faces(worker, "Thing"))
    if any(b <= a for a, b in zip(faces, faces[1:], strict=False)):
        problems.append(f"detail levels do not raise the face count: {faces}")

    assert not problems, f"{kind}: " + "; ".join(problems)


def test_a_recipe_honours_location_turn_scale_colour_and_material(worker: BlockingWorker) -> None:
    ctx = BuildContext(name="Big_Table", location=(3.0, -2.0, 0.0), rotation_z=90.0, scale=2.0, material="wooden",
                       color="#2255cc")  # fmt: skip
    problems: list[str] = []
    _run(worker, RECIPES["table"].build(ctx), "build", problems)
    assert not problems

    box = worker.call("get_bounding_boxes", names=["Big_Table"]).result["boxes"]["Big_Table"]
    # Turned 90 degrees: the 1.4 m length now runs along y, doubled by the scale.
    assert box["dimensions"] == pytest.approx([1.6, 2.8, 1.5], abs=0.02)
    assert box["center"][:2] == pytest.approx([3.0, -2.0], abs=0.02)
    assert box["min"][2] == pytest.approx(0.0, abs=0.01)
    materials = {m["name"]: m for m in worker.call("list_materials").result["materials"]}
    assert materials["Big_Table_Wood"]["color"] == "#2255cc"
    assert RECIPES["table"].surface(ctx).top_z == pytest.approx(1.5)
