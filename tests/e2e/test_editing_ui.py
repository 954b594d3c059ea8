"""Talking to a finished model in a real browser: after a run, the chat box switches to
"Edit this model"; a typed command shows how it was understood, its match score and the new
screenshot, and the 3D viewer reloads the changed model; Undo reverts it."""

from __future__ import annotations

import time
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
RUN_TIMEOUT_MS = 180_000
COMMAND_TIMEOUT_MS = 60_000


def test_a_typed_command_edits_the_finished_model_and_undo_reverts_it(
    live_server: Any, chromium: Any
) -> None:
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(live_server.url + "/")
        page.wait_for_selector("#auth-view:not([hidden])")
        page.click("#tab-signup")
        page.fill("#auth-username", f"edi_{int(time.time() * 1000) % 10**9}")
        page.fill("#auth-password", PASSWORD)
        page.click("#auth-submit")
        page.wait_for_selector("#app-view:not([hidden])")
        assert page.is_disabled(".mode[data-mode=edit]")

        page.fill("#prompt", "a red cube")
        page.keyboard.press("Enter")
        page.wait_for_selector("#viewer[data-loads='1']", timeout=RUN_TIMEOUT_MS)
        page.wait_for_selector(".mode[data-mode=edit].active:not([disabled])")
        assert page.inner_text("#send") == "Apply" and page.is_visible("#undo")

        page.fill("#prompt", "make it taller")
        page.keyboard.press("Enter")
        card = page.locator("[data-testid=command]").first
        card.locator(".status[data-status=applied]").wait_for(timeout=COMMAND_TIMEOUT_MS)
        assert card.locator("[data-testid=task-type]").inner_text() == "modify"
        assert "scale(" in card.locator("[data-testid=taskspec]").inner_text()
        assert card.locator("[data-testid=match-score]").inner_text() == "match 100%"
        card.locator("[data-testid=edit-shot] img[src]").wait_for()
        page.wait_for_selector("#viewer[data-loads='2']", timeout=COMMAND_TIMEOUT_MS)
        page.screenshot(path="/tmp/p2m-ui-screenshots-edit.png")

        page.click("#undo")
        undo = page.locator("[data-testid=command]").nth(1)
        undo.locator(".status[data-status=undone]").wait_for(timeout=COMMAND_TIMEOUT_MS)
        page.wait_for_selector("#viewer[data-loads='3']", timeout=COMMAND_TIMEOUT_MS)
        assert "Undid" in page.locator("[data-testid=reply]").nth(1).inner_text()
        assert errors == []
    finally:
        context.close()
