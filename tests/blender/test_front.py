"""The stdio front: what it answers itself, and what it hands to the SDK, in order."""

from __future__ import annotations

import json
import os
import queue
from collections.abc import Iterator
from typing import Any

import pytest

from prompt2mesh.blender.catalogue import Catalogue, load_catalogue
from prompt2mesh.blender.front import REPLAYED_INITIALIZE_ID, StdioFront

INITIALIZE = {
    "protocolVersion": "2025-06-18",
    "capabilities": {},
    "clientInfo": {"name": "t", "version": "0"},
}


class Pipes:
    def __init__(self, catalogue: Catalogue | None) -> None:
        in_read, self._in_write = os.pipe()
        self._out_read, out_write = os.pipe()
        self.front = StdioFront(os.fdopen(in_read, "rb"), os.fdopen(out_write, "wb", buffering=0), catalogue)
        self.front.start()
        self._replies = os.fdopen(self._out_read, "rb")

    def send(self, message: dict[str, Any] | bytes) -> None:
        data = message if isinstance(message, bytes) else json.dumps(message).encode()
        os.write(self._in_write, data + b"\n")

    def reply(self) -> dict[str, Any]:
        return dict(json.loads(self._replies.readline()))

    def close_input(self) -> None:
        os.close(self._in_write)


@pytest.fixture
def catalogue() -> Catalogue:
    loaded = load_catalogue()
    assert loaded is not None
    return loaded


@pytest.fixture
def pipes(catalogue: Catalogue) -> Iterator[Pipes]:
    yield Pipes(catalogue)


def attach(pipes: Pipes) -> queue.Queue[bytes | None]:
    handed: queue.Queue[bytes | None] = queue.Queue()
    pipes.front.attach(handed.put)
    return handed


def test_the_handshake_is_answered_from_the_catalogue(pipes: Pipes, catalogue: Catalogue) -> None:
    pipes.send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": INITIALIZE})
    assert pipes.reply() == {"jsonrpc": "2.0", "id": 1, "result": catalogue.initialize_result("2025-06-18")}
    pipes.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    pipes.send({"jsonrpc": "2.0", "id": "two", "method": "tools/list"})
    assert pipes.reply() == {"jsonrpc": "2.0", "id": "two", "result": catalogue.tools}
    pipes.send({"jsonrpc": "2.0", "id": 3, "method": "ping"})
    assert pipes.reply() == {"jsonrpc": "2.0", "id": 3, "result": {}}


def test_the_sdk_gets_the_initialize_again_then_everything_that_waited_in_order(pipes: Pipes) -> None:
    pipes.send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": INITIALIZE})
    pipes.reply()
    waiting = [
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "get_scene_info"}},
        {"jsonrpc": "2.0", "id": 3, "method": "resources/list"},
    ]
    for message in waiting:
        pipes.send(message)
    pipes.send({"jsonrpc": "2.0", "id": 4, "method": "tools/list"})
    assert pipes.reply()["id"] == 4  # answered although a call waits before it
    handed = attach(pipes)
    replayed = json.loads(handed.get(timeout=5) or b"")
    assert replayed == {
        "jsonrpc": "2.0",
        "id": REPLAYED_INITIALIZE_ID,
        "method": "initialize",
        "params": INITIALIZE,
    }
    assert [json.loads(handed.get(timeout=5) or b"") for _ in waiting] == waiting
    pipes.send({"jsonrpc": "2.0", "id": 5, "method": "tools/list"})
    assert json.loads(handed.get(timeout=5) or b"")["id"] == 5  # after hand-over the SDK answers all
    pipes.close_input()
    assert handed.get(timeout=5) is None


@pytest.mark.parametrize(
    "first",
    [
        b"{not json",
        json.dumps(
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": 7}}
        ).encode(),
        json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).encode(),
    ],
    ids=["malformed", "odd-initialize", "list-before-initialize"],
)
def test_anything_unusual_is_left_to_the_sdk(pipes: Pipes, first: bytes) -> None:
    pipes.send(first)
    pipes.send({"jsonrpc": "2.0", "id": 9, "method": "initialize", "params": INITIALIZE})
    handed = attach(pipes)
    assert handed.get(timeout=5) == first + b"\n"
    assert json.loads(handed.get(timeout=5) or b"")["id"] == 9  # not answered out of order


def test_without_a_catalogue_only_ping_is_answered() -> None:
    pipes = Pipes(None)
    pipes.send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": INITIALIZE})
    pipes.send({"jsonrpc": "2.0", "id": 2, "method": "ping"})
    assert pipes.reply() == {"jsonrpc": "2.0", "id": 2, "result": {}}
    handed = attach(pipes)
    assert json.loads(handed.get(timeout=5) or b"")["id"] == 1
