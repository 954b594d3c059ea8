"""Variations over HTTP with a real worker and the offline modeller: a finished prompt gets
2-4 new runs that really differ and still honour the prompt (the suite's independent
checker passes each), one after another on the user's worker; limits and ownership hold."""

from __future__ import annotations

import hashlib
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from prompt2mesh.evaluation.check import check_scene
from service.live import User, stream_events

pytestmark = pytest.mark.timeout(400)

PROMPT = "three blue cups"
EXPECT = [{"object": "cup", "color": "blue"}, {"count": "cup", "min": 3, "max": 3}, {"grounded": True}]


@pytest.fixture(scope="module")
def family(alice: User) -> dict[str, Any]:
    run = alice.client.post("/runs", json={"prompt": PROMPT}).json()
    assert stream_events(alice, run["id"])[-1]["status"] == "completed"
    started = alice.client.post(f"/runs/{run['id']}/variations", json={"count": 2})
    assert started.status_code == 202, started.text
    made = started.json()
    for variation in made:
        assert stream_events(alice, variation["id"])[-1]["status"] == "completed"
    return {"root": run, "made": made}


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_variations_are_new_runs_of_the_same_prompt_numbered_and_named_apart(
    alice: User, family: dict[str, Any]
) -> None:
    made = family["made"]
    assert [v["variation"] for v in made] == [1, 2]
    assert all(v["prompt"] == PROMPT and v["session_id"] for v in made)
    assert [v["title"] for v in made] == [f"{PROMPT} (variation 1)", f"{PROMPT} (variation 2)"]
    listed = alice.client.get(f"/runs/{made[1]['id']}/variations").json()
    assert [(v["id"], v["variation"]) for v in listed] == [
        (family["root"]["id"], 0),
        (made[0]["id"], 1),
        (made[1]["id"], 2),
    ]
    assert all(v["status"] == "completed" and v["thumbnail"] for v in listed)


def test_variations_run_one_after_another_on_the_users_worker(alice: User, family: dict[str, Any]) -> None:
    first, second = (alice.client.get(f"/runs/{v['id']}").json() for v in family["made"])
    assert _when(second["started_at"]) >= _when(first["finished_at"])


def test_each_variation_differs_and_still_honours_the_prompt(alice: User, family: dict[str, Any]) -> None:
    digests = []
    with tempfile.TemporaryDirectory() as folder:
        for run in [family["root"], *family["made"]]:
            glb = alice.client.get(f"/runs/{run['id']}/files/scene.glb").content
            digests.append(hashlib.sha256(glb).hexdigest())
            path = Path(folder) / f"{run['id']}.glb"
            path.write_bytes(glb)
            failed = [text for ok, text in check_scene(str(path), EXPECT) if not ok]
            assert failed == [], (run["title"], failed)
            report = alice.client.get(f"/runs/{run['id']}").json()["report"]
            assert report["totals"]["final_score"] >= 7, report["not_honoured"]
    assert len(set(digests)) == 3


def test_more_variations_than_the_limits_allow_are_refused_whole(alice: User, family: dict[str, Any]) -> None:
    before = len(alice.client.get("/runs", params={"limit": 500}).json())
    refused = alice.client.post(f"/runs/{family['root']['id']}/variations", json={"count": 4})
    assert refused.status_code == 429 and "ask for fewer" in refused.json()["error"]["message"]
    assert len(alice.client.get("/runs", params={"limit": 500}).json()) == before
    too_many = alice.client.post(f"/runs/{family['root']['id']}/variations", json={"count": 5})
    assert too_many.status_code == 422


def test_another_user_gets_404_on_the_variation_routes(bob: User, family: dict[str, Any]) -> None:
    root = family["root"]["id"]
    assert bob.client.get(f"/runs/{root}/variations").status_code == 404
    assert bob.client.post(f"/runs/{root}/variations", json={"count": 2}).status_code == 404
