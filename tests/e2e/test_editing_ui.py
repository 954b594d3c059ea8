"""Talking to a finished model in a real browser: after a run, the chat box switches to
"Edit this model"; a typed command shows how it was understood, its match score and the new
screenshot, and the 3D viewer reloads the changed model; Undo reverts it. A spoken command
goes microphone -> MediaRecorder -> upload -> Whisper -> "heard" -> command."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
RUN_TIMEOUT_MS = 180_000
COMMAND_TIMEOUT_MS = 60_000
# Chromium's fake microphone plays a file instead of a device (and grants access without asking).
FAKE_MIC_ARGS = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


def _build_a_cube(page: Any, url: str) -> None:
    """Sign up, make "a red cube", and wait until the viewer shows it and editing is on."""
    page.goto(url + "/")
    page.wait_for_selector("#auth-view:not([hidden])")
    page.click("#tab-signup")
    page.fill("#auth-username", f"edi_{time.time_ns() % 10**12}")
    page.fill("#auth-password", PASSWORD)
    page.click("#auth-submit")
    page.wait_for_selector("#app-view:not([hidden])")
    assert page.is_disabled(".mode[data-mode=edit]")
    page.fill("#prompt", "a red cube")
    page.keyboard.press("Enter")
    page.wait_for_selector("#viewer[data-loads='1']", timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector(".mode[data-mode=edit].active:not([disabled])")


def test_a_typed_command_edits_the_finished_model_and_undo_reverts_it(
    live_server: Any, chromium: Any
) -> None:
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        _build_a_cube(page, live_server.url)
        assert page.inner_text("#send") == "Apply" and page.is_visible("#undo")

        page.fill("#prompt", "make it taller")
        page.keyboard.press("Enter")
        card = page.locator("[data-testid=command]").first
        card.locator(".status[data-status=applied]").wait_for(timeout=COMMAND_TIMEOUT_MS)
        assert card.locator("[data-testid=task-type]").inner_text() == "modify"
        assert "scale(" in card.locator("[data-testid=taskspec]").inner_text()
        assert card.locator("[data-testid=match-score]").inner_text() == "match 100%"
        card.locator("[data-testid=edit-shot] img[src]").wait_for()
        assert "null" not in card.inner_text() and "undefined" not in card.inner_text()
        page.wait_for_selector("#viewer[data-loads='2']", timeout=COMMAND_TIMEOUT_MS)

        page.click("#undo")
        undo = page.locator("[data-testid=command]").nth(1)
        undo.locator(".status[data-status=undone]").wait_for(timeout=COMMAND_TIMEOUT_MS)
        page.wait_for_selector("#viewer[data-loads='3']", timeout=COMMAND_TIMEOUT_MS)
        assert "Undid" in page.locator("[data-testid=reply]").nth(1).inner_text()

        # Reopened later, the model shows its conversation again, from the session's history.
        page.reload()
        page.locator("[data-testid=command] .status[data-status=undone]").wait_for(timeout=COMMAND_TIMEOUT_MS)
        reopened = page.locator("[data-testid=command]")
        assert reopened.count() == 2 and "later undone" in reopened.first.inner_text()
        assert reopened.first.locator("[data-testid=match-score]").inner_text() == "match 100%"
        assert errors == []
    finally:
        context.close()


def test_a_different_subject_in_edit_mode_offers_a_new_model_instead_of_editing(
    live_server: Any, chromium: Any
) -> None:
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        _build_a_cube(page, live_server.url)
        outcome = page.locator("[data-testid=outcome]")
        assert outcome.locator("[data-testid=final-score]").inner_text().startswith("10")
        assert "Editing the model on screen" in page.inner_text("#composer-hint")
        page.fill("#prompt", "A red sports car")
        page.keyboard.press("Enter")
        card = page.locator("[data-testid=command]").first
        card.locator(".status[data-status=new_request]").wait_for(timeout=COMMAND_TIMEOUT_MS)
        assert "not a change to the open scene" in page.locator("[data-testid=reply]").first.inner_text()
        assert page.locator("#viewer").get_attribute("data-loads") == "1"  # the cube was not touched
        page.locator("[data-testid=start-new-model]").click()
        # A new model is started from the same words, in "new model" mode.
        page.wait_for_selector(".mode[data-mode=new].active")
        page.wait_for_selector("[data-testid=outcome]", timeout=RUN_TIMEOUT_MS)
        assert "understands English" in page.inner_text("#composer-hint")
        assert errors == []
    finally:
        context.close()


def test_commands_typed_while_one_runs_are_queued_and_all_applied(live_server: Any, chromium: Any) -> None:
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        _build_a_cube(page, live_server.url)
        page.fill("#prompt", "make it taller")
        page.keyboard.press("Enter")
        page.fill("#prompt", "make it red")
        page.keyboard.press("Enter")  # the first is still running: this one waits, visibly
        cards = page.locator("[data-testid=command]")
        assert cards.count() == 2
        assert cards.nth(1).locator(".status").get_attribute("data-status") in ("queued", "running")
        for i in range(2):
            cards.nth(i).locator(".status[data-status=applied]").wait_for(timeout=COMMAND_TIMEOUT_MS)
        assert "make it red" in page.locator(".edit-turn .bubble-user").nth(1).inner_text()
    finally:
        context.close()


def test_undo_is_off_until_there_is_a_change_and_redo_brings_it_back(live_server: Any, chromium: Any) -> None:
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        _build_a_cube(page, live_server.url)
        assert page.is_disabled("#undo") and page.is_disabled("#redo")
        page.fill("#prompt", "make it taller")
        page.keyboard.press("Enter")
        page.locator("[data-testid=command] .status[data-status=applied]").wait_for(
            timeout=COMMAND_TIMEOUT_MS
        )
        page.wait_for_selector("#undo:not([disabled])")
        page.click("#undo")
        undo = page.locator("[data-testid=command]").nth(1)
        undo.locator(".status[data-status=undone]").wait_for(timeout=COMMAND_TIMEOUT_MS)
        # The undo turn shows what happened, not how the word "undo" was parsed.
        assert undo.locator("[data-testid=taskspec]").is_hidden()
        assert "no object named" not in undo.inner_text().lower()
        assert page.locator(".status[data-status=failed]").count() == 0
        page.wait_for_selector("#redo:not([disabled])")
        assert page.is_disabled("#undo")
        page.click("#redo")
        redo = page.locator("[data-testid=command]").nth(2)
        redo.locator(".status[data-status=applied]").wait_for(timeout=COMMAND_TIMEOUT_MS)
        assert "make it taller" in page.locator(".edit-turn .bubble-user").nth(2).inner_text()
        page.wait_for_selector("#undo:not([disabled])")
        assert page.is_disabled("#redo")
    finally:
        context.close()


@pytest.mark.voice
def test_a_spoken_command_is_heard_shown_and_applied(live_server: Any, chromium: Any, tmp_path: Path) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    wav = tmp_path / "command.wav"
    subprocess.run(["espeak-ng", "-s", "140", "-w", str(wav), "make the cube blue"], check=True)
    browser = chromium.browser_type.launch(
        executable_path="/usr/bin/chromium",
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            *FAKE_MIC_ARGS,
            f"--use-file-for-fake-audio-capture={wav}%noloop",
        ],
    )
    try:
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        _build_a_cube(page, live_server.url)
        page.click("#mic")
        # Record until the whole phrase has played (the button reports what it has so far).
        page.wait_for_function(
            "() => Number(document.querySelector('#mic').dataset.recordedMs) >= 2500", timeout=15_000
        )
        page.click("#mic")
        card = page.locator("[data-testid=command]").first
        card.locator(".status:not([data-status=running])").wait_for(timeout=COMMAND_TIMEOUT_MS)
        bubble = page.locator(".edit-turn .bubble-user").first.inner_text().lower()
        assert "heard" in bubble and "cube" in bubble and "blue" in bubble, bubble
        assert "heard:" in page.inner_text("#composer-hint").lower()
        assert card.locator(".status").get_attribute("data-status") == "applied"
        page.wait_for_selector("#viewer[data-loads='2']", timeout=COMMAND_TIMEOUT_MS)
    finally:
        browser.close()
