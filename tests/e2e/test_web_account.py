"""The account forms and the prompt help, end to end in Chromium: a wrong current password,
a mismatch or a common password are refused in the dialog with a clear reason (the person
stays logged in); a changed password works at the next log-in and the old one does not; a
deleted account is gone with its models; the welcome screen says who builds the model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from e2e.pages import DESKTOP, PASSWORD, axe_violations, log_in, sign_up

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a different horse staple"


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == []


def change(page: Any, current: str, new: str, again: str | None = None) -> str:
    page.fill("#password-current", current)
    page.fill("#password-new", new)
    page.fill("#password-confirm", new if again is None else again)
    # The previous answer off the screen first, so the wait below sees this attempt's.
    page.eval_on_selector("#password-error", "e => { e.hidden = true; e.textContent = ''; }")
    page.click("#password-submit")
    page.wait_for_selector("#password-error:not([hidden])")
    return str(page.inner_text("#password-error"))


def test_a_password_is_changed_in_the_account_dialog_with_clear_errors(live_server: Any, page: Any) -> None:
    username = sign_up(page, live_server.url)
    page.click("#account-open")
    page.wait_for_selector("#account[open]")
    assert page.inner_text("#account-username") == username
    assert axe_violations(page) == []

    assert "not your current password" in change(page, "wrong password here", NEW_PASSWORD)
    assert "not the same" in change(page, PASSWORD, NEW_PASSWORD, "something else entirely")
    assert "at least 8" in change(page, PASSWORD, "short")
    assert "common" in change(page, PASSWORD, "password123").lower()
    assert page.is_visible("#app-view")  # a wrong password is not a log-out

    assert "Password changed" in change(page, PASSWORD, NEW_PASSWORD)
    page.keyboard.press("Escape")
    page.click("#logout")
    page.wait_for_selector("#auth-view:not([hidden])")
    page.fill("#auth-username", username)
    page.fill("#auth-password", PASSWORD)
    page.click("#auth-submit")
    page.wait_for_selector("#auth-error:not([hidden])")
    assert "wrong username or password" in page.inner_text("#auth-error")
    page.fill("#auth-password", NEW_PASSWORD)
    page.click("#auth-submit")
    page.wait_for_selector("#app-view:not([hidden])")


def test_an_account_is_deleted_only_with_its_username_and_password(live_server: Any, page: Any) -> None:
    username = sign_up(page, live_server.url)
    page.click("#account-open")
    page.fill("#delete-confirm", "someone-else")
    page.fill("#delete-password", PASSWORD)
    page.click("#delete-submit")
    assert "Type your username" in page.inner_text("#delete-error")
    page.fill("#delete-confirm", username)
    page.fill("#delete-password", "not the password")
    page.click("#delete-submit")
    page.wait_for_selector("#delete-error:has-text('not your current password')")
    assert page.is_visible("#app-view")

    page.fill("#delete-password", PASSWORD)
    page.click("#delete-submit")
    page.wait_for_selector("#auth-view:not([hidden])")
    assert "deleted" in page.inner_text("#toasts")
    page.fill("#auth-username", username)
    page.fill("#auth-password", PASSWORD)
    page.click("#auth-submit")
    page.wait_for_selector("#auth-error:not([hidden])")
    assert "wrong username or password" in page.inner_text("#auth-error")


def test_the_welcome_screen_says_who_builds_the_model_and_what_it_understands(
    live_server: Any, page: Any
) -> None:
    username = sign_up(page, live_server.url)
    page.wait_for_selector("#prompt-builder:not([hidden])")
    assert page.inner_text("[data-testid=builder]") == "the built-in offline modeller"
    assert "understands English" in page.inner_text("[data-testid=builder-note]")
    page.click("#logout")
    log_in(page, live_server.url, username)
    page.wait_for_selector("#prompt-builder:not([hidden])")
