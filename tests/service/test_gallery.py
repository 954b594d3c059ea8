"""The gallery, share links and exports over HTTP, with a real worker and the offline agent, on
both databases: search and paging, rename, duplicate, links that work without an account until
revoked and never expose internal files, exports through the worker, a render on demand."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.live import LiveServer, User, iter_sse, stream_events

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def model(alice: User) -> dict[str, Any]:
    """Alice's finished model of a red cube."""
    session = alice.client.post("/sessions", json={"title": "cube"}).json()
    run = alice.client.post("/runs", json={"prompt": "A red cube", "session_id": session["id"]}).json()
    assert stream_events(alice, run["id"])[-1] == {"type": "end", "status": "completed"}
    return run


def test_the_gallery_lists_models_with_a_thumbnail_and_finds_them_by_words(
    alice: User, model: dict[str, Any]
) -> None:
    page = alice.client.get("/gallery").json()
    item = next(i for i in page["items"] if i["id"] == model["id"])
    assert item["thumbnail"] == "screenshots/final.png" and item["name"] == "A red cube"
    assert alice.client.get(f"/runs/{model['id']}/files/{item['thumbnail']}").status_code == 200
    assert [i["id"] for i in alice.client.get("/gallery", params={"q": "RED cube"}).json()["items"]] == [
        model["id"]
    ]
    assert alice.client.get("/gallery", params={"q": "red 100%_"}).json()["total"] == 0


def test_a_renamed_model_is_listed_found_and_downloaded_under_its_new_name(
    alice: User, model: dict[str, Any]
) -> None:
    renamed = alice.client.patch(f"/runs/{model['id']}", json={"title": "Crimson block"})
    assert renamed.status_code == 200 and renamed.json()["title"] == "Crimson block"
    found = alice.client.get("/gallery", params={"q": "crimson"}).json()["items"]
    assert [i["name"] for i in found] == ["Crimson block"]
    glb = alice.client.get(f"/runs/{model['id']}/files/scene.glb")
    assert 'filename="crimson-block.glb"' in glb.headers["content-disposition"]
    assert alice.client.patch(f"/runs/{model['id']}", json={"title": ""}).status_code == 422
    alice.client.patch(f"/runs/{model['id']}", json={"title": "A red cube"})


def test_a_duplicate_has_its_own_files_and_events_and_paging_reaches_every_model(
    alice: User, model: dict[str, Any], server: LiveServer
) -> None:
    copy = alice.client.post(f"/runs/{model['id']}/duplicate")
    assert copy.status_code == 201
    copy_id = copy.json()["id"]
    assert copy.json()["session_id"] != model["session_id"]
    assert stream_events(alice, copy_id)[:-1] == [
        {**e, "run_id": copy_id} for e in stream_events(alice, model["id"])[:-1]
    ]
    assert alice.client.get(f"/runs/{copy_id}/files/scene.glb").content == (
        alice.client.get(f"/runs/{model['id']}/files/scene.glb").content
    )
    seen = [
        i["id"]
        for offset in (0, 1)
        for i in alice.client.get("/gallery", params={"limit": 1, "offset": offset}).json()["items"]
    ]
    assert set(seen) >= {copy_id, model["id"]}
    assert alice.client.delete(f"/runs/{copy_id}").status_code == 204
    workspace = server.app_services().workers.workspace_for(alice.id)
    assert not (workspace / "runs" / copy_id).exists()
    assert (workspace / "runs" / model["id"] / "scene.glb").is_file()


