"""Analysis tools give the right numbers for shapes whose answers are known."""

import pytest

from prompt2mesh.workers.blocking import BlockingWorker


def _ok(worker: BlockingWorker, tool: str, **args: object) -> dict:  # type: ignore[type-arg]
    result = worker.call(tool, **args)
    assert result.ok, result.error
    assert isinstance(result.result, dict)
    return result.result


def _relations(worker: BlockingWorker, a: str, b: str) -> dict:  # type: ignore[type-arg]
    return _ok(worker, "analyze_relations", pairs=[[a, b]])["relations"][0]


def test_a_cube_of_size_two_has_eight_vertices_six_faces_and_is_manifold(worker: BlockingWorker) -> None:
    _ok(worker, "create_primitive", kind="cube", name="Cube", location=[0, 0, 1])
    stats = _ok(worker, "analyze_mesh", name="Cube")
    assert (stats["vertices"], stats["edges"], stats["faces"], stats["triangles"]) == (8, 12, 6, 12)
    assert stats["is_manifold"] and stats["non_manifold_edges"] == 0 and stats["ngons"] == 0
    assert stats["volume"] == pytest.approx(8.0) and stats["surface_area"] == pytest.approx(24.0)
    assert stats["bbox_min"] == [-1, -1, 0] and stats["bbox_max"] == [1, 1, 2]


def test_a_plane_is_not_manifold(worker: BlockingWorker) -> None:
    _ok(worker, "create_primitive", kind="plane", name="Plane")
    stats = _ok(worker, "analyze_mesh", name="Plane")
    assert not stats["is_manifold"] and stats["non_manifold_edges"] == 4


def test_mesh_statistics_include_modifiers_and_empties_sum_their_parts(worker: BlockingWorker) -> None:
    _ok(worker, "create_empty", name="Group")
    _ok(worker, "create_primitive", kind="cube", name="A", parent="Group")
    _ok(worker, "create_primitive", kind="cube", name="B", parent="Group", location=[3, 0, 0])
    _ok(worker, "add_modifier", object="B", type="subdivision", params={"levels": 1})
    assert _ok(worker, "analyze_mesh", name="B")["vertices"] == 26
    group = _ok(worker, "analyze_mesh", name="Group")
    assert group["vertices"] == 8 + 26 and group["bbox_min"][0] == -1 and group["bbox_max"][0] < 4
    boxes = _ok(worker, "get_bounding_boxes", names=["Group", "A"])["boxes"]
    assert boxes["A"]["dimensions"] == [2, 2, 2]
    assert boxes["Group"]["min"][0] == -1 and boxes["Group"]["center"][1] == 0


def test_a_sphere_resting_on_a_cube_is_on_top_of_it(worker: BlockingWorker) -> None:
    _ok(worker, "create_primitive", kind="cube", name="Table", location=[0, 0, 1])
    _ok(worker, "create_primitive", kind="uv_sphere", name="Ball", radius=0.5, location=[0, 0, 2.5])
    relation = _relations(worker, "Ball", "Table")
    assert "on_top_of" in relation["relations"] and "above" in relation["relations"]
    assert relation["distance"] == pytest.approx(0.0, abs=1e-4) and relation["horizontal_overlap"] == 1.0
    assert "under" in _relations(worker, "Table", "Ball")["relations"]


def test_overlapping_cubes_are_intersecting_and_distant_ones_separate(worker: BlockingWorker) -> None:
    _ok(worker, "create_primitive", kind="cube", name="Left", location=[0, 0, 1])
    _ok(worker, "create_primitive", kind="cube", name="Right", location=[1.5, 0, 1])
    _ok(worker, "create_primitive", kind="cube", name="Far", location=[10, 0, 1])
    relations = {(r["a"], r["b"]): r for r in _ok(worker, "analyze_relations")["relations"]}
    assert relations[("Left", "Right")]["relations"] == ["intersecting"]
    assert relations[("Left", "Right")]["depth"] == pytest.approx(0.5)
    assert relations[("Left", "Far")]["relations"] == ["separate"]
    assert relations[("Left", "Far")]["distance"] == pytest.approx(8.0)


