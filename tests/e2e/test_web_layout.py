"""The app on a phone (390 x 844) and for people who use a keyboard or a screen reader: the
viewer near the top, history in a drawer, nothing cut or wider than the screen, a labelled
prompt box, a viewer that moves with the keys, a title that says what is going on, and no
serious axe-core (WCAG 2.1 A/AA) violation. Also takes the README's phone pictures."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from e2e.pages import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    axe_violations,
    build_model,
    canvas_opaque_fraction,
    log_in,
    sign_up,
)

pytestmark = pytest.mark.browser


@dataclass
class PhoneVisit:
    username: str
    run_id: str
    viewer_top: float
    page_width: int
    cut_labels: list[str]
    sidebar_visible_before: bool
    history_item_in_view: bool
    axe: list[dict[str, Any]]


@pytest.fixture(scope="module")
def phone(live_server: Any, chromium: Any) -> Iterator[PhoneVisit]:
    """A new user builds a model on a phone-sized screen."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    username = sign_up(page, live_server.url)
    page.screenshot(path=SCREENSHOTS / "phone-new.png")
    run_id = build_model(page, "A red mushroom with white spots")
    page.wait_for_selector("[data-testid=outcome]")
    page.evaluate("() => document.querySelectorAll('.toast').forEach((t) => t.remove())")
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=SCREENSHOTS / "phone-model.png")
    viewer_top = page.locator("#viewer").bounding_box()["y"]  # type: ignore[index]
    width = page.evaluate("() => document.documentElement.scrollWidth")
    cut = page.evaluate(
        """() => [...document.querySelectorAll('#summary dt, .history-meta, .topbar button')]
            .filter(el => el.offsetParent && el.scrollWidth > el.clientWidth + 1)
            .map(el => el.textContent)"""
    )
    sidebar_before = page.locator("#sidebar").is_visible()
    page.click("#menu-history")
    item = page.locator(f".history-item[data-run='{run_id}']")
    item.wait_for()
    in_view = page.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }",
        item.element_handle(),
    )
    page.screenshot(path=SCREENSHOTS / "phone-history.png")
    violations = axe_violations(page)
    item.click()  # opens the model and closes the drawer
    page.wait_for_selector("#sidebar", state="hidden")
    yield PhoneVisit(username, run_id, viewer_top, width, cut, sidebar_before, in_view, violations)
    context.close()


def test_on_a_phone_the_viewer_is_right_under_the_top_bar(phone: PhoneVisit) -> None:
    assert phone.viewer_top < 100, phone.viewer_top


def test_on_a_phone_nothing_is_wider_than_the_screen_or_cut(phone: PhoneVisit) -> None:
    assert phone.page_width <= PHONE["width"]
    assert phone.cut_labels == []


def test_on_a_phone_the_history_is_a_drawer_opened_from_the_top_bar(phone: PhoneVisit) -> None:
    assert not phone.sidebar_visible_before
    assert phone.history_item_in_view


def test_the_phone_layout_has_no_serious_accessibility_violation(phone: PhoneVisit) -> None:
    assert phone.axe == []


@pytest.fixture
def desktop(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport=DESKTOP)
    yield context.new_page()
    context.close()


def test_the_login_page_has_no_serious_accessibility_violation_and_says_so_in_its_title(
    live_server: Any, desktop: Any
) -> None:
    desktop.goto(live_server.url + "/")
    desktop.wait_for_selector("#auth-view:not([hidden])")
    assert desktop.title().startswith("Log in")
    assert axe_violations(desktop) == []


def test_a_finished_model_has_no_serious_accessibility_violation(
    phone: PhoneVisit, live_server: Any, desktop: Any
) -> None:
    log_in(desktop, live_server.url, phone.username)
    desktop.click(f".history-item[data-run='{phone.run_id}']")
    desktop.wait_for_selector("#viewer[data-loaded=true][data-kind=model]")
    desktop.wait_for_selector("[data-testid=outcome]")
    assert "mushroom" in desktop.title().lower()
    assert axe_violations(desktop) == []


def test_the_prompt_box_is_labelled(live_server: Any, desktop: Any, phone: PhoneVisit) -> None:
    log_in(desktop, live_server.url, phone.username)
    assert desktop.get_by_label("Describe the model").evaluate("el => el.id") == "prompt"


def test_the_viewer_orbits_and_zooms_with_the_keyboard(
    phone: PhoneVisit, live_server: Any, desktop: Any
) -> None:
    log_in(desktop, live_server.url, phone.username)
    desktop.click(f".history-item[data-run='{phone.run_id}']")
    desktop.wait_for_selector("#viewer[data-loaded=true][data-kind=model]")
    before = desktop.eval_on_selector("#viewer canvas", "c => c.toDataURL('image/png')")
    desktop.focus("#viewer canvas")
    desktop.keyboard.press("ArrowLeft")
    desktop.keyboard.press("ArrowLeft")
    desktop.keyboard.press("+")
    orbit = desktop.get_attribute("#viewer", "data-orbit")
    assert orbit is not None
    desktop.wait_for_function(
        "before => document.querySelector('#viewer canvas').toDataURL('image/png') !== before", arg=before
    )
    assert canvas_opaque_fraction(desktop) > 0.02


def test_try_again_builds_the_same_prompt_as_a_new_model_next_to_the_first(
    phone: PhoneVisit, live_server: Any, desktop: Any
) -> None:
    log_in(desktop, live_server.url, phone.username)
    desktop.click(f".history-item[data-run='{phone.run_id}']")
    desktop.click("[data-testid=retry]")
    desktop.wait_for_function(
        "first => { const id = new URLSearchParams(location.hash.slice(1)).get('run'); return id && id !== first; }",
        arg=phone.run_id,
    )
    again = desktop.evaluate("() => new URLSearchParams(location.hash.slice(1)).get('run')")
    desktop.wait_for_selector(f".history-item[data-run='{again}']")
    assert desktop.inner_text(".run .bubble-user") == "A red mushroom with white spots"
    assert desktop.locator(".history-item", has_text="mushroom").count() == 2
