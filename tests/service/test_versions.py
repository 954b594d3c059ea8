"""Versions over HTTP with a real worker: the finished build is version 1, every edit that
changes the scene is a new one, each version's glb is the model as it was, going back is
itself a new version that "undo" reverts, and another user gets 404 everywhere."""

from __future__ import annotations

import io
from typing import Any

import pytest
import trimesh

from service.live import User, stream_events
from service.test_commands import command

pytestmark = pytest.mark.timeout(300)


def height(glb: bytes) -> float:
    return float(trimesh.load(io.BytesIO(glb), file_type="glb").extents[1])  # glTF is Y-up


def version_height(user: User, run_id: str, number: int) -> float:
    response = user.client.get(f"/runs/{run_id}/versions/{number}/model.glb")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "model/gltf-binary"
    return height(response.content)


def current_height(user: User, run_id: str) -> float:
    return height(user.client.get(f"/runs/{run_id}/files/scene.glb").content)


@pytest.fixture(scope="module")
def model(alice: User) -> dict[str, Any]:
    """Alice's finished cube, before and after "make it taller"."""
    session = alice.client.post("/sessions", json={"title": "cube"}).json()
    run = alice.client.post(
        "/runs", json={"prompt": "a red cube", "session_id": session["id"], "options": {"refine": False}}
    ).json()
    assert stream_events(alice, run["id"])[-1] == {"type": "end", "status": "completed"}
    before = alice.client.get(f"/runs/{run['id']}/versions").json()
    _, events = command(alice, session["id"], "make it taller")
    return {"session_id": session["id"], "run_id": run["id"], "before": before, "events": events}


def test_a_finished_build_nobody_edited_is_its_only_version(model: dict[str, Any]) -> None:
    listed = model["before"]
    assert listed["current"] == 1
    assert [(v["number"], v["kind"], v["current"]) for v in listed["versions"]] == [(1, "build", True)]


def test_an_edit_that_changes_the_scene_is_a_new_version_with_its_own_model(
    alice: User, model: dict[str, Any]
) -> None:
    run_id = model["run_id"]
    listed = alice.client.get(f"/runs/{run_id}/versions").json()
    assert listed["current"] == 2
    build, edit = listed["versions"]
    assert edit["kind"] == "edit" and edit["label"] == "make it taller" and edit["command_id"]
    assert edit["screenshot"] == "screenshots/edit_1.png"
    assert version_height(alice, run_id, 2) > version_height(alice, run_id, 1) * 1.2
    assert version_height(alice, run_id, 2) == pytest.approx(current_height(alice, run_id), rel=1e-4)
    history = alice.client.get(f"/sessions/{model['session_id']}/commands").json()
    assert history[0]["command"] == "make it taller" and history[0]["version"] == 2


def test_a_command_that_changes_nothing_adds_no_version(alice: User, model: dict[str, Any]) -> None:
    _, events = command(alice, model["session_id"], "how many objects are there?")
    assert events[-1]["status"] == "answered", events
    assert alice.client.get(f"/runs/{model['run_id']}/versions").json()["current"] == 2


def test_going_back_is_a_new_version_and_undo_reverts_it(alice: User, model: dict[str, Any]) -> None:
    run_id = model["run_id"]
    original = version_height(alice, run_id, 1)
    taller = version_height(alice, run_id, 2)
    restored = alice.client.post(f"/runs/{run_id}/versions/1/restore")
    assert restored.status_code == 201, restored.text
    assert restored.json()["number"] == 3 and restored.json()["restored"] == 1
    assert current_height(alice, run_id) == pytest.approx(original, rel=1e-4)
    numbers = [v["number"] for v in alice.client.get(f"/runs/{run_id}/versions").json()["versions"]]
    assert numbers == [1, 2, 3]  # nothing lost
    history = alice.client.get(f"/sessions/{model['session_id']}/commands").json()
    assert history[-1]["command"] == "Go back to version 1" and history[-1]["status"] == "applied"

    _, events = command(alice, model["session_id"], None)  # undo
    assert events[-1]["status"] == "undone"
    assert current_height(alice, run_id) == pytest.approx(taller, rel=1e-4)
    last = alice.client.get(f"/runs/{run_id}/versions").json()["versions"][-1]
    assert (last["number"], last["kind"]) == (4, "undo")


def test_a_missing_version_or_a_run_without_a_model_is_refused(alice: User, model: dict[str, Any]) -> None:
    missing = alice.client.post(f"/runs/{model['run_id']}/versions/99/restore")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert alice.client.get(f"/runs/{model['run_id']}/versions/99/model.glb").status_code == 404


def test_another_user_gets_404_on_every_version_route(alice: User, bob: User, model: dict[str, Any]) -> None:
    run_id = model["run_id"]
    for method, path in [
        ("GET", f"/runs/{run_id}/versions"),
        ("GET", f"/runs/{run_id}/versions/1/model.glb"),
        ("POST", f"/runs/{run_id}/versions/1/restore"),
    ]:
        response = bob.client.request(method, path)
        assert response.status_code == 404, (method, path, response.text)
    assert alice.client.get(f"/runs/{run_id}/versions").json()["current"] == 4
