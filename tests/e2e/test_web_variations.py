"""Variations end to end in Chromium: on a finished model, "Make variations" starts new runs
of the same prompt; their pictures appear side by side as they finish (one after another),
each opens as a model of its own, and the gallery names them apart."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from e2e.pages import DESKTOP, RUN_TIMEOUT_MS, SCREENSHOTS, axe_violations, build_model, sign_up

pytestmark = pytest.mark.browser


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == []


def test_variations_appear_side_by_side_and_each_opens_as_its_own_model(live_server: Any, page: Any) -> None:
    sign_up(page, live_server.url)
    original = build_model(page, "three blue cups")
    page.wait_for_selector("#variations-card:not([hidden])")
    assert page.locator("#variations-count option").all_inner_texts() == ["2", "3"]  # the run limit is 3
    page.select_option("#variations-count", "2")
    page.click("#variations-start")
    page.wait_for_selector(".variation[data-variation='0'].current")
    for n in ("1", "2"):
        tile = page.locator(f".variation[data-variation='{n}']")
        tile.locator(".status[data-status=completed]").wait_for(timeout=RUN_TIMEOUT_MS)
        tile.locator("img[src^='blob:']").wait_for()
    assert page.locator(".history-item", has_text="three blue cups (variation 2)").count() == 1
    assert axe_violations(page) == []
    page.evaluate("() => document.querySelectorAll('.toast').forEach((t) => t.remove())")
    page.locator("#variations-card").screenshot(path=SCREENSHOTS / "variations.png")

    variation = page.get_attribute(".variation[data-variation='1']", "data-run")
    page.click(".variation[data-variation='1'] .variation-open")
    page.wait_for_function(
        "(id) => new URLSearchParams(location.hash.slice(1)).get('run') === id", arg=variation
    )
    page.wait_for_selector("#viewer[data-loaded=true][data-kind=model]", timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector(".variation[data-variation='1'].current")
    assert page.get_attribute(".variation[data-variation='0']", "data-run") == original
