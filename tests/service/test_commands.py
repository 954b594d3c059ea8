"""Follow-up commands over HTTP with a real worker and the offline translator: a command
changes the session's scene in place and streams its events live, undo restores it, the
history records both, another user gets 404 everywhere, and push-to-talk transcribes."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
import trimesh

from service.live import User, iter_sse, stream_events

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def scene(alice: User) -> dict[str, str]:
    """Alice's session with one completed run: a single cube to talk about."""
    session = alice.client.post("/sessions", json={"title": "cube"}).json()
    run = alice.client.post(
        "/runs", json={"prompt": "a red cube", "session_id": session["id"], "options": {"refine": False}}
    ).json()
    assert stream_events(alice, run["id"])[-1] == {"type": "end", "status": "completed"}
    return {"session_id": session["id"], "run_id": run["id"]}


def command(user: User, session_id: str, text: str | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Send a command (None: undo) and follow its events to the end."""
    path = f"/sessions/{session_id}/commands" + ("/undo" if text is None else "")
    started = user.client.post(path, json={"text": text} if text is not None else None)
    assert started.status_code == 202, started.text
    accepted = started.json()
    events: list[dict[str, Any]] = []
    url = f"/sessions/{session_id}/commands/{accepted['id']}/events"
    with user.client.stream("GET", url, timeout=httpx.Timeout(120)) as response:
        assert response.status_code == 200 and response.headers["content-type"].startswith(
            "text/event-stream"
        )
        for name, data in iter_sse(response):
            events.append({"type": "end", **data} if name == "end" else data)
            if name == "end":
                break
    return accepted, events


def scene_height(user: User, run_id: str) -> float:
    glb = user.client.get(f"/runs/{run_id}/files/scene.glb")
    assert glb.status_code == 200
    loaded = trimesh.load(io.BytesIO(glb.content), file_type="glb")
    return float(loaded.extents[1])  # glTF is Y-up


@pytest.fixture(scope="module")
def taller(alice: User, scene: dict[str, str]) -> dict[str, Any]:
    before = scene_height(alice, scene["run_id"])
    accepted, events = command(alice, scene["session_id"], "make it taller")
    return {
        "before": before,
        "after": scene_height(alice, scene["run_id"]),
        "accepted": accepted,
        "events": events,
    }


def test_a_command_streams_its_interpretation_tool_calls_evaluation_and_screenshot_live(
    scene: dict[str, str], taller: dict[str, Any]
) -> None:
    accepted, events = taller["accepted"], taller["events"]
    assert accepted["run_id"] == scene["run_id"] and accepted["status"] == "running"
    types = [e["type"] for e in events]
    assert types[0] == "command_started" and types[-2:] == ["command_finished", "end"]
    assert {"taskspec", "tool_call", "evaluation", "screenshot"} <= set(types)
    body = events[:-1]
    assert all(e["command_id"] == accepted["id"] and e["run_id"] == scene["run_id"] for e in body)
    seqs = [e["seq"] for e in body]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    spec = next(e["taskspec"] for e in events if e["type"] == "taskspec")
    assert spec["task_type"] == "modify" and spec["operations"][0]["action"] == "scale"
    assert events[-1] == {"type": "end", "status": "applied"}


def test_a_command_really_changes_the_runs_scene_in_place(
    alice: User, scene: dict[str, str], taller: dict[str, Any]
) -> None:
    assert taller["after"] > taller["before"] * 1.2, taller
    names = {f["name"] for f in alice.client.get(f"/runs/{scene['run_id']}/files").json()}
    assert "screenshots/edit_1.png" in names and "session.json" in names


def test_a_late_subscriber_replays_the_commands_events(
    alice: User, scene: dict[str, str], taller: dict[str, Any]
) -> None:
    url = f"/sessions/{scene['session_id']}/commands/{taller['accepted']['id']}/events"
    with alice.client.stream("GET", url) as response:
        replay = [{"type": "end", **d} if n == "end" else d for n, d in iter_sse(response)]
    assert replay == taller["events"]
    last = taller["events"][-2]["seq"]
    with alice.client.stream("GET", url, headers={"Last-Event-ID": str(last)}) as response:
        tail = [{"type": "end", **d} if n == "end" else d for n, d in iter_sse(response)]
    assert tail == [{"type": "end", "status": "applied"}]


def test_undo_restores_the_scene_and_the_history_records_both(
    alice: User, scene: dict[str, str], taller: dict[str, Any]
) -> None:
    _, events = command(alice, scene["session_id"], None)
    assert events[-1] == {"type": "end", "status": "undone"}
    assert scene_height(alice, scene["run_id"]) == pytest.approx(taller["before"], rel=1e-3)
    history = alice.client.get(f"/sessions/{scene['session_id']}/commands").json()
    assert [h["command"] for h in history] == ["make it taller", "undo"]
    first = history[0]
    assert first["id"] == taller["accepted"]["id"] and first["status"] == "applied" and first["undone"]
    assert first["evaluation"]["match_score"] == 1.0 and first["screenshot"] == "screenshots/edit_1.png"
    assert first["taskspec"]["operations"][0]["action"] == "scale"
    assert history[1]["status"] == "undone"


def test_commands_with_empty_or_overlong_text_are_refused(alice: User, scene: dict[str, str]) -> None:
    for text in ("", "   ", "x" * 501):
        response = alice.client.post(f"/sessions/{scene['session_id']}/commands", json={"text": text})
        assert response.status_code == 422 and response.json()["error"]["code"] == "validation_error"


def test_a_session_without_a_finished_model_has_nothing_to_edit(alice: User) -> None:
    empty = alice.client.post("/sessions", json={"title": "empty"}).json()
    response = alice.client.post(f"/sessions/{empty['id']}/commands", json={"text": "make it red"})
    assert response.status_code == 409 and response.json()["error"]["code"] == "no_scene"
    assert "start a run" in response.json()["error"]["message"]
    assert alice.client.get(f"/sessions/{empty['id']}/commands").json() == []


def test_another_user_gets_404_on_every_command_route(
    alice: User, bob: User, scene: dict[str, str], taller: dict[str, Any]
) -> None:
    sid, cid = scene["session_id"], taller["accepted"]["id"]
    attempts = [
        bob.client.post(f"/sessions/{sid}/commands", json={"text": "make it blue"}),
        bob.client.get(f"/sessions/{sid}/commands"),
        bob.client.get(f"/sessions/{sid}/commands/{cid}/events"),
        bob.client.post(f"/sessions/{sid}/commands/undo"),
        bob.client.post(f"/sessions/{sid}/voice", files={"audio": ("a.wav", b"RIFF", "audio/wav")}),
        alice.client.get(f"/sessions/{sid}/commands/0123456789abcdef/events"),
    ]
    for response in attempts:
        assert response.status_code == 404, (response.request.method, response.request.url, response.text)
        assert response.json()["error"]["code"] == "not_found"


def test_a_bad_or_empty_recording_is_refused_with_a_clear_message(alice: User, scene: dict[str, str]) -> None:
    url = f"/sessions/{scene['session_id']}/voice"
    garbage = alice.client.post(url, files={"audio": ("a.webm", b"not audio at all" * 64, "audio/webm")})
    assert garbage.status_code == 400 and garbage.json()["error"]["code"] == "bad_audio"
    assert "decode" in garbage.json()["error"]["message"]
    empty = alice.client.post(url, files={"audio": ("a.webm", b"", "audio/webm")})
    assert empty.status_code == 400 and "empty" in empty.json()["error"]["message"]


def test_a_command_is_refused_while_a_run_of_the_user_is_active(alice: User, scene: dict[str, str]) -> None:
    other = alice.client.post("/sessions", json={"title": "building"}).json()
    run = alice.client.post("/runs", json={"prompt": "a green cone", "session_id": other["id"]}).json()
    try:
        for session_id in (scene["session_id"], other["id"]):
            busy = alice.client.post(f"/sessions/{session_id}/commands", json={"text": "make it red"})
            assert busy.status_code == 409 and busy.json()["error"]["code"] == "scene_busy", busy.text
            assert "wait" in busy.json()["error"]["message"]
    finally:
        alice.client.post(f"/runs/{run['id']}/cancel")


@pytest.mark.voice
def test_a_spoken_command_is_transcribed(alice: User, scene: dict[str, str], tmp_path: Path) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    wav = tmp_path / "command.wav"
    subprocess.run(["espeak-ng", "-s", "140", "-w", str(wav), "make the cube red"], check=True)
    url = f"/sessions/{scene['session_id']}/voice"
    heard = alice.client.post(url, files={"audio": ("command.wav", wav.read_bytes(), "audio/wav")})
    assert heard.status_code == 200, heard.text
    text = heard.json()["text"].lower()
    assert "cube" in text and "red" in text and heard.json()["duration_s"] > 0.5


def test_a_different_subject_is_answered_as_a_new_request_and_changes_nothing(
    alice: User, scene: dict[str, str], taller: dict[str, Any]
) -> None:
    before = scene_height(alice, scene["run_id"])
    _, events = command(alice, scene["session_id"], "A red sports car")
    assert events[-1] == {"type": "end", "status": "new_request"}
    finished = next(e for e in events if e.get("type") == "command_finished")["outcome"]
    assert finished["status"] == "new_request" and "new model" in finished["message"]
    assert not finished["tool_calls"]
    assert scene_height(alice, scene["run_id"]) == pytest.approx(before)


def test_the_run_detail_carries_the_final_score_and_what_was_not_honoured(
    alice: User, scene: dict[str, str]
) -> None:
    run = alice.client.get(f"/runs/{scene['run_id']}").json()
    assert 1 <= run["totals"]["final_score"] <= 10
    assert isinstance(run["report"]["not_honoured"], list)