def test_touching_side_by_side_is_adjacent_and_a_small_cube_in_a_big_one_is_inside(
    worker: BlockingWorker,
) -> None:
    _ok(worker, "create_primitive", kind="cube", name="One", location=[0, 0, 1])
    _ok(worker, "create_primitive", kind="cube", name="Two", location=[2, 0, 1])
    assert _relations(worker, "One", "Two")["relations"] == ["adjacent"]
    _ok(worker, "create_primitive", kind="cube", name="Big", size=10, location=[20, 0, 5])
    _ok(worker, "create_primitive", kind="cube", name="Small", size=1, location=[20, 0, 5])
    assert _relations(worker, "Small", "Big")["relations"] == ["inside"]
    assert _relations(worker, "Big", "Small")["relations"] == ["contains"]


def test_scene_problems_report_floating_sunk_and_intersecting_objects(worker: BlockingWorker) -> None:
    _ok(worker, "create_primitive", kind="cube", name="Grounded", location=[0, 0, 1])
    _ok(worker, "create_primitive", kind="cube", name="Stacked", size=1, location=[0, 0, 2.5])
    _ok(worker, "create_primitive", kind="cube", name="Floating", location=[10, 0, 4])
    _ok(worker, "create_primitive", kind="cube", name="Sunk", location=[-10, 0, 0.5])
    _ok(worker, "create_primitive", kind="cube", name="Clash", location=[1.5, 0, 1])
    problems = _ok(worker, "analyze_scene_problems")
    assert problems["floating"] == [{"name": "Floating", "gap": pytest.approx(3.0)}]
    assert problems["sunk"] == [{"name": "Sunk", "depth": pytest.approx(0.5)}]
    assert [(p["a"], p["b"]) for p in problems["intersecting"]] == [("Grounded", "Clash")]
    assert problems["off_frame"] == [] and problems["empty_scene"] is False


def test_scene_problems_report_objects_outside_the_camera_view(worker: BlockingWorker) -> None:
    _ok(worker, "create_primitive", kind="cube", name="Seen", location=[0, 0, 1])
    _ok(worker, "frame_camera", objects=["Seen"])
    _ok(worker, "create_primitive", kind="cube", name="Unseen", location=[40, 40, 1])
    assert _ok(worker, "analyze_scene_problems")["off_frame"] == ["Unseen"]


def test_printability_accepts_a_cube_and_flags_a_plane_and_a_thin_shell(worker: BlockingWorker) -> None:
    _ok(worker, "create_primitive", kind="cube", name="Solid", location=[0, 0, 1])
    solid = _ok(worker, "check_printability", name="Solid")
    assert solid["printable"] and solid["min_wall_thickness_found"] == pytest.approx(2.0)
    _ok(worker, "create_primitive", kind="plane", name="Sheet", location=[5, 0, 0])
    sheet = _ok(worker, "check_printability", name="Sheet")
    assert not sheet["printable"] and sheet["non_manifold_edges"] == 4
    assert "not watertight" in sheet["issues"][0]
    _ok(worker, "create_primitive", kind="uv_sphere", name="Shell", location=[10, 0, 1])
    _ok(worker, "add_modifier", object="Shell", type="solidify", params={"thickness": 0.001})
    shell = _ok(worker, "check_printability", name="Shell", min_wall_thickness=0.002)
    assert shell["is_manifold"] and not shell["printable"]
    assert shell["min_wall_thickness_found"] == pytest.approx(0.001, rel=0.2) and shell["thin_regions"]


def test_analysis_refuses_unknown_names_and_objects_without_geometry(worker: BlockingWorker) -> None:
    missing = worker.call("analyze_mesh", name="Nope")
    assert not missing.ok and "not_found" in (missing.error or "")
    _ok(worker, "add_light", type="point")
    light = worker.call("analyze_mesh", name="Point")
    assert not light.ok and "wrong_type" in (light.error or "")
