"""What the browser tests do again and again: sign up, log in, build a model, check a page with
axe-core, measure the canvas. Plain functions over a Playwright page."""

from __future__ import annotations

import base64
import io
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from PIL import Image

PASSWORD = "correct horse battery"
RUN_TIMEOUT_MS = 180_000
COMMAND_TIMEOUT_MS = 60_000
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
# axe-core from npm (web/package.json, installed by scripts/setup.d/10-web.sh); never served.
AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
# `make screenshots` refreshes the README's pictures; a plain test run keeps the tree clean.
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("P2M_UPDATE_DOCS_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "p2m-ui-screenshots"
)


def unique(prefix: str) -> str:
    return f"{prefix}_{time.time_ns() % 10**12}"


def sign_up(page: Any, url: str, username: str | None = None) -> str:
    """Opens the app and creates an account; returns the username."""
    name = username or unique("u")
    page.goto(url + "/")
    page.wait_for_selector("#auth-view:not([hidden])")
    page.click("#tab-signup")
    page.fill("#auth-username", name)
    page.fill("#auth-password", PASSWORD)
    page.click("#auth-submit")
    page.wait_for_selector("#app-view:not([hidden])")
    return name


def log_in(page: Any, url: str, username: str) -> None:
    page.goto(url + "/")
    page.wait_for_selector("#auth-view:not([hidden])")
    page.fill("#auth-username", username)
    page.fill("#auth-password", PASSWORD)
    page.click("#auth-submit")
    page.wait_for_selector("#app-view:not([hidden])")


def start_model(page: Any, prompt: str) -> str:
    """Types the prompt, sends it, and returns the new run's id (from the address)."""
    page.fill("#prompt", prompt)
    page.keyboard.press("Enter")
    page.wait_for_function("() => new URLSearchParams(location.hash.slice(1)).get('run')")
    run_id = page.evaluate("() => new URLSearchParams(location.hash.slice(1)).get('run')")
    assert isinstance(run_id, str)
    return run_id


def build_model(page: Any, prompt: str) -> str:
    """Starts a model and waits until the viewer shows it and editing is on."""
    run_id = start_model(page, prompt)
    page.wait_for_selector("#viewer[data-loaded=true][data-kind=model]", timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector(".mode[data-mode=edit]:not([disabled])")
    return run_id


def canvas_opaque_fraction(page: Any) -> float:
    """Share of the WebGL canvas drawn fully opaque (the model; the grid is translucent)."""
    data_url = page.eval_on_selector("#viewer canvas", "c => c.toDataURL('image/png')")
    png = base64.b64decode(data_url.split(",", 1)[1])
    alpha = Image.open(io.BytesIO(png)).convert("RGBA").getchannel("A")
    histogram = alpha.histogram()
    return histogram[255] / max(1, sum(histogram))


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations of the page as it is now, of the given impacts.

    The script is evaluated through the DevTools protocol, so the page's own
    Content-Security-Policy (no inline scripts) does not stop it.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in json.loads(json.dumps(result)) if v["impact"] in impacts]
