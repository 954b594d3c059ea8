"""Runs end to end over HTTP with real workers and the offline agent, on both databases:
live events, replay, the run's record, artifacts, path confinement, ownership, cancel/resume.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.live import LiveServer, User, stream_events

pytestmark = pytest.mark.timeout(300)

PROMPT = "a red cube on a blue table"


@pytest.fixture(scope="module")
def finished(alice: User) -> dict[str, Any]:
    """Alice's run in a session, its events as streamed live from the moment it started."""
    session = alice.client.post("/sessions", json={"title": "table scene"}).json()
    started = alice.client.post("/runs", json={"prompt": PROMPT, "session_id": session["id"]})
    assert started.status_code == 202, started.text
    run = started.json()
    assert run["status"] == "queued" and run["session_id"] == session["id"]
    events = stream_events(alice, run["id"])
    return {"run_id": run["id"], "session_id": session["id"], "events": events}


def test_a_run_streams_its_events_live_and_ends_completed(finished: dict[str, Any]) -> None:
    events = finished["events"]
    assert events[-1] == {"type": "end", "status": "completed"}, [
        e for e in events if e["type"] in ("error", "status")
    ]
    body = events[:-1]
    assert [e["seq"] for e in body] == list(range(1, len(body) + 1))
    assert all(e["run_id"] == finished["run_id"] for e in body)
    types = {e["type"] for e in body}
    expected = {"status", "run_started", "prompt_refined", "plan", "node_started", "tool_call", "screenshot"}
    assert expected | {"critique", "step_accepted", "run_finished"} <= types
    statuses = [e["status"] for e in body if e["type"] == "status"]
    assert statuses == ["queued", "running", "completed"]


def test_a_late_subscriber_replays_the_same_events_from_the_start(
    alice: User, finished: dict[str, Any]
) -> None:
    run_id = finished["run_id"]
    replay = stream_events(alice, run_id)
    assert replay == finished["events"]
    tail = stream_events(alice, run_id, after=10)
    assert [e["seq"] for e in tail[:-1]] == [e["seq"] for e in finished["events"][10:-1]]
    with alice.client.stream("GET", f"/runs/{run_id}/events", headers={"Last-Event-ID": "12"}) as response:
        first = next(line for line in response.iter_lines() if line.startswith("id:"))
    assert first == "id: 13"
    as_json = alice.client.get(f"/runs/{run_id}/events.json", params={"after": 5}).json()
    assert as_json == finished["events"][5:-1]


def test_the_run_record_has_the_refined_prompt_plan_steps_scores_and_timings(
    alice: User, finished: dict[str, Any]
) -> None:
    run = alice.client.get(f"/runs/{finished['run_id']}").json()
    assert run["status"] == "completed" and run["error"] is None and run["prompt"] == PROMPT
    assert run["refined_prompt"] and "cube" in run["refined_prompt"].lower()
    assert run["plan"] and len(run["steps"]) == len(run["plan"])
    for step in run["steps"]:
        assert step["status"].startswith("accepted") and step["scores"] and step["duration_s"] is not None
    assert run["totals"]["steps"] == len(run["steps"]) and run["totals"]["duration_s"] > 0
    assert run["artifacts"] == {"blend": "scene.blend", "glb": "scene.glb"}
    assert run["started_at"] <= run["finished_at"] and run["event_count"] == len(finished["events"]) - 1
    listed = alice.client.get("/runs").json()
    assert [r["id"] for r in listed] == [finished["run_id"]]
    session = alice.client.get(f"/sessions/{finished['session_id']}").json()
    assert [r["id"] for r in session["runs"]] == [finished["run_id"]]


