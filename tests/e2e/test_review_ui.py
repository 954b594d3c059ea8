"""Plan review in the web UI (issue 16): "Review plan first" stops the run with its plan on
screen; the person approves it as it is, or edits a step's title, deletes a step (a plan left
too short is refused with the server's words), adds one and approves; the report records the
changes, and the same prompt later starts from the passing plan ("Plan reused from run X").
Real service, real Blender, real Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from e2e.pages import DESKTOP, RUN_TIMEOUT_MS, SCREENSHOTS, axe_violations, sign_up, start_model

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

PROMPT = "a red cube on a blue table"


def get_run(page: Any, run_id: str) -> dict[str, Any]:
    """GET /runs/{id} with the page's own access token."""
    run: dict[str, Any] = page.evaluate(
        """async (id) => {
            const r = await fetch(`/runs/${id}`, {headers: {Authorization: `Bearer ${sessionStorage.getItem('p2m.token')}`}});
            return r.json();
        }""",
        run_id,
    )
    return run


def start_reviewed(page: Any) -> str:
    page.check("#review-first")
    run_id = start_model(page, PROMPT)
    page.wait_for_selector("[data-testid=plan-review]", timeout=RUN_TIMEOUT_MS)
    assert page.get_attribute("#run .run-head .status", "data-status") == "awaiting_review"
    return run_id


@pytest.fixture(scope="module")
def page(live_server: Any, chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_up(page, live_server.url)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="module")
def approved_as_is(page: Any) -> str:
    """A run reviewed and approved without a change, built to the end."""
    run_id = start_reviewed(page)
    steps = page.locator("[data-testid=review-step]")
    assert steps.count() == len(get_run(page, run_id)["plan"]) >= 5
    assert page.locator("#viewer[data-loaded=true]").count() == 0  # nothing built yet
    page.click("[data-testid=review-approve]")
    page.wait_for_selector("#viewer[data-loaded=true][data-kind=model]", timeout=RUN_TIMEOUT_MS)
    return run_id


def test_approving_the_plan_as_it_is_builds_it(page: Any, approved_as_is: str) -> None:
    run = get_run(page, approved_as_is)
    assert run["status"] == "completed"
    assert run["review"]["status"] == "approved" and run["review"]["changes"] == []
    assert page.locator("[data-testid=plan-review]").count() == 0


def test_editing_and_deleting_steps_is_checked_and_built_as_changed(page: Any, approved_as_is: str) -> None:
    page.click("#new-run")
    run_id = start_reviewed(page)
    # The same request as before: the plan that passed is the starting point, and it says so.
    assert f"Plan reused from run {approved_as_is}" in page.inner_text("[data-testid=plan-origin]")
    plan = get_run(page, run_id)["plan"]
    deleted = plan[3]["action"]
    assert axe_violations(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "plan-review.png"))

    page.fill("[data-testid=review-step]:nth-child(5) .review-action", "Check the whole scene for gaps")
    page.click("[aria-label='Delete step 4']")
    assert page.locator("[data-testid=review-step]").count() == len(plan) - 1
    page.click("[data-testid=review-approve]")
    error = page.wait_for_selector("[data-testid=review-error]:not([hidden])")
    assert "give at least 5" in error.inner_text()
    assert get_run(page, run_id)["status"] == "awaiting_review"  # refused: nothing changed or started

    page.click("[data-testid=review-add]")
    page.fill("[data-testid=review-step]:last-child .review-action", "Light the scene warmly")
    page.click("[data-testid=review-approve]")
    page.wait_for_selector("#viewer[data-loaded=true][data-kind=model]", timeout=RUN_TIMEOUT_MS)
    run = get_run(page, run_id)
    assert run["status"] == "completed"
    assert f"Plan reused from run {approved_as_is}" in page.inner_text("#run .notes-box")
    built = [s["action"] for s in run["steps"]]
    assert deleted not in built and built[-1] == "Light the scene warmly"
    assert "Check the whole scene for gaps" in built
    changes = run["review"]["changes"]
    assert f"step 4 deleted: {deleted}" in changes
    assert any(c.startswith("step 5 edited (action)") for c in changes)
    assert "step 5 added: Light the scene warmly" in changes
