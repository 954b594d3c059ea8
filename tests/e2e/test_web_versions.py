"""Versions and the live preview, end to end in Chromium: the viewer shows the model while it
is built (a glb after each accepted step) before the finished one; every edit is a version;
any version opens in the viewer, two compare side by side, and going back to one makes it
the current model as a new version, with nothing lost."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from e2e.pages import (
    COMMAND_TIMEOUT_MS,
    DESKTOP,
    RUN_TIMEOUT_MS,
    SCREENSHOTS,
    axe_violations,
    sign_up,
    start_model,
)

pytestmark = pytest.mark.browser

# Every model file the main viewer draws, in order (data-file changes), kept on the window.
RECORD_FILES = """
new MutationObserver(() => {
  const v = document.querySelector('#viewer');
  if (v && v.dataset.file && v.dataset.file !== (window.__files ?? []).at(-1)) (window.__files ??= []).push(v.dataset.file);
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-file']});
"""


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport=DESKTOP)
    context.add_init_script(RECORD_FILES)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == []


def height(page: Any, selector: str) -> float:
    size = page.get_attribute(selector, "data-size")
    assert size, selector
    return float(size.split(",")[1])  # glTF is Y-up


def versions(page: Any) -> list[str]:
    return page.locator("#versions .version").evaluate_all("els => els.map((e) => e.dataset.version)")


def edit(page: Any, text: str, n: int) -> None:
    page.fill("#prompt", text)
    page.keyboard.press("Enter")
    page.locator("[data-testid=command]").nth(n - 1).locator(".status[data-status=applied]").wait_for(
        timeout=COMMAND_TIMEOUT_MS
    )


def test_the_viewer_shows_each_accepted_step_while_the_model_is_built(live_server: Any, page: Any) -> None:
    sign_up(page, live_server.url)
    start_model(page, "a wooden table with a red vase on it")
    page.wait_for_selector("#viewer[data-loads='1']", timeout=RUN_TIMEOUT_MS)
    files = page.evaluate("() => window.__files")
    assert "preview.glb" in files and files[-1] == "scene.glb", files
    assert files.index("preview.glb") < len(files) - 1
    assert int(page.get_attribute("#viewer", "data-previews") or 0) >= 1


def test_every_edit_is_a_version_that_can_be_viewed_compared_and_gone_back_to(
    live_server: Any, page: Any
) -> None:
    sign_up(page, live_server.url)
    start_model(page, "a red cube")
    page.wait_for_selector("#viewer[data-loads='1']", timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector("#versions-card:not([hidden]) .version.current[data-version='1']")
    original = height(page, "#viewer")

    edit(page, "make it taller", 1)
    page.wait_for_selector(".version.current[data-version='2']", timeout=COMMAND_TIMEOUT_MS)
    page.wait_for_selector("#viewer[data-loads='2']")
    taller = height(page, "#viewer")
    assert taller > original * 1.2
    assert "make it taller" in page.inner_text(".version[data-version='2']")

    # Any version in the main viewer, with a way back to the current one.
    page.click(".version[data-version='1'] [data-testid=version-view]")
    page.wait_for_selector("#viewer[data-version='1'][data-loads='3']")
    assert height(page, "#viewer") == pytest.approx(original, rel=1e-3)
    assert "version 1" in page.inner_text("#versions-viewing")
    page.click("#versions-current")
    page.wait_for_selector("#viewer[data-version='current'][data-loads='4']")
    assert height(page, "#viewer") == pytest.approx(taller, rel=1e-3)

    # Two versions side by side, each in its own viewer.
    assert page.is_disabled("#versions-compare")
    page.check(".version[data-version='1'] input[type=checkbox]")
    page.check(".version[data-version='2'] input[type=checkbox]")
    page.click("#versions-compare")
    page.wait_for_selector("#compare-a[data-loaded=true][data-version='1']")
    page.wait_for_selector("#compare-b[data-loaded=true][data-version='2']")
    assert height(page, "#compare-a") == pytest.approx(original, rel=1e-3)
    assert height(page, "#compare-b") == pytest.approx(taller, rel=1e-3)
    assert axe_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "versions-compare.png")
    page.keyboard.press("Escape")

    # Going back is a new version; the others stay.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(".version[data-version='1'] [data-testid=version-restore]")
    page.wait_for_selector(".version.current[data-version='3']", timeout=COMMAND_TIMEOUT_MS)
    assert versions(page) == ["3", "2", "1"]
    assert "Back to version 1" in page.inner_text(".version[data-version='3']")
    page.wait_for_selector("#viewer[data-loads='5']")
    assert height(page, "#viewer") == pytest.approx(original, rel=1e-3)
    # The conversation shows it, and Undo can take it back.
    page.wait_for_selector(".edit-turn:last-child .bubble-user:has-text('Go back to version 1')")
    assert not page.is_disabled("#undo")
    assert axe_violations(page) == []
