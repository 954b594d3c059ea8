"""Sessions in the browser: the UI works under the strict Content-Security-Policy, an active
user stays logged in when the access token expires (the refresh token is traded silently),
and a session that really ended returns to the log-in form saying so."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture
def page(live_server: Any, chromium: Any) -> Iterator[Any]:
    username = f"sess_{uuid.uuid4().hex[:12]}"
    created = httpx.post(f"{live_server.url}/auth/signup", json={"username": username, "password": PASSWORD})
    assert created.status_code == 201, created.text
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.csp_messages = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda m: page.csp_messages.append(m.text) if "Content Security Policy" in m.text else None,  # type: ignore[attr-defined]
    )
    page.goto(live_server.url + "/")
    page.fill("#auth-username", username.upper())  # usernames are case-insensitive
    page.fill("#auth-password", PASSWORD)
    page.click("#auth-submit")
    page.wait_for_selector("#app-view:not([hidden])")
    yield page
    context.close()


def _stored(page: Any, key: str) -> str | None:
    value: str | None = page.evaluate(f"() => sessionStorage.getItem('{key}')")
    return value


def test_the_app_and_its_3d_viewer_run_under_the_content_security_policy(page: Any) -> None:
    headers = page.context.request.get(page.url).headers
    assert "default-src 'self'" in headers["content-security-policy"]
    page.wait_for_selector("#viewer canvas")  # three.js loaded through the hashed import map
    assert page.csp_messages == []  # type: ignore[attr-defined]


def test_an_expired_access_token_is_renewed_without_logging_the_user_out(page: Any) -> None:
    refresh_before = _stored(page, "p2m.refresh")
    assert refresh_before
    # As if the 15 minutes had passed: the server refuses this token, the refresh token works.
    page.evaluate("() => sessionStorage.setItem('p2m.token', 'expired.access.token')")
    page.reload()
    page.wait_for_selector("#app-view:not([hidden])")
    page.wait_for_function("() => sessionStorage.getItem('p2m.token') !== 'expired.access.token'")
    assert _stored(page, "p2m.refresh") not in (None, refresh_before)
    assert page.locator("#auth-view").is_hidden()


def test_a_session_that_really_ended_returns_to_the_log_in_form_saying_so(page: Any) -> None:
    # The session is ended elsewhere (log-out in another place revokes it everywhere).
    status = page.evaluate(
        """async () => (await fetch('/auth/logout', {method: 'POST',
             headers: {Authorization: 'Bearer ' + sessionStorage.getItem('p2m.token')}})).status"""
    )
    assert status == 204
    page.reload()
    page.wait_for_selector("#auth-view:not([hidden])")
    assert "session ended" in page.inner_text("#auth-error").lower()
    assert page.get_attribute("#tab-login", "aria-selected") == "true"
    assert page.input_value("#auth-password") == ""
    assert _stored(page, "p2m.token") is None and _stored(page, "p2m.refresh") is None