def test_artifacts_download_with_their_content_types(alice: User, finished: dict[str, Any]) -> None:
    run_id = finished["run_id"]
    names = {f["name"] for f in alice.client.get(f"/runs/{run_id}/files").json()}
    assert {"scene.blend", "scene.glb", "report.json"} <= names
    screenshots = sorted(n for n in names if n.startswith("screenshots/"))
    assert screenshots and not any(n.startswith(".") for n in names)
    expectations = {
        "scene.glb": ("model/gltf-binary", b"glTF"),
        "scene.blend": ("application/octet-stream", b"\x28\xb5\x2f\xfd"),  # zstd-compressed .blend
        screenshots[0]: ("image/png", b"\x89PNG"),
        "report.json": ("application/json", b"{"),
    }
    for name, (media_type, magic) in expectations.items():
        response = alice.client.get(f"/runs/{run_id}/files/{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"].startswith(media_type)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.content.startswith(magic)
    report = alice.client.get(f"/runs/{run_id}/files/report.json").json()
    assert report["run_id"] == run_id and report["status"] == "completed"
    screenshot_events = [e["file"] for e in finished["events"] if e["type"] == "screenshot"]
    assert set(screenshot_events) <= names
    missing = alice.client.get(f"/runs/{run_id}/files/nothing-here.glb")
    assert missing.status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "%2e%2e/%2e%2e/%2e%2e/users.txt",
        "screenshots/%2e%2e/%2e%2e/%2e%2e/users.txt",
        "%2Fetc%2Fpasswd",
        "..%2F..%2Fsecret.txt",
        "screenshots%5C..%5C..%5Csecret.txt",
        "link-out",
    ],
)
def test_file_names_that_leave_the_run_folder_are_refused(
    server: LiveServer, alice: User, finished: dict[str, Any], name: str
) -> None:
    run_id = finished["run_id"]
    workspace = server.settings.data_dir / "workspaces" / alice.id
    (workspace / "users.txt").write_text("alice's other files")
    (workspace / "runs" / "secret.txt").write_text("not a run artifact")
    link = workspace / "runs" / run_id / "link-out"
    if not link.is_symlink():
        link.symlink_to(Path("/etc/passwd"))
    response = alice.client.get(f"{server.url}/runs/{run_id}/files/{name}")
    assert response.status_code in (400, 404), response.text
    assert response.json()["error"]["code"] in ("invalid_path", "not_found")
    assert b"alice's" not in response.content and b"root:" not in response.content


def test_another_user_gets_404_for_every_route_of_someone_elses_run_and_session(
    alice: User, bob: User, finished: dict[str, Any]
) -> None:
    run_id, session_id = finished["run_id"], finished["session_id"]
    attempts: list[httpx.Response] = [
        bob.client.get(f"/runs/{run_id}"),
        bob.client.get(f"/runs/{run_id}/events"),
        bob.client.get(f"/runs/{run_id}/events.json"),
        bob.client.get(f"/runs/{run_id}/files"),
        bob.client.get(f"/runs/{run_id}/files/scene.glb"),
        bob.client.get(f"/runs/{run_id}/files/report.json"),
        bob.client.post(f"/runs/{run_id}/cancel"),
        bob.client.post(f"/runs/{run_id}/resume"),
        bob.client.delete(f"/runs/{run_id}"),
        bob.client.get(f"/sessions/{session_id}"),
        bob.client.patch(f"/sessions/{session_id}", json={"title": "mine now"}),
        bob.client.delete(f"/sessions/{session_id}"),
        bob.client.post("/runs", json={"prompt": "sneak into alice's session", "session_id": session_id}),
    ]
    for response in attempts:
        assert response.status_code == 404, (response.request.method, response.request.url, response.text)
        assert response.json()["error"]["code"] == "not_found"
    unknown = bob.client.get("/runs/0123456789abcdef0123456789abcdef")
    assert unknown.json() == {"error": {"code": "not_found", "message": unknown.json()["error"]["message"]}}
    assert bob.client.get("/runs").json() == [] and bob.client.get("/sessions").json() == []
    assert alice.client.get(f"/runs/{run_id}").json()["status"] == "completed"
    assert alice.client.get(f"/sessions/{session_id}").json()["title"] == "table scene"


