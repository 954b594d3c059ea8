"""While a run builds, each accepted step leaves a preview glb (the web viewer's live model);
a run that fails after some steps still offers what it had built as ``partial.glb``; and the
prompt help (``GET /config``) names who builds the models without giving any secret away."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import httpx
import pytest

from service.live import LiveServer, User, iter_sse, make_settings, signup_and_login, stream_events

pytestmark = pytest.mark.timeout(300)


def test_every_accepted_step_is_followed_by_a_preview_of_the_model_so_far(alice: User) -> None:
    run = alice.client.post("/runs", json={"prompt": "a red chair next to a wooden table"}).json()
    events = stream_events(alice, run["id"])
    assert events[-1]["status"] == "completed"
    accepted = [e["step"] for e in events if e["type"] == "step_accepted"]
    previews = [e for e in events if e["type"] == "preview"]
    assert [e["step"] for e in previews] == accepted and len(accepted) >= 3
    assert all(e["file"] == "preview.glb" for e in previews)
    # Each preview comes before its step's acceptance is announced (the viewer reloads then).
    order = [e["type"] for e in events if e["type"] in ("preview", "step_accepted")]
    assert order == ["preview", "step_accepted"] * len(accepted)
    glb = alice.client.get(f"/runs/{run['id']}/files/preview.glb")
    assert glb.status_code == 200 and glb.content[:4] == b"glTF"


def test_a_run_that_fails_after_some_steps_offers_them_as_a_partial_model(tmp_path: Path) -> None:
    with LiveServer(make_settings(tmp_path / "data")) as live:
        user = signup_and_login(live.url, "fay")
        run_id = user.client.post("/runs", json={"prompt": "a red cube on a blue table"}).json()["id"]
        with user.client.stream("GET", f"/runs/{run_id}/events", timeout=httpx.Timeout(180)) as response:
            for _name, event in iter_sse(response):
                if event["type"] == "step_accepted":
                    pid = live.app_services().workers.info(user.id).pid
                    assert pid is not None
                    os.kill(pid, signal.SIGKILL)  # the worker dies after one accepted step
                    break
        events = stream_events(user, run_id)
        assert events[-1] == {"type": "end", "status": "failed"}
        assert "partial_model" in {e["type"] for e in events}
        run = user.client.get(f"/runs/{run_id}").json()
        assert run["status"] == "failed" and run["artifacts"]["glb"] == "partial.glb"
        glb = user.client.get(f"/runs/{run_id}/files/partial.glb")
        assert glb.content[:4] == b"glTF"
        assert 'filename="red-cube-on-a-blue-table-partial.glb"' in glb.headers["content-disposition"]


def test_the_prompt_help_names_the_offline_modeller_and_its_language(server: LiveServer) -> None:
    config = httpx.get(f"{server.url}/config").json()  # open: the log-in page may show it
    assert config["provider"] == "offline" and config["offline"] is True and config["model"] is None
    assert config["language"] == "en" and "understands English" in config["note"]
    assert config["max_prompt_chars"] == 2000 and config["max_variations"] == 3


def test_the_prompt_help_names_a_providers_model_and_never_its_key(tmp_path: Path) -> None:
    key = "sk-ant-api03-not-a-real-key-but-secret-0123456789"
    settings = make_settings(
        tmp_path / "data", provider="anthropic", model="claude-test-1", anthropic_api_key=key
    )
    with LiveServer(settings) as live:
        response = httpx.get(f"{live.url}/config")
    config = response.json()
    assert (config["provider"], config["model"], config["offline"]) == ("anthropic", "claude-test-1", False)
    assert config["provider_name"] == "Anthropic Claude" and config["language"] == "any"
    assert key not in response.text and "secret" not in response.text.lower()
