"""Recorded real-model conversations replay green through the real OpenAI client and a real worker.

The cassettes under ``tests/cassettes`` hold what a capable model answered to the product's
requests (recorded through ``../shared/tools/llm_relay.py``). Each test serves them from a
local OpenAI-compatible HTTP server and runs the product unchanged with
``provider=openai_compatible``: langchain-openai builds and parses the HTTP requests, the roles
parse the answers, Blender does the work. A prompt or parser change that breaks these answers
(a role asking out of turn, a tool no longer offered, a reply no longer understood) fails here.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import pytest

from fakes.cassette import ReplayServer, load
from prompt2mesh.agent.editing.factory import make_evaluator, make_translator
from prompt2mesh.agent.editing.pipeline import EditSession, SessionFiles
from prompt2mesh.agent.runner import RunRequest, run_make
from prompt2mesh.config import Settings
from prompt2mesh.roles.prompts import PLANNER

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"


def replay_settings(base_url: str, tmp_path: Path) -> Settings:
    """The settings the recordings were made with (a short plan, one refinement at most)."""
    return Settings(
        provider="openai_compatible",
        model="relay",
        base_url=base_url,
        min_plan_steps=3,
        max_plan_steps=4,
        max_refinements=1,
        screenshot_size=96,
        data_dir=tmp_path / "data",
        retry_delays_s=(),
    )


def glb_node_names(path: Path) -> list[str]:
    """Node names in a binary glTF (its JSON chunk)."""
    data = path.read_bytes()
    length, kind = struct.unpack_from("<I4s", data, 12)
    assert kind == b"JSON"
    return [n.get("name", "") for n in json.loads(data[20 : 20 + length])["nodes"]]


def served_all(server: ReplayServer) -> None:
    assert server.problems == []
    assert server.served == len(server.exchanges), f"{server.served} of {len(server.exchanges)} answers used"


async def test_a_recorded_christmas_tree_make_and_two_edits_replay_green(
    runner: Any, worker: Any, tmp_path: Path
) -> None:
    prefix = f"{tmp_path.name}/"
    make = ReplayServer(load(CASSETTES / "christmas_tree_make.json"))
    with make.serve() as url:
        settings = replay_settings(url, tmp_path)
        request = RunRequest(
            prompt="Create a decorated Christmas tree", out_dir=tmp_path / "out", artifact_prefix=prefix
        )
        report = await run_make(request, settings, runner)
    served_all(make)
    assert report["status"] == "completed", report["error"]
    assert report["totals"]["steps_done"] == 4 and report["totals"]["refinements"] == 2
    assert report["totals"]["failed_tool_calls"] == 0
    # The plan says what each step really did, and the critic's open notes are kept.
    assert all(step["calls"] and step["objects"] for step in report["plan"])
    assert "Star" in report["plan"][2]["objects"]
    assert any("Star" in issue for note in report["open_issues"] for issue in note["issues"])
    # The model is grouped under a node named after its subject.
    glb = worker.workspace / prefix / "scene.glb"
    assert "Christmas_Tree" in glb_node_names(glb)
    # Four steps and two refinements were judged, the lighting step from a render (its picture is
    # larger than the solid-shaded screenshots: lights, world and glow are in it).
    # and the finished scene was judged once more against the person's words (the final score).
    # Steps that build objects, and the final judgement, are shown from behind as well (a second
    # image added after this recording, which saw one: the answers still parse and drive the run).
    critic = [r for r in make.requests if r["role"] == "critic"]
    assert len(critic) == 7 and all(r["images"] in (1, 2) for r in critic)
    assert sum(r["images"] == 2 for r in critic) >= 4 and critic[-1]["images"] == 2
    assert "The person's words: 'Create a decorated Christmas tree'" in critic[-1]["last"]
    assert report["totals"]["final_score"] == 8

    session = EditSession(
        runner,
        SessionFiles(folder=worker.workspace / tmp_path.name, prefix=prefix),
        make_translator(settings, runner),
        evaluator=make_evaluator(settings, runner),
        screenshot_size=96,
    )
    star = ReplayServer(load(CASSETTES / "christmas_tree_edit1.json"))
    with star.serve() as url:
        session.translator = make_translator(replay_settings(url, tmp_path), runner)
        session.evaluator = make_evaluator(replay_settings(url, tmp_path), runner)
        outcome = await session.handle("make the star bigger and gold")
    served_all(star)
    assert outcome.status in {"applied", "partial"}, outcome.message
    materials = {m["name"]: m for m in (await runner.call("list_materials", {})).result["materials"]}
    star_info = (await runner.call("get_object_info", {"name": "Star"})).result
    point_info = (await runner.call("get_object_info", {"name": "Star_Point_1"})).result
    # The star and its points share one gold material, changed in place: still metal, still glowing.
    assert star_info["materials"] == point_info["materials"] == ["Star_Gold"]
    gold = materials["Star_Gold"]
    assert gold["metallic"] == 1.0 and gold["emission_color"] is not None
    assert star_info["dimensions"][2] == pytest.approx(0.36, abs=0.01)  # 1.5 x 0.24 m

    box = ReplayServer(load(CASSETTES / "christmas_tree_edit2.json"))
    with box.serve() as url:
        session.translator = make_translator(replay_settings(url, tmp_path), runner)
        session.evaluator = make_evaluator(replay_settings(url, tmp_path), runner)
        outcome = await session.handle("add a red gift box under the tree")
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
    assert gift["max"][2] < 0.55  # below the lowest tier


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
