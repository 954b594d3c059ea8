"""The world environment through MCP: HDRI (workspace or bundled), sky, colour; checked after a save."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from prompt2mesh.workers.blocking import BlockingWorker
from saved_blend import ok, refused, save_and_reopen


def _world_nodes(data: object) -> dict[str, object]:
    world = data.scenes[0].world  # type: ignore[attr-defined]
    return {n.bl_idname: n for n in world.node_tree.nodes}


def test_an_hdri_from_the_workspace_lights_the_world(worker: BlockingWorker) -> None:
    import bpy

    bundled = Path(bpy.utils.system_resource("DATAFILES", path="studiolights/world")) / "courtyard.exr"
    shutil.copy(bundled, Path(worker.workspace) / "yard.exr")
    ok(worker.call("create_primitive", kind="cube", name="Box"))
    info = ok(worker.call("set_environment", kind="hdri", file="yard.exr", strength=2.5, rotation=90))
    assert info["kind"] == "hdri" and info["strength"] == 2.5 and info["rotation"] == 90.0
    nodes = _world_nodes(save_and_reopen(worker, "hdri.blend"))
    env, background = nodes["ShaderNodeTexEnvironment"], nodes["ShaderNodeBackground"]
    assert Path(env.image.filepath).name == "yard.exr"  # type: ignore[attr-defined]
    assert background.inputs["Strength"].default_value == pytest.approx(2.5)  # type: ignore[attr-defined]
    assert background.inputs["Color"].links[0].from_node == env  # type: ignore[attr-defined]
    rotation = nodes["ShaderNodeMapping"].inputs["Rotation"].default_value[2]  # type: ignore[attr-defined]
    assert rotation == pytest.approx(math.radians(90))


def test_a_bundled_hdri_and_a_sky_replace_each_other(worker: BlockingWorker) -> None:
    assert ok(worker.call("set_environment", kind="hdri", builtin="sunset"))["image"] == "sunset.exr"
    sky = ok(
        worker.call(
            "set_environment",
            kind="sky",
            sky={"sky_type": "MULTIPLE_SCATTERING", "sun_elevation": 12, "altitude": 500},
            strength=0.5,
        )
    )
    assert sky["kind"] == "sky" and sky["sky"]["sun_elevation"] == 12.0 and sky["sky"]["altitude"] == 500.0
    ok(worker.call("create_primitive", kind="cube", name="Box"))
    nodes = _world_nodes(save_and_reopen(worker, "sky.blend"))
    assert "ShaderNodeTexEnvironment" not in nodes
    texture = nodes["ShaderNodeTexSky"]
    assert texture.sky_type == "MULTIPLE_SCATTERING"  # type: ignore[attr-defined]
    assert texture.sun_elevation == pytest.approx(math.radians(12))  # type: ignore[attr-defined]
    assert nodes["ShaderNodeBackground"].inputs["Strength"].default_value == pytest.approx(0.5)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        ({"kind": "hdri"}, ("exactly one of file",)),
        ({"kind": "hdri", "file": "x.exr", "builtin": "forest"}, ("exactly one of file",)),
        ({"kind": "hdri", "file": "missing.exr"}, ("not_found",)),
        ({"kind": "hdri", "file": "../../etc/passwd.exr"}, ("path_outside_workspace",)),
        ({"kind": "hdri", "file": "notes.txt"}, ("invalid_argument",)),
        ({"kind": "hdri", "builtin": "moon"}, ("builtin",)),
        ({"kind": "sky", "sky": {"sun_elevation": 400}}, ("out of range",)),
        ({"kind": "sky", "sky": {"sky_type": "NISHITA"}}, ("MULTIPLE_SCATTERING",)),
        ({"kind": "sky", "sky": {"clouds": 1}}, ("no option 'clouds'", "turbidity")),
        ({"kind": "color", "sky": {"turbidity": 3}}, ("apply to kind='sky'",)),
        ({"kind": "sky", "color": "#ff0000"}, ("color applies",)),
    ],
)
def test_bad_environments_are_refused_and_keep_the_old_world(
    worker: BlockingWorker, args: dict[str, object], fragments: tuple[str, ...]
) -> None:
    before = ok(worker.call("set_environment", kind="color", color="#224466", strength=0.7))
    refused(worker.call("set_environment", **args), *fragments)
    assert ok(worker.call("set_environment", kind="color", color="#224466", strength=0.7)) == before