def test_a_share_link_works_without_an_account_shows_only_results_and_dies_when_revoked(
    alice: User, bob: User, model: dict[str, Any], server: LiveServer
) -> None:
    link = alice.client.post(f"/runs/{model['id']}/shares").json()
    assert len(link["token"]) >= 40 and link["url"] == f"/s/{link['token']}"
    with httpx.Client(base_url=server.url) as anyone:
        shared = anyone.get(f"/shared/{link['token']}").json()
        assert shared["name"] == "A red cube" and "scene.glb" in shared["files"]
        assert not any(".p2m" in f or f.endswith(".jsonl") for f in shared["files"])
        glb = anyone.get(f"/shared/{link['token']}/files/scene.glb")
        assert glb.status_code == 200 and glb.content[:4] == b"glTF"
        assert anyone.get(f"/shared/{link['token']}/files/session.json").status_code == 404
        assert anyone.get(f"/shared/{link['token']}/files/..%2F..%2Fusers.db").status_code in (400, 404)
        assert anyone.get(f"/s/{link['token']}").headers["content-type"].startswith("text/html")
        assert bob.client.delete(f"/shares/{link['token']}").status_code == 404
        assert [s["token"] for s in alice.client.get(f"/runs/{model['id']}/shares").json()] == [link["token"]]
        assert alice.client.delete(f"/shares/{link['token']}").status_code == 204
        assert anyone.get(f"/shared/{link['token']}").status_code == 404
        assert anyone.get(f"/shared/{link['token']}/files/scene.glb").status_code == 404
        assert anyone.get("/shared/not-a-token").status_code == 404


def test_exports_go_through_the_worker_and_are_named_after_the_model(
    alice: User, model: dict[str, Any]
) -> None:
    stl = alice.client.post(f"/runs/{model['id']}/exports", json={"format": "stl"})
    assert stl.status_code == 200, stl.text
    assert stl.json()["file"] == "exports/red-cube.stl" and stl.json()["bytes"] > 84
    got = alice.client.get(f"/runs/{model['id']}/files/exports/red-cube.stl")
    assert 'filename="red-cube.stl"' in got.headers["content-disposition"]
    gltf = alice.client.post(f"/runs/{model['id']}/exports", json={"format": "gltf"}).json()
    archive = zipfile.ZipFile(
        io.BytesIO(alice.client.get(f"/runs/{model['id']}/files/{gltf['file']}").content)
    )
    assert {Path(n).suffix for n in archive.namelist()} >= {".gltf", ".bin"}
    assert alice.client.post(f"/runs/{model['id']}/exports", json={"format": "dwg"}).status_code == 422


def test_the_screenshots_come_as_one_zip(alice: User, model: dict[str, Any]) -> None:
    response = alice.client.get(f"/runs/{model['id']}/screenshots.zip")
    assert response.status_code == 200
    assert 'filename="red-cube-screenshots.zip"' in response.headers["content-disposition"]
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "final.png" in names and all(n.endswith(".png") for n in names)


def test_a_render_on_demand_reports_progress_and_ends_with_a_picture(
    alice: User, model: dict[str, Any]
) -> None:
    started = alice.client.post(f"/runs/{model['id']}/render", json={"samples": 2, "size": 128})
    assert started.status_code == 202 and started.json()["state"] == "running"
    assert 0 <= started.json()["progress"] < 1
    done = alice.client.get(f"/runs/{model['id']}/render", params={"wait": 120}).json()
    assert done["state"] == "done", done
    png = alice.client.get(f"/runs/{model['id']}/files/{done['file']}")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_cancelled_run_keeps_what_it_had_built_as_a_partial_model(alice: User) -> None:
    run = alice.client.post("/runs", json={"prompt": "A wooden chair with four legs"}).json()
    with alice.client.stream("GET", f"/runs/{run['id']}/events", timeout=httpx.Timeout(180)) as response:
        for _name, event in iter_sse(response):
            if event.get("type") == "step_accepted":
                break  # one step is built: cancel now
    assert alice.client.post(f"/runs/{run['id']}/cancel").status_code == 200
    cancelled = alice.client.get(f"/runs/{run['id']}").json()
    assert cancelled["status"] == "cancelled" and cancelled["artifacts"]["glb"] == "partial.glb"
    glb = alice.client.get(f"/runs/{run['id']}/files/partial.glb")
    assert glb.content[:4] == b"glTF"
    assert 'filename="wooden-chair-with-four-legs-partial.glb"' in glb.headers["content-disposition"]
