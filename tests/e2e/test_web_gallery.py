"""The gallery, share links and exports, end to end in Chromium: thumbnails, search, rename,
duplicate, delete with files, paging; a read-only link that works without an account until it
is revoked; other formats and the screenshots zip, named after the model."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from e2e.pages import DESKTOP, PASSWORD, SCREENSHOTS, build_model, canvas_opaque_fraction, log_in, sign_up

pytestmark = pytest.mark.browser


@dataclass
class Maker:
    username: str
    run_id: str
    token: str


@pytest.fixture(scope="module")
def maker(live_server: Any, chromium: Any) -> Iterator[Maker]:
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    username = sign_up(page, live_server.url)
    run_id = build_model(page, "A small wooden table")
    token = page.evaluate("() => sessionStorage.getItem('p2m.token')")
    context.close()
    yield Maker(username, run_id, token)


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == []


def _api(live_server: Any, maker: Maker) -> httpx.Client:
    return httpx.Client(
        base_url=live_server.url, headers={"Authorization": f"Bearer {maker.token}"}, timeout=60
    )


def test_the_gallery_shows_a_thumbnail_and_finds_models_by_name(
    maker: Maker, live_server: Any, page: Any
) -> None:
    log_in(page, live_server.url, maker.username)
    item = page.locator(f".history-item[data-run='{maker.run_id}']")
    item.locator("img.history-thumb[src^='blob:']").wait_for()
    assert item.locator("img.history-thumb").evaluate("img => img.naturalWidth") > 0
    page.fill("#history-search", "table")
    page.wait_for_function("() => document.querySelectorAll('.history-item').length === 1")
    page.fill("#history-search", "spaceship")
    page.wait_for_selector("#history-empty:not([hidden])")
    assert "spaceship" in page.inner_text("#history-empty")
    page.fill("#history-search", "")
    item.wait_for()
    page.evaluate("() => document.querySelectorAll('.toast').forEach((t) => t.remove())")
    page.screenshot(path=SCREENSHOTS / "gallery.png")


def test_a_model_renamed_in_the_gallery_keeps_the_name_and_its_downloads_follow(
    maker: Maker, live_server: Any, page: Any
) -> None:
    log_in(page, live_server.url, maker.username)
    page.hover(f".history-row[data-row='{maker.run_id}']")
    page.click(f".history-row[data-row='{maker.run_id}'] [data-action=rename]")
    page.fill(".history-rename", "Garden table")
    page.keyboard.press("Enter")
    page.wait_for_selector(
        f".history-item[data-run='{maker.run_id}'] .history-prompt:text-is('Garden table')"
    )
    page.reload()
    name = page.locator(f".history-item[data-run='{maker.run_id}'] .history-prompt")
    name.wait_for()
    assert name.inner_text() == "Garden table"
    page.click(f".history-item[data-run='{maker.run_id}']")
    page.wait_for_selector(".download[data-file=glb]:not([disabled])", timeout=60_000)
    with page.expect_download() as glb:
        page.click(".download[data-file=glb]")
    assert glb.value.suggested_filename == "garden-table.glb"


def test_a_duplicate_is_a_model_of_its_own_and_delete_removes_it_with_its_files(
    maker: Maker, live_server: Any, page: Any
) -> None:
    log_in(page, live_server.url, maker.username)
    page.wait_for_selector(f".history-item[data-run='{maker.run_id}']")  # the list is in
    before = page.locator(".history-item").count()
    page.hover(f".history-row[data-row='{maker.run_id}']")
    page.click(f".history-row[data-row='{maker.run_id}'] [data-action=duplicate]")
    page.wait_for_function(f"() => document.querySelectorAll('.history-item').length === {before + 1}")
    page.wait_for_function("() => new URLSearchParams(location.hash.slice(1)).get('run')")  # opened
    copy_id = page.evaluate("() => new URLSearchParams(location.hash.slice(1)).get('run')")
    assert copy_id and copy_id != maker.run_id
    page.wait_for_selector("#viewer[data-loaded=true][data-kind=model]", timeout=60_000)
    assert page.inner_text(f".history-item[data-run='{copy_id}'] .history-prompt").startswith("Copy of")

    files = live_server.settings.data_dir
    copies = [p for p in Path(files).rglob(copy_id) if p.is_dir()]
    assert copies and (copies[0] / "scene.glb").is_file()
    page.hover(f".history-row[data-row='{copy_id}']")
    delete = page.locator(f".history-row[data-row='{copy_id}'] [data-action=delete]")
    delete.click()
    page.wait_for_selector(f".history-row[data-row='{copy_id}'] [data-action=delete].confirm")
    delete.click()  # "Delete?" -> confirmed
    page.wait_for_function(f"() => document.querySelectorAll('.history-item').length === {before}")
    assert not copies[0].exists()
    page.wait_for_selector("#welcome:not([hidden])")  # the deleted model left the screen


def test_the_gallery_pages_beyond_one_screen(maker: Maker, live_server: Any, page: Any) -> None:
    with _api(live_server, maker) as api:
        made = [api.post(f"/runs/{maker.run_id}/duplicate") for _ in range(25)]
        assert all(r.status_code == 201 for r in made)
        total = api.get("/gallery", params={"limit": 1}).json()["total"]
        assert total >= 26
    log_in(page, live_server.url, maker.username)
    page.wait_for_function("() => document.querySelectorAll('.history-item').length === 24")
    page.click("#history-more")
    page.wait_for_function(f"() => document.querySelectorAll('.history-item').length === {min(total, 48)}")
    with _api(live_server, maker) as api:
        for response in made:
            assert api.delete(f"/runs/{response.json()['id']}").status_code == 204


def test_a_share_link_shows_the_model_without_an_account_until_it_is_revoked(
    maker: Maker, live_server: Any, page: Any, chromium: Any
) -> None:
    log_in(page, live_server.url, maker.username)
    page.click(f".history-item[data-run='{maker.run_id}']")
    page.wait_for_selector("#share:not([disabled])", timeout=60_000)
    page.click("#share")
    link = page.locator("#shares input").first
    link.wait_for()
    url = link.input_value()
    assert re.fullmatch(re.escape(live_server.url) + r"/s/[A-Za-z0-9_-]{40,}", url)

    stranger = chromium.new_context(viewport=DESKTOP, accept_downloads=True)
    try:
        viewer = stranger.new_page()
        viewer.goto(url)
        viewer.wait_for_selector("#viewer[data-loaded=true]", timeout=60_000)  # no previews here
        assert canvas_opaque_fraction(viewer) > 0.02
        assert "table" in viewer.inner_text("#share-name").lower()
        viewer.screenshot(path=SCREENSHOTS / "share.png")
        with viewer.expect_download() as glb:
            viewer.click("#share-files a[data-file='scene.glb']")
        assert glb.value.suggested_filename.endswith(".glb")
        assert viewer.locator("#share-files a[data-file*='.p2m']").count() == 0

        page.click("#shares [data-action=revoke]")
        page.wait_for_function("() => document.querySelectorAll('#shares li').length === 0")
        viewer.reload()
        viewer.wait_for_selector("#share-missing:not([hidden])")
        assert httpx.get(url.replace("/s/", "/shared/") + "/files/scene.glb").status_code == 404
    finally:
        stranger.close()


@pytest.mark.parametrize(("fmt", "suffix"), [("stl", ".stl"), ("obj", "-obj.zip")])
def test_other_formats_export_through_the_worker_named_after_the_model(
    maker: Maker, live_server: Any, page: Any, fmt: str, suffix: str
) -> None:
    log_in(page, live_server.url, maker.username)
    page.click(f".history-item[data-run='{maker.run_id}']")
    page.wait_for_selector("#export:not([disabled])", timeout=60_000)
    page.select_option("#export-format", fmt)
    with page.expect_download(timeout=60_000) as info:
        page.click("#export")
    name = info.value.suggested_filename
    data = Path(info.value.path()).read_bytes()
    assert name.endswith(suffix) and not name.startswith("scene")
    if fmt == "stl":
        assert len(data) > 84  # a binary STL: header, count, triangles
    else:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert any(n.endswith(".obj") for n in names) and any(n.endswith(".mtl") for n in names)


def test_another_user_cannot_reach_the_gallery_actions_of_a_model(maker: Maker, live_server: Any) -> None:
    with httpx.Client(base_url=live_server.url, timeout=30) as other:
        other.post("/auth/signup", json={"username": "gallery_other", "password": PASSWORD})
        token = other.post("/auth/login", json={"username": "gallery_other", "password": PASSWORD}).json()
        other.headers["Authorization"] = f"Bearer {token['access_token']}"
        assert other.patch(f"/runs/{maker.run_id}", json={"title": "mine"}).status_code == 404
        assert other.post(f"/runs/{maker.run_id}/duplicate").status_code == 404
        assert other.post(f"/runs/{maker.run_id}/shares").status_code == 404
        assert other.post(f"/runs/{maker.run_id}/exports", json={"format": "stl"}).status_code == 404
        assert maker.run_id not in {i["id"] for i in other.get("/gallery").json()["items"]}
