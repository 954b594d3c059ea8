"""Recorded real-model conversations (cassettes) and a local OpenAI-compatible server replaying them.

A cassette is what a capable model answered to the product's real requests, captured by the
relay (``../shared/tools/llm_relay.py``: ``req-N.json`` beside ``resp-N.json``). Replaying it
through the real provider client (langchain-openai over HTTP) checks that today's prompts and
parsers still work with those answers: each live request must come from the same role as the
recorded one, and must still offer every tool the recorded answer calls. A mismatch fails the
request with HTTP 400 and is listed in :attr:`ReplayServer.problems`.

    python -m fakes.cassette RELAY_DIR tests/cassettes/NAME.json   # compile a recording
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from prompt2mesh.agent.editing.llm import EVALUATOR_SYSTEM
from prompt2mesh.agent.editing.llm import SYSTEM as TRANSLATOR
from prompt2mesh.roles import prompts

ROLE_PROMPTS = {
    "refiner": prompts.REFINER,
    "planner": prompts.PLANNER,
    "resume": prompts.RESUME,
    "executor": prompts.EXECUTOR,
    "improver": prompts.IMPROVER,
    "critic": prompts.CRITIC,
    "translator": TRANSLATOR,
    "evaluator": EVALUATOR_SYSTEM,
}


def text_of(content: Any) -> str:
    """The text of a message's content (a string, or the text blocks of a list)."""
    if isinstance(content, str) or content is None:
        return content or ""
    return "\n".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")


def role_of(body: dict[str, Any]) -> str:
    """Which role sent a chat request: the role whose system prompt opens its system message."""
    system = next(
        (text_of(m.get("content")) for m in body.get("messages", []) if m.get("role") == "system"), ""
    )
    for role, prompt in ROLE_PROMPTS.items():
        if system.startswith(prompt.split("\n", 1)[0][:60]):
            return role
    return "unknown"


def summary(body: dict[str, Any]) -> dict[str, Any]:
    """What a cassette keeps of a request: who asked, what was offered, the conversation's shape."""
    messages = body.get("messages", [])
    last = messages[-1] if messages else {}
    return {
        "role": role_of(body),
        "tools": [t["function"]["name"] for t in body.get("tools") or []],
        "messages": [m.get("role") for m in messages],
        "images": sum(
            1
            for m in messages
            if isinstance(m.get("content"), list)
            for b in m["content"]
            if isinstance(b, dict) and b.get("type") == "image_url"
        ),
        "bytes": len(json.dumps(body)),
        "last": text_of(last.get("content"))[:1500],
    }


def compile_recording(folder: Path, first: int = 1, last: int | None = None) -> dict[str, Any]:
    """The exchanges ``first``..``last`` of a relay folder, in order (request summaries and the
    answers given); without ``last``, up to the first request without an answer."""
    exchanges = []
    n = first
    while (
        (last is None or n <= last)
        and (folder / f"req-{n}.json").exists()
        and (folder / f"resp-{n}.json").exists()
    ):
        body = json.loads((folder / f"req-{n}.json").read_text())
        exchanges.append(
            {"request": summary(body), "response": json.loads((folder / f"resp-{n}.json").read_text())}
        )
        n += 1
    return {"exchanges": exchanges}


def _answer(response: dict[str, Any], n: int, model: str) -> dict[str, Any]:
    calls = [
        {
            "id": f"call_{n}_{i}",
            "type": "function",
            "function": {"name": c["name"], "arguments": json.dumps(c.get("arguments") or {})},
        }
        for i, c in enumerate(response.get("tool_calls") or [])
    ]
    message: dict[str, Any] = {"role": "assistant", "content": response.get("content")}
    if calls:
        message["tool_calls"] = calls
    return {
        "id": f"chatcmpl-replay-{n}",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 100, "total_tokens": 1100},
    }


class ReplayServer:
    """Serves one cassette's answers in order and checks each live request against its recording."""

    def __init__(self, cassette: dict[str, Any], *, hold_at: int | None = None) -> None:
        self.exchanges = list(cassette["exchanges"])
        self.served = 0
        self.problems: list[str] = []
        self.requests: list[dict[str, Any]] = []
        self.bodies: list[dict[str, Any]] = []
        self.hold_at = hold_at
        """Request number (1-based) left unanswered: the product is killed while it waits."""
        self.held = threading.Event()
        self._release = threading.Event()
        self._lock = threading.Lock()

    def check(self, n: int, body: dict[str, Any]) -> str | None:
        """Why the live request ``n`` (1-based) cannot take the recorded answer; None when it can."""
        if n > len(self.exchanges):
            return f"request {n}: the cassette has only {len(self.exchanges)} answers ({role_of(body)} asked)"
        recorded = self.exchanges[n - 1]
        live = summary(body)
        if live["role"] != recorded["request"]["role"]:
            return f"request {n}: the {live['role']} asked where the recording has the {recorded['request']['role']}"
        offered = set(live["tools"])
        missing = [
            c["name"] for c in recorded["response"].get("tool_calls") or [] if c["name"] not in offered
        ]
        if missing:
            return f"request {n} ({live['role']}): the recorded answer calls {missing}, not offered now"
        return None

    def handle(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.served += 1
            n = self.served
            self.requests.append(summary(body))
            self.bodies.append(body)
            problem = self.check(n, body)
            if problem:
                self.problems.append(problem)
                return 400, {"error": {"message": problem, "type": "invalid_request_error"}}
            held = n == self.hold_at
            if held:
                self.held.set()
        if held:  # the recording's product was killed here: no answer until the server stops
            self._release.wait()
            return 503, {"error": {"message": f"request {n} was held", "type": "server_error"}}
        return 200, _answer(self.exchanges[n - 1]["response"], n, str(body.get("model")))

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Run the server on a free local port; yields its ``/v1`` base URL."""
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", 0))
                status, payload = replay.handle(json.loads(self.rfile.read(length)))
                self._send(status, payload)

            def do_GET(self) -> None:  # noqa: N802 (the CLI's one cheap question: GET /v1/models)
                self._send(200, {"object": "list", "data": [{"id": "relay", "object": "model"}]})

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client was killed while its request was held

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/v1"
        finally:
            self._release.set()
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


if __name__ == "__main__":
    out = Path(sys.argv[2])
    out.write_text(json.dumps(compile_recording(Path(sys.argv[1])), indent=1, ensure_ascii=False) + "\n")
    print(f"{out}: {len(load(out)['exchanges'])} exchanges")
