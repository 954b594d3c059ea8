"""The web app as a new user meets it (issue 13): what one user leaves behind for the next,
a history that stays current, long prompts, notices, counts that agree, links that say "not
found", Back/Forward, and downloads named after the model. Real service, real Blender, real
Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from e2e.pages import (
    DESKTOP,
    RUN_TIMEOUT_MS,
    canvas_opaque_fraction,
    log_in,
    sign_up,
    start_model,
)

pytestmark = pytest.mark.browser

PROMPT = "A red cube"


@dataclass
class Owner:
    username: str
    run_id: str
    ready_toast_box: dict[str, float] | None
    composer_box: dict[str, float] | None
    live_tool_calls: str


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.fixture(scope="module")
def owner(live_server: Any, chromium: Any) -> Iterator[Owner]:
    """A user who built one model, watched live."""
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    username = sign_up(page, live_server.url)
    run_id = start_model(page, PROMPT)
    # The notice's place on screen, taken the moment it shows.
    toast_box = page.wait_for_function(
        """() => {
            const t = [...document.querySelectorAll('.toast')].find(t => t.textContent.includes('ready'));
            if (!t) return null;
            const r = t.getBoundingClientRect();
            return {x: r.x, y: r.y, width: r.width, height: r.height};
        }""",
        timeout=RUN_TIMEOUT_MS,
    ).json_value()
    page.wait_for_selector("#viewer[data-loaded=true][data-kind=model]", timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector(".mode[data-mode=edit]:not([disabled])")
    yield Owner(
        username=username,
        run_id=run_id,
        ready_toast_box=toast_box,
        composer_box=page.locator("#composer").bounding_box(),
        live_tool_calls=page.inner_text('#summary [data-k="tools"]'),
    )
    context.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == []


def _open_owned_model(page: Any, url: str, owner: Owner) -> None:
    log_in(page, url, owner.username)
    page.click(f".history-item[data-run='{owner.run_id}']")
    page.wait_for_selector("#viewer[data-loaded=true][data-kind=model]", timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector("[data-testid=outcome]")


def test_logging_out_leaves_no_password_model_or_draft_for_the_next_person(
    owner: Owner, live_server: Any, page: Any
) -> None:
    _open_owned_model(page, live_server.url, owner)
    assert canvas_opaque_fraction(page) > 0.03
    page.fill("#prompt", "a secret draft of the first user")
    page.click("#logout")
    page.wait_for_selector("#auth-view:not([hidden])")
    assert page.input_value("#auth-password") == ""
    assert page.input_value("#prompt") == ""

    page.click("#tab-signup")
    page.fill("#auth-username", f"next_{owner.username}")
    page.fill("#auth-password", "another good password")
    page.click("#auth-submit")
    page.wait_for_selector("#app-view:not([hidden])")
    assert page.input_value("#prompt") == ""
    assert page.get_attribute("#viewer", "data-loaded") == "false"
    assert canvas_opaque_fraction(page) < 0.005
    assert page.locator(f".history-item[data-run='{owner.run_id}']").count() == 0
    assert page.locator(".edit-turn, [data-testid=outcome]").count() == 0


def test_a_new_model_clears_the_viewer(owner: Owner, live_server: Any, page: Any) -> None:
    _open_owned_model(page, live_server.url, owner)
    assert canvas_opaque_fraction(page) > 0.03
    page.click("#new-run")
    page.wait_for_selector("#viewer[data-loaded=false]")
    page.wait_for_function("() => !document.querySelector('#viewer-overlay').hidden")
    assert canvas_opaque_fraction(page) < 0.005


def test_the_ready_notice_does_not_cover_the_prompt_box(owner: Owner) -> None:
    assert owner.ready_toast_box is not None and owner.composer_box is not None
    assert not _overlap(owner.ready_toast_box, owner.composer_box)


def test_reopening_or_reloading_a_finished_model_does_not_announce_it_again(
    owner: Owner, live_server: Any, page: Any
) -> None:
    _open_owned_model(page, live_server.url, owner)
    page.reload()
    page.wait_for_selector("#viewer[data-loaded=true][data-kind=model]", timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector("[data-testid=outcome]")
    page.wait_for_selector(".mode[data-mode=edit]:not([disabled])")
    assert page.locator(".toast", has_text="ready").count() == 0


def test_a_model_finishing_while_another_is_open_updates_history_title_and_notifies(
    owner: Owner, live_server: Any, page: Any
) -> None:
    log_in(page, live_server.url, owner.username)
    run_id = start_model(page, "A wooden chair with four legs")
    # While it builds: steps done of steps and a time estimate; the tab's title says so.
    page.wait_for_function(
        "() => /\\d+\\/\\d+ steps · about .+ left/.test(document.querySelector('[data-testid=eta]').textContent)",
        timeout=RUN_TIMEOUT_MS,
    )
    assert re.match(r"Step \d+/\d+", page.title())
    page.click(f".history-item[data-run='{owner.run_id}']")
    page.wait_for_selector("[data-testid=outcome]")
    item = page.locator(f".history-item[data-run='{run_id}'] .status")
    page.wait_for_selector(
        f".history-item[data-run='{run_id}'] .status[data-status=completed]", timeout=RUN_TIMEOUT_MS
    )
    assert item.get_attribute("data-status") == "completed"
    notice = page.locator(".toast", has_text="ready")
    notice.wait_for()
    assert "wooden chair" in notice.inner_text().lower()
    assert page.title().startswith("✓")
    assert "ready" in page.title()


def test_a_prompt_over_the_limit_is_kept_counted_and_refused_with_a_reason(
    owner: Owner, live_server: Any, page: Any
) -> None:
    log_in(page, live_server.url, owner.username)
    page.click("#prompt")
    page.keyboard.insert_text("x" * 2500)  # like a paste: nothing is cut
    assert len(page.input_value("#prompt")) == 2500
    assert page.inner_text("#prompt-count") == "2,500 / 2,000"
    assert "over" in (page.get_attribute("#prompt-count", "class") or "")
    page.keyboard.press("Enter")
    error = page.locator("#prompt-error")
    error.wait_for()
    assert "2,500" in error.inner_text() and "2,000" in error.inner_text()
    assert page.locator("#welcome").is_visible()
    assert len(page.input_value("#prompt")) == 2500


def test_tool_calls_are_counted_the_same_live_per_step_and_at_the_end(
    owner: Owner, live_server: Any, page: Any
) -> None:
    _open_owned_model(page, live_server.url, owner)
    badges = page.locator(".timeline .step .badge", has_text="tool call").all_inner_texts()
    per_step = sum(int(re.match(r"(\d+) tool call", b).group(1)) for b in badges)  # type: ignore[union-attr]
    total = int(page.inner_text('#summary [data-k="tools"]'))
    outcome = page.inner_text("[data-testid=outcome-totals]")
    assert per_step == total == int(owner.live_tool_calls)
    assert f"{total} tool call" in outcome


def test_counts_read_as_english(owner: Owner, live_server: Any, page: Any) -> None:
    _open_owned_model(page, live_server.url, owner)
    words = page.evaluate(
        """async () => {
            const { totalsLine } = await import('/static/timeline.js');
            return [totalsLine({steps: 1, refinements: 1, tool_calls: 1}),
                    totalsLine({steps: 3, refinements: 0, tool_calls: 12})];
        }"""
    )
    assert words == ["1 step · 1 refinement · 1 tool call", "3 steps · 0 refinements · 12 tool calls"]
    assert not re.search(r"\b1 (refinements|steps|tool calls)\b", page.inner_text("#run"))


def test_a_link_to_a_missing_or_someone_elses_model_says_not_found(
    owner: Owner, live_server: Any, page: Any
) -> None:
    sign_up(page, live_server.url)
    page.goto(f"{live_server.url}/#run={owner.run_id}")
    page.reload()
    page.wait_for_selector("#not-found:not([hidden])")
    assert "not found" in page.inner_text("#not-found").lower()
    assert page.locator("#welcome").is_hidden()
    page.goto(f"{live_server.url}/#run=0123456789abcdef0123456789abcdef")
    page.reload()
    page.wait_for_selector("#not-found:not([hidden])")


def test_back_and_forward_move_between_models(owner: Owner, live_server: Any, page: Any) -> None:
    _open_owned_model(page, live_server.url, owner)
    page.click("#new-run")
    page.wait_for_selector("#welcome:not([hidden])")
    page.go_back()
    page.wait_for_selector(f".history-item.active[data-run='{owner.run_id}']")
    page.wait_for_selector("[data-testid=outcome]")
    page.go_forward()
    page.wait_for_selector("#welcome:not([hidden])")
    assert page.locator(".history-item.active").count() == 0


def test_downloads_are_named_after_the_model_and_screenshots_can_be_saved(
    owner: Owner, live_server: Any, page: Any
) -> None:
    _open_owned_model(page, live_server.url, owner)
    with page.expect_download() as glb:
        page.click(".download[data-file=glb]")
    assert glb.value.suggested_filename == "red-cube.glb"
    with page.expect_download() as shots:
        page.click(".download[data-file=screenshots]")
    assert shots.value.suggested_filename == "red-cube-screenshots.zip"

    page.locator(".timeline .shot img[src]").first.click()
    page.wait_for_selector("#lightbox[open]")
    assert page.locator("#lightbox-img").bounding_box()["width"] >= 700  # type: ignore[index]
    with page.expect_download() as shot:
        page.click("#lightbox-download")
    assert re.fullmatch(r"red-cube-step_\d+_screenshot_\d+.*\.png", shot.value.suggested_filename)


def test_the_status_bar_scrolls_with_the_run_instead_of_covering_it(
    owner: Owner, live_server: Any, page: Any
) -> None:
    _open_owned_model(page, live_server.url, owner)
    assert page.eval_on_selector(".run-head", "el => getComputedStyle(el).position") != "sticky"
