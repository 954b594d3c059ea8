"""The web UI in a real browser against the real service: sign up, start a run, watch steps
and scored screenshots arrive live, see the 3D viewer render the model, download the .glb,
find the run again in the history. The screenshots it takes are the README's
(docs/screenshots/*.png)."""

from __future__ import annotations

import base64
import io
import os
import struct
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageStat

pytestmark = pytest.mark.browser

# `make screenshots` refreshes the README's pictures; a plain test run keeps the tree clean.
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("P2M_UPDATE_DOCS_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "p2m-ui-screenshots"
)
PROMPT = "A decorated Christmas tree"
PASSWORD = "correct horse battery"
RUN_TIMEOUT_MS = 180_000
STEP_TIMEOUT_MS = 90_000
VIEWPORT = {"width": 1440, "height": 900}


@dataclass
class Journey:
    """What the browser saw while one user signed up and made one model."""

    username: str
    run_id: str
    status_when_first_score_showed: str
    steps_listed_when_first_score_showed: int
    finished_status: str
    canvas_png: bytes
    canvas_opaque_fraction: float
    viewer_png: bytes
    download_name: str
    download_bytes: bytes
    user_name_shown: str
    outside_requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def _canvas_pixels(page: Any) -> bytes:
    """The WebGL canvas as PNG, straight from its drawing buffer (preserveDrawingBuffer)."""
    data_url = page.eval_on_selector("#viewer canvas", "c => c.toDataURL('image/png')")
    return base64.b64decode(data_url.split(",", 1)[1])


def _opaque_fraction(png: bytes) -> float:
    """Share of canvas pixels the renderer drew fully opaque: the model, not the thin grid."""
    alpha = Image.open(io.BytesIO(png)).convert("RGBA").getchannel("A")
    histogram = alpha.histogram()
    return histogram[255] / max(1, sum(histogram))


@pytest.fixture(scope="module")
def journey(live_server: Any, chromium: Any) -> Iterator[Journey]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    outside: list[str] = []
    errors: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((live_server.url, "blob:", "data:")) else outside.append(r.url),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(live_server.url + "/")
    page.wait_for_selector("#auth-view:not([hidden])")
    page.click("#tab-signup")
    username = f"ada_{int(time.time() * 1000) % 10**9}"
    page.fill("#auth-username", username)
    page.fill("#auth-password", PASSWORD)
    page.screenshot(path=SCREENSHOTS / "sign-up.png")
    page.click("#auth-submit")
    page.wait_for_selector("#app-view:not([hidden])")
    user_name_shown = page.inner_text("#user-name")

    page.fill("#prompt", PROMPT)
    page.keyboard.press("Enter")
    page.wait_for_selector(".run-head .status")
    run_id = page.evaluate("() => new URLSearchParams(location.hash.slice(1)).get('run')")

    # Live: the first critic score shows on a screenshot thumbnail; the run is not over yet.
    page.wait_for_selector(".shot img[src] ~ .score:not([hidden])", timeout=STEP_TIMEOUT_MS)
    status_then = page.get_attribute(".run-head .status", "data-status") or ""
    steps_then = page.locator(".timeline .step").count()
    # For the README: a little later, when several steps show their screenshots.
    page.locator(".step[data-step='3'] .shot img[src]").first.wait_for(timeout=STEP_TIMEOUT_MS)
    page.screenshot(path=SCREENSHOTS / "run-live.png")

    # The finished model (previews of the steps load before it, counted apart: data-previews).
    page.wait_for_selector("#viewer[data-loads='1']", timeout=RUN_TIMEOUT_MS)
    finished = page.get_attribute(".run-head .status", "data-status") or ""
    page.wait_for_selector("[data-testid=outcome]")
    canvas_png = _canvas_pixels(page)
    viewer_png = page.locator("#viewer").screenshot(path=SCREENSHOTS / "viewer.png")
    page.locator(".conversation").evaluate("el => el.scrollTo(0, 0)")
    page.evaluate("() => document.querySelectorAll('.toast').forEach((t) => t.remove())")
    page.screenshot(path=SCREENSHOTS / "run-finished.png")

    with page.expect_download() as info:
        page.click(".download[data-file=glb]")
    download = info.value
    data = Path(download.path()).read_bytes()

    yield Journey(
        username=username,
        run_id=run_id,
        status_when_first_score_showed=status_then,
        steps_listed_when_first_score_showed=steps_then,
        finished_status=finished,
        canvas_png=canvas_png,
        canvas_opaque_fraction=_opaque_fraction(canvas_png),
        viewer_png=viewer_png,
        download_name=download.suggested_filename,
        download_bytes=data,
        user_name_shown=user_name_shown,
        outside_requests=outside,
        page_errors=errors,
    )
    context.close()


