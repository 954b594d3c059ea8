"""Loading Blender (the ``bpy`` module) alongside the rest of the worker's start-up.

``import bpy`` is two steps of about equal cost: mapping the 200 MB shared library (and the
libraries it needs) into memory, and initialising Blender. The first runs in the C library
and, through ``ctypes``, without the GIL, so :meth:`BlenderLoader.start` does it on a
background thread from process start, while the main thread imports the MCP SDK. The second
holds the GIL for most of its time and must run on the thread that will later call Blender and
end the process: Blender records its "main thread" when it initialises, and a Blender
initialised on another thread crashes the interpreter at exit. So :meth:`BlenderLoader.load`
runs it on the main thread, after the SDK import, and the protocol is answered meanwhile by
:mod:`prompt2mesh.blender.front` on its own thread.

Mapping Blender runs static constructors of its USD library that take the GIL, while Python
imports C extensions by ``dlopen`` *holding* the GIL: a thread importing an extension during
the mapping would wait for the loader lock the mapping holds, and the mapping for the GIL that
thread holds. So while the mapping runs, every other thread's extension import waits for it
(releasing the GIL), and the extensions the SDK needs are imported before it starts
(:data:`SDK_EXTENSIONS`; a list kept for speed only, the wait is what makes it safe).

Standard library only: this module is imported before anything else of the worker.
"""

from __future__ import annotations

import ctypes
import importlib.machinery
import importlib.util
import os
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

SDK_EXTENSIONS = (
    "asyncio",  # not _asyncio alone: its init needs the asyncio package imported first
    "_bisect",
    "_contextvars",
    "_datetime",
    "_decimal",
    "_heapq",
    "_pickle",
    "_posixsubprocess",
    "_queue",
    "_random",
    "_socket",
    "_ssl",
    "_uuid",
    "_zoneinfo",
    "array",
    "binascii",
    "fcntl",
    "pydantic_core._pydantic_core",
    "select",
    "zlib",
)
"""C extensions the MCP SDK imports (``python -X importtime``), imported before the mapping
(through their package where an extension needs it imported first)."""


class BlenderLoadFailed(RuntimeError):
    """Blender could not be loaded; the message says why (the worker reports it per call)."""


class BlenderLoader:
    """Loads ``bpy`` once: :meth:`start` early on any thread, :meth:`load` on the main thread.

    ``hold`` exists for tests only: a FIFO the loader opens and reads to its end before it
    initialises Blender, so a test decides when Blender may load (and can watch the protocol
    being answered meanwhile) without sleeping. A line ``fail`` read from it makes the load
    fail as a broken installation would.
    """

    def __init__(self, *, hold: Path | None = None) -> None:
        self._hold = hold
        self._mapped = threading.Event()
        self._map_error: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._restore_loader: Callable[[], None] = lambda: None
        self.error: str | None = None
        self._t0 = time.perf_counter()
        self.marks: dict[str, float] = {}
        """Milliseconds from the loader's creation to each start-up step (for the log)."""

    def mark(self, step: str) -> None:
        """Note that ``step`` of the worker's start-up is done now."""
        self.marks[step] = round((time.perf_counter() - self._t0) * 1000, 1)

    def timeline(self) -> str:
        return ", ".join(f"{step} {ms:.0f}" for step, ms in self.marks.items())

    def start(self) -> None:
        """Map Blender's library in the background (no GIL held; returns at once)."""
        for name in SDK_EXTENSIONS:
            try:
                importlib.import_module(name)
            except ImportError:
                continue
        self._thread = threading.Thread(target=self._map, name="p2m-blender-map", daemon=True)
        loader = importlib.machinery.ExtensionFileLoader
        original = loader.create_module
        mapping = self._thread

        def create_module(ext: importlib.machinery.ExtensionFileLoader, spec: Any) -> Any:
            if threading.current_thread() is not mapping:
                self._mapped.wait()  # releases the GIL the mapping may need
            return original(ext, spec)

        loader.create_module = create_module  # type: ignore[method-assign,assignment]
        self._restore_loader = lambda: setattr(loader, "create_module", original)
        self._thread.start()

    def _map(self) -> None:
        try:
            spec = importlib.util.find_spec("bpy")
            if spec is None or spec.origin is None:
                raise ModuleNotFoundError("No module named 'bpy' (install the bpy wheel)", name="bpy")
            # RTLD_GLOBAL as Python's own extension loading would: `import bpy` then finds the
            # library already mapped and only runs its initialisation.
            ctypes.CDLL(spec.origin, mode=os.RTLD_NOW | os.RTLD_GLOBAL)
            self.mark("blender mapped")
        except BaseException as exc:  # noqa: BLE001  (reported by load())
            self._map_error = exc
        finally:
            self._mapped.set()
            self._restore_loader()

    def load(self) -> ModuleType:
        """Initialise Blender on this (the main) thread and return ``bpy``.

        Raises:
            BlenderLoadFailed: the library or Blender's initialisation failed; also kept in
                :attr:`error` for the calls that arrive later.
        """
        try:
            if self._thread is None:
                self.start()
            self._mapped.wait()
            if self._hold is not None:
                self._wait_for_test()
            if self._map_error is not None:
                raise self._map_error
            import bpy

            self.mark("blender initialised")
            return bpy
        except BaseException as exc:
            self.error = _describe(exc)
            raise BlenderLoadFailed(self.error) from exc

    def _wait_for_test(self) -> None:
        assert self._hold is not None
        with open(self._hold, encoding="utf-8") as fifo:  # blocks until the test opens it
            said = fifo.read()
        if said.strip() == "fail":
            raise ImportError("Blender failed to load (as requested by the test's hold FIFO)")


def _describe(exc: BaseException) -> str:
    """One line a client can act on: the exception and where in Blender's import it arose."""
    text = f"{type(exc).__name__}: {exc}".strip()
    frames = traceback.extract_tb(exc.__traceback__)
    where = next((f for f in reversed(frames) if "prompt2mesh" not in f.filename), None)
    return text + (f" (in {Path(where.filename).name}:{where.lineno})" if where else "")
