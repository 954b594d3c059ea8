"""Follow-up commands applied on a real worker and verified with its analysis tools."""

from __future__ import annotations

import pytest

from prompt2mesh.agent.editing.evaluator import OfflineEvaluator
from prompt2mesh.agent.editing.grammar import OfflineTranslator
from prompt2mesh.agent.editing.scene_state import read_scene
from prompt2mesh.roles.offline.recipes import RECIPES
from prompt2mesh.workers.blocking import BlockingWorker


def build_table_and_cube(worker: BlockingWorker) -> None:
    for call in (
        (
            "create_primitive",
            {"kind": "cube", "name": "Table", "location": [0, 0, 0.375], "scale": [1, 0.5, 0.375]},
        ),
        ("create_primitive", {"kind": "cube", "name": "Cube", "size": 0.4, "location": [3, 0, 0.2]}),
        ("create_primitive", {"kind": "uv_sphere", "name": "Ball", "radius": 0.3, "location": [-3, 0, 0.3]}),
    ):
        result = worker.call(call[0], **call[1])
        assert result.ok, result.error


def size_of(worker: BlockingWorker, name: str) -> list[float]:
    result = worker.call("get_bounding_boxes", names=[name])
    assert result.ok, result.error
    return result.result["boxes"][name]["dimensions"]


def box(worker: BlockingWorker, name: str) -> dict:
    return worker.call("get_bounding_boxes", names=[name]).result["boxes"][name]


async def test_taller_really_means_a_larger_z_dimension_and_the_object_stays_grounded(
    worker, make_session
) -> None:
    build_table_and_cube(worker)
    before = size_of(worker, "Table")
    outcome = await make_session().handle("make the table taller")
    after = size_of(worker, "Table")
    assert outcome.status == "applied", outcome.message
    assert after[2] == pytest.approx(before[2] * 1.5, rel=0.02)
    assert after[:2] == pytest.approx(before[:2], rel=0.01)
    assert box(worker, "Table")["min"][2] == pytest.approx(0.0, abs=0.005)
    assert outcome.evaluation["match_score"] == 1.0
    assert outcome.screenshot and outcome.screenshot.endswith(".png")


async def test_that_one_is_the_last_modified_object(worker, make_session) -> None:
    build_table_and_cube(worker)
    session = make_session()
    await session.handle("move the cube left by 1 meter")
    outcome = await session.handle("now make that one gold")
    assert outcome.taskspec.target_objects == ["Cube"]
    assert outcome.taskspec.resolution_source == "last_modified"
    info = worker.call("get_object_info", name="Cube").result
    materials = {m["name"]: m for m in worker.call("list_materials").result["materials"]}
    cube_material = materials[info["materials"][0]]
    assert cube_material["metallic"] == pytest.approx(1.0)
    assert outcome.evaluation["match_score"] == 1.0


async def test_a_multi_turn_session_follows_pronouns_and_survives_a_restart(worker, make_session) -> None:
    build_table_and_cube(worker)
    session = make_session()
    await session.handle("make the ball red")
    await session.handle("put it on the table")
    restarted = make_session()  # a new process would load session.json the same way
    outcome = await restarted.handle("make it bigger")
    assert outcome.taskspec.target_objects == ["Ball"]
    ball, table = box(worker, "Ball"), box(worker, "Table")
    assert ball["min"][2] == pytest.approx(table["max"][2], abs=0.02)
    assert ball["dimensions"][0] == pytest.approx(0.9, rel=0.05)
    assert [h["command"] for h in restarted.history] == [
        "make the ball red",
        "put it on the table",
        "make it bigger",
    ]


async def test_undo_reverts_the_whole_last_command(worker, make_session) -> None:
    build_table_and_cube(worker)
    session = make_session()
    before = size_of(worker, "Cube")
    await session.handle("make the cube much bigger and blue")
    assert size_of(worker, "Cube")[0] > before[0] * 1.5
    outcome = await session.handle("undo")
    assert outcome.status == "undone"
    assert size_of(worker, "Cube") == pytest.approx(before, rel=0.01)


async def test_an_unclear_command_is_answered_with_a_question_and_changes_nothing(
    worker, make_session
) -> None:
    build_table_and_cube(worker)
    events: list[dict] = []
    outcome = await make_session(events).handle("make it taller")
    assert outcome.status == "clarify"
    assert "which object" in outcome.message
    assert size_of(worker, "Table")[2] == pytest.approx(0.75, rel=0.01)
    assert any(e["type"] == "taskspec" for e in events)


async def test_adding_an_object_on_another_lands_on_its_top(worker, make_session) -> None:
    build_table_and_cube(worker)
    outcome = await make_session().handle("add a mug on the table")
    assert outcome.status == "applied", outcome.evaluation
    mug = box(worker, "Mug")
    assert mug["min"][2] == pytest.approx(0.75, abs=0.03)


async def test_smoother_adds_a_subdivision_modifier_and_sharper_removes_it(worker, make_session) -> None:
    build_table_and_cube(worker)
    session = make_session()
    await session.handle("make the ball smoother")
    assert any(
        m["type"] == "subdivision" for m in worker.call("get_object_info", name="Ball").result["modifiers"]
    )
    await session.handle("make it sharper")
    assert not any(
        m["type"] == "subdivision" for m in worker.call("get_object_info", name="Ball").result["modifiers"]
    )


async def test_the_evaluator_scores_a_correct_edit_high_and_a_wrong_one_low(worker, runner) -> None:
    build_table_and_cube(worker)
    translator = OfflineTranslator(known_kinds=list(RECIPES))
    from prompt2mesh.agent.editing.focus import FocusStack

    before = await read_scene(runner)
    spec = translator.parse("make the table taller", before, FocusStack())
    worker.call("set_transform", name="Table", scale=[1, 1, 1.5], relative=True)
    right = OfflineEvaluator().evaluate(spec, before, await read_scene(runner), [])
    worker.call("set_transform", name="Table", scale=[1, 1, 0.5], relative=True)
    wrong = OfflineEvaluator().evaluate(spec, before, await read_scene(runner), [])
    assert right.score == 1.0 and not right.retry
    assert wrong.score == 0.0 and wrong.retry
    assert "as tall as before" in wrong.issues[0]
    assert wrong.refinements[0].parameters["factor"][2] == pytest.approx(2.0, rel=0.05)


@pytest.mark.voice
async def test_a_spoken_command_is_transcribed_and_applied(worker, make_session, tmp_path) -> None:
    import shutil
    import subprocess

    from prompt2mesh.roles.speech import transcribe

    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    build_table_and_cube(worker)
    wav = tmp_path / "command.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), "make the cube red"], check=True, capture_output=True)
    heard = transcribe(wav).text
    outcome = await make_session().handle(heard)
    assert outcome.status == "applied", (heard, outcome.message)
    cube_materials = worker.call("get_object_info", name="Cube").result["materials"]
    colors = {m["name"]: m["color"] for m in worker.call("list_materials").result["materials"]}
    red, green, blue = (int(colors[cube_materials[0]][i : i + 2], 16) for i in (1, 3, 5))
    assert red > 150 and green < 80 and blue < 80