def test_signing_up_opens_the_app_with_the_username_shown(journey: Journey) -> None:
    assert journey.user_name_shown == journey.username


def test_scored_screenshots_appear_while_the_run_is_still_running(journey: Journey) -> None:
    assert journey.status_when_first_score_showed == "running"
    assert journey.steps_listed_when_first_score_showed >= 2  # the plan is on screen already
    assert journey.finished_status == "completed"


def test_the_viewer_renders_the_finished_model_with_webgl(journey: Journey) -> None:
    # The model fills a good part of the canvas (the grid alone is thin, translucent lines)...
    assert journey.canvas_opaque_fraction > 0.03, journey.canvas_opaque_fraction
    # ...and the viewer's screenshot is a picture, not a flat colour.
    image = Image.open(io.BytesIO(journey.viewer_png)).convert("RGB")
    assert max(ImageStat.Stat(image).stddev) > 12
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 500


def test_the_glb_download_is_a_complete_gltf_binary(journey: Journey) -> None:
    data = journey.download_bytes
    assert journey.download_name == "decorated-christmas-tree.glb"  # named after the model
    magic, version, length = struct.unpack("<4sII", data[:12])
    assert (magic, version, length) == (b"glTF", 2, len(data))


def test_the_page_loads_nothing_from_outside_the_app_and_raises_no_script_errors(journey: Journey) -> None:
    assert journey.outside_requests == []
    assert journey.page_errors == []


def test_the_history_reopens_the_run_after_a_reload(
    journey: Journey, live_server: Any, chromium: Any
) -> None:
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        page.fill("#auth-username", journey.username)
        page.fill("#auth-password", PASSWORD)
        page.click("#auth-submit")
        item = page.locator(f".history-item[data-run='{journey.run_id}']")
        item.wait_for()
        assert item.locator(".status").get_attribute("data-status") == "completed"
        item.click()
        # The timeline is rebuilt from the stored events, screenshots and scores included.
        page.wait_for_selector("[data-testid=outcome]", timeout=STEP_TIMEOUT_MS)
        assert page.locator(".shot .score:not([hidden])").count() >= 1
        page.reload()  # the token is kept for the tab's life (sessionStorage)
        page.wait_for_selector(f".history-item.active[data-run='{journey.run_id}']")
    finally:
        context.close()


def test_a_wrong_password_is_reported_on_the_login_form(
    journey: Journey, live_server: Any, chromium: Any
) -> None:
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        page.fill("#auth-username", journey.username)
        page.fill("#auth-password", "not the password")
        page.click("#auth-submit")
        error = page.locator("#auth-error")
        error.wait_for()
        assert "password" in error.inner_text().lower()
        assert page.locator("#app-view").is_hidden()
    finally:
        context.close()


def _logged_in_page(chromium: Any, live_server: Any, username: str) -> tuple[Any, Any]:
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.fill("#auth-username", username)
    page.fill("#auth-password", PASSWORD)
    page.click("#auth-submit")
    page.wait_for_selector("#app-view:not([hidden])")
    return context, page


def test_a_prompt_over_the_limit_is_refused_before_it_is_sent(
    journey: Journey, live_server: Any, chromium: Any
) -> None:
    context, page = _logged_in_page(chromium, live_server, journey.username)
    try:
        # Longer than the 2,000 characters the API accepts: refused here, with the numbers.
        page.eval_on_selector("#prompt", "el => { el.value = 'x'.repeat(2001); }")
        page.click("#send")
        error = page.locator("#prompt-error")
        error.wait_for()
        assert "2,001" in error.inner_text() and "2,000" in error.inner_text()
        assert page.locator("#welcome").is_visible()  # no run was opened
    finally:
        context.close()


def test_cancelling_a_run_marks_it_cancelled_and_offers_to_resume(
    journey: Journey, live_server: Any, chromium: Any
) -> None:
    context, page = _logged_in_page(chromium, live_server, journey.username)
    try:
        page.fill("#prompt", "A wooden chair")
        page.keyboard.press("Enter")
        cancel = page.locator(".run-head .btn-danger-link")
        cancel.wait_for()
        cancel.click()
        page.wait_for_selector(".run-head .status[data-status=cancelled]", timeout=STEP_TIMEOUT_MS)
        page.locator(".run-head button", has_text="Resume").wait_for()
        assert cancel.is_hidden()
    finally:
        context.close()