def test_a_run_can_be_cancelled_mid_way_and_resumed_to_completion(alice: User) -> None:
    run_id = alice.client.post(
        "/runs", json={"prompt": "a green cone", "options": {"max_refinements": 0}}
    ).json()["id"]
    with alice.client.stream("GET", f"/runs/{run_id}/events") as response:
        for line in response.iter_lines():
            if line == "event: step_accepted":
                cancelled = alice.client.post(f"/runs/{run_id}/cancel")
                break
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert alice.client.post(f"/runs/{run_id}/cancel").json()["error"]["code"] == "run_not_active"
    events = stream_events(alice, run_id)
    assert events[-1] == {"type": "end", "status": "cancelled"}
    seen = events[-2]["seq"]
    resumed = alice.client.post(f"/runs/{run_id}/resume")
    assert resumed.status_code == 202 and resumed.json()["status"] == "queued"
    assert alice.client.post(f"/runs/{run_id}/resume").json()["error"]["code"] == "run_not_resumable"
    more = stream_events(alice, run_id, after=seen)
    assert more[0]["seq"] == seen + 1 and more[-1] == {"type": "end", "status": "completed"}
    statuses = [e["status"] for e in more if e["type"] == "status"]
    assert statuses == ["queued", "running", "completed"]
    run = alice.client.get(f"/runs/{run_id}").json()
    assert run["report"]["run_id"] == run_id and run["finished_at"] is not None


def test_a_run_with_bad_options_or_an_empty_prompt_is_refused(alice: User) -> None:
    for body in (
        {"prompt": ""},
        {"prompt": "x", "options": {"max_refinements": 99}},
        {"prompt": "x", "options": {"nope": 1}},
    ):
        response = alice.client.post("/runs", json=body)
        assert response.status_code == 422 and response.json()["error"]["code"] == "validation_error"


def test_deleting_a_session_deletes_its_runs_events_and_files(server: LiveServer, alice: User) -> None:
    session = alice.client.post("/sessions", json={"title": "scratch"}).json()
    run_id = alice.client.post(
        "/runs", json={"prompt": "a small sphere", "session_id": session["id"]}
    ).json()["id"]
    alice.client.post(f"/runs/{run_id}/cancel")
    run_dir = server.settings.data_dir / "workspaces" / alice.id / "runs" / run_id
    assert alice.client.delete(f"/sessions/{session['id']}").status_code == 204
    assert alice.client.get(f"/runs/{run_id}").status_code == 404
    assert alice.client.get(f"/runs/{run_id}/events.json").status_code == 404
    assert not run_dir.exists()


def test_each_run_builds_a_new_model_from_an_empty_scene(alice: User, finished: dict[str, Any]) -> None:
    import io

    import trimesh

    second = alice.client.post("/runs", json={"prompt": "a green ball"}).json()
    events = stream_events(alice, second["id"])
    assert events[-1] == {"type": "end", "status": "completed"}

    def node_names(run_id: str) -> set[str]:
        glb = alice.client.get(f"/runs/{run_id}/files/scene.glb").content
        return set(trimesh.load(io.BytesIO(glb), file_type="glb", force="scene").graph.nodes_geometry)

    first_names, second_names = node_names(finished["run_id"]), node_names(second["id"])
    assert any("Ball" in n for n in second_names)
    assert not any("Table" in n for n in second_names), "the previous model leaked into the new run"
    assert "Cube" not in first_names | second_names, "Blender's default cube leaked into a run"


def test_users_see_workspace_relative_paths_only(
    server: LiveServer, alice: User, finished: dict[str, Any]
) -> None:
    run_id = finished["run_id"]
    data_dir = str(server.settings.data_dir.resolve())
    started = next(e for e in finished["events"] if e["type"] == "run_started")
    assert started["out_dir"] == f"runs/{run_id}"
    seen = {
        "live events": json.dumps(finished["events"]),
        "replayed events": json.dumps(stream_events(alice, run_id)),
        "events.json": alice.client.get(f"/runs/{run_id}/events.json").text,
        "run record": alice.client.get(f"/runs/{run_id}").text,
        "report.json": alice.client.get(f"/runs/{run_id}/files/report.json").text,
    }
    for what, text in seen.items():
        assert data_dir not in text and "/workspaces/" not in text, what
