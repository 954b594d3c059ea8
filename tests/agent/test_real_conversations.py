"""Recorded real-model conversations replay green through the real OpenAI client and a real worker.

The cassettes under ``tests/cassettes`` hold what a capable model answered to the product's
requests (recorded through ``../shared/tools/llm_relay.py``). Each test serves them from a
local OpenAI-compatible HTTP server and runs the product unchanged with
``provider=openai_compatible``: langchain-openai builds and parses the HTTP requests, the roles
parse the answers, Blender does the work. A prompt or parser change that breaks these answers
(a role asking out of turn, a tool no longer offered, a reply no longer understood) fails here.

The scenarios (settings, prompt, commands) live in ``fakes.scenarios``, shared with the
recorder. The make was recorded with 512 px screenshots (the critic judged them) and the edit
judge's with 384 px ones; the replay takes 96 px pictures, which nobody looks at. Re-record the
make and its two edits (three cassettes) with one command, the relay running on 8781:
``cd tests && ../.venv/bin/python -m fakes.record make http://127.0.0.1:8781/v1 RELAY_DIR``.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import pytest

from fakes.cassette import ReplayServer, load, text_of
from fakes.scenarios import (
    REPLAY_SCREENSHOT_SIZE,
    TREE_EDITS,
    Place,
    make_settings,
    make_tree,
    tree_edit_session,
)
from prompt2mesh.agent.editing.factory import make_evaluator, make_translator
from prompt2mesh.roles.prompts import PLANNER

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"


def glb_node_names(path: Path) -> list[str]:
    """Node names in a binary glTF (its JSON chunk)."""
    data = path.read_bytes()
    length, kind = struct.unpack_from("<I4s", data, 12)
    assert kind == b"JSON"
    return [n.get("name", "") for n in json.loads(data[20 : 20 + length])["nodes"]]


def served_all(server: ReplayServer) -> None:
    assert server.problems == []
    assert server.served == len(server.exchanges), f"{server.served} of {len(server.exchanges)} answers used"


@pytest.mark.slow
async def test_a_recorded_christmas_tree_make_and_two_edits_replay_green(
    runner: Any, worker: Any, tmp_path: Path
) -> None:
    prefix = f"{tmp_path.name}/"
    make = ReplayServer(load(CASSETTES / "christmas_tree_make.json"))
    with make.serve() as url:
        settings = make_settings(url, tmp_path / "data", screenshot_size=REPLAY_SCREENSHOT_SIZE)
        report = await make_tree(runner, settings, Place(tmp_path / "out", prefix))
    served_all(make)
    assert report["status"] == "completed", report["error"]
    assert report["totals"]["steps_done"] == 4 and report["totals"]["failed_tool_calls"] == 0
    # The critic found the lit step wanting (7 where the first steps need 8): one real
    # refinement by the improver, judged again and passed.
    assert report["totals"]["refinements"] == 1
    assert [s["scores"] for s in report["steps"]] == [[8], [8], [8], [7, 8]]
    assert sum(r["role"] == "improver" for r in make.requests) == 5
    # The plan says what each step really did.
    assert all(step["calls"] and step["objects"] for step in report["plan"])
    assert "Star" in report["plan"][2]["objects"]
    # The model is grouped under a node named after its subject.
    glb = runner.worker.workspace / prefix / "scene.glb"
    assert "Christmas_Tree" in glb_node_names(glb)
    # Five judgements of four steps and the refinement, each seen from the front and from behind,
    # and the finished scene judged once more against the person's words (the final score).
    critic = [r for r in make.requests if r["role"] == "critic"]
    assert len(critic) == 6 and all(r["images"] == 2 for r in critic)
    final = text_of(make.bodies[len(make.requests) - 1]["messages"][-1]["content"])
    assert "The person's words: 'Create a decorated Christmas tree'" in final
    assert critic[-1]["last"].startswith("After all 4 steps: Judge the finished scene")
    assert report["totals"]["final_score"] == 8

    before = {m["name"]: m for m in (await runner.call("list_materials", {})).result["materials"]}
    star_before = (await runner.call("get_bounding_boxes", {"names": ["Star"]})).result["boxes"]["Star"]
    session = tree_edit_session(
        runner, settings, worker.workspace / tmp_path.name, prefix, REPLAY_SCREENSHOT_SIZE
    )
    star = ReplayServer(load(CASSETTES / "christmas_tree_edit1.json"))
    with star.serve() as url:
        replay = make_settings(url, tmp_path / "data", screenshot_size=REPLAY_SCREENSHOT_SIZE)
        session.translator = make_translator(replay, runner)
        session.evaluator = make_evaluator(replay, runner)
        outcome = await session.handle(TREE_EDITS[0])
    served_all(star)
    assert outcome.status == "applied", outcome.message
    materials = {m["name"]: m for m in (await runner.call("list_materials", {})).result["materials"]}
    star_after = (await runner.call("get_bounding_boxes", {"names": ["Star"]})).result["boxes"]["Star"]
    # 1.5 times as big, and its own material changed in place: gold, metal, still glowing.
    assert star_after["dimensions"] == pytest.approx([1.5 * d for d in star_before["dimensions"]], rel=0.01)
    point = (await runner.call("get_object_info", {"name": "Star_Point_1"})).result
    [gold] = point["materials"]
    assert gold in before and materials[gold]["color"] == "#d4af37" and materials[gold]["metallic"] == 1.0
    assert materials[gold]["emission_color"] == before[gold]["emission_color"] is not None

    box = ReplayServer(load(CASSETTES / "christmas_tree_edit2.json"))
    with box.serve() as url:
        replay = make_settings(url, tmp_path / "data", screenshot_size=REPLAY_SCREENSHOT_SIZE)
        session.translator = make_translator(replay, runner)
        session.evaluator = make_evaluator(replay, runner)
        outcome = await session.handle(TREE_EDITS[1])
    served_all(box)
    assert outcome.status in {"applied", "partial"}, outcome.message
    boxes = (
        await runner.call("get_bounding_boxes", {"names": ["Gift_Box", "Christmas_Tree", "Pot"]})
    ).result["boxes"]
    gift, tree, pot = boxes["Gift_Box"], boxes["Christmas_Tree"], boxes["Pot"]
    assert gift["min"][2] == pytest.approx(0.0, abs=1e-3)  # on the floor
    assert (
        tree["min"][0] <= gift["center"][0] <= tree["max"][0]
        and tree["min"][1] <= gift["center"][1] <= tree["max"][1]
    )
    assert gift["max"][1] <= pot["min"][1] + 1e-3  # in front of the pot, not inside it
    assert gift["max"][2] < 0.5  # below the lowest tier


async def test_a_cassette_answer_that_no_longer_fits_the_request_fails_clearly() -> None:
    cassette = load(CASSETTES / "christmas_tree_make.json")
    server = ReplayServer(cassette)
    executor_body = {
        "messages": [
            {"role": "system", "content": "You are a careful 3D modeller working in Blender through tools."},
            {"role": "user", "content": "Step 1"},
        ],
        "tools": [],
    }
    server.served = 2  # the third recorded request is the first executor turn
    status, payload = server.handle(executor_body)
    assert status == 400 and "not offered now" in payload["error"]["message"]
    status, payload = server.handle({"messages": [{"role": "system", "content": PLANNER}]})
    assert (
        status == 400
        and "the planner asked where the recording has the executor" in payload["error"]["message"]
    )
