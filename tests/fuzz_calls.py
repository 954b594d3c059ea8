"""Seeded hostile tool calls, generated from the tools' own input schemas (``tools/list``).

Shared by the fuzz test (tests/blender/test_fuzz.py, a few hundred calls) and the fuzz
benchmark (bench/bench_fuzz.py, ten thousand and more). Nothing here knows a tool by name:
every published tool is fuzzed, including tools added after this file was written.

Each call starts from a plausible argument set (the schema's defaults, enums, ranges and the
names of objects that exist) and then, most of the time, breaks one thing: a wrong type, NaN
or Infinity, a huge string, a traversal path, an absurd count, a control character, an
unknown key. :func:`check` says what was wrong with one outcome.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from prompt2mesh.blender.errors import MAX_ERROR_CHARS
from prompt2mesh.roles.interface import ToolInfo, ToolResult

HUGE = 150_000
"""Characters of a "huge" string in the test (over the worker's 100,000 per value)."""

TRAVERSALS = [
    "../escape.blend",
    "../../../../etc/passwd",
    "/etc/passwd",
    "~/.bashrc",
    "C:\\Windows\\win.ini",
    "a/../../b.glb",
    "./../x.png",
    "a/" * 2_000 + "x.glb",
    "../" * 20_000 + "x.blend",
    "é" * 200 + ".blend",
    "x" * 300 + ".glb",
    "out/\x00.glb",
    "out/\n.png",
    ".p2m/history/../../../x.blend",
    "",
    " ",
    ".",
    "/",
]
CONTROL = ["a\x00b", "\x1b[31mred", "tab\tname", "line\nbreak", "bell\x07", "del\x7f", "\ud800"]
ABSURD_INTS = [0, -1, -(2**31), 2**31, 2**63, 10**12, 10**100]
NON_FINITE = [math.nan, math.inf, -math.inf]

KINDS = ("wrong_type", "non_finite", "huge", "traversal", "absurd", "control", "unknown_key", "valid")


@dataclass
class Call:
    tool: str
    args: dict[str, Any]
    kind: str
    field: str | None = None


@dataclass
class Finding:
    call: Call
    problem: str
    detail: str


@dataclass
class Fuzzer:
    """Makes calls for ``tools`` from a seed; feed it the scene's object names as they change."""

    tools: list[ToolInfo]
    seed: int
    huge: int = HUGE
    objects: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.tools = sorted(self.tools, key=lambda t: t.name)

    # --- plausible values ----------------------------------------------------------------------
    def _resolve(self, schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return {**root.get("$defs", {}).get(ref.removeprefix("#/$defs/"), {}), **schema}
        return schema

    def plausible(self, schema: dict[str, Any], root: dict[str, Any], key: str = "") -> Any:
        rng = self.rng
        schema = self._resolve(schema, root)
        if "enum" in schema:
            return rng.choice(schema["enum"])
        if "const" in schema:
            return schema["const"]
        options = schema.get("anyOf") or schema.get("oneOf")
        if options:
            concrete = [o for o in options if self._resolve(o, root).get("type") != "null"] or options
            return self.plausible(rng.choice(concrete), root, key)
        if "default" in schema and rng.random() < 0.3:
            return schema["default"]
        kind = schema.get("type")
        if kind == "integer":
            if "minimum" in schema:
                lo = int(schema["minimum"])
            else:
                lo = int(schema["exclusiveMinimum"]) + 1 if "exclusiveMinimum" in schema else 0
            hi = int(schema.get("maximum", lo + 10))
            return rng.randint(lo, min(hi, lo + 12))
        if kind == "number":
            lo = float(schema.get("minimum", schema.get("exclusiveMinimum", -5.0)))
            hi = float(schema.get("maximum", schema.get("exclusiveMaximum", 5.0)))
            return round(rng.uniform(lo, min(hi, lo + 10.0)), 3)
        if kind == "boolean":
            return rng.random() < 0.5
        if kind == "string":
            return self._plausible_text(key, schema)
        if kind == "array":
            items = schema.get("items", {})
            lo = int(schema.get("minItems", 1))
            hi = int(schema.get("maxItems", lo + 3))
            return [self.plausible(items, root, key) for _ in range(rng.randint(lo, min(hi, lo + 3)))]
        if kind == "object":
            props = schema.get("properties", {})
            return {
                k: self.plausible(v, root, k) for k, v in props.items() if k in schema.get("required", [])
            }
        return None

    def _plausible_text(self, key: str, schema: dict[str, Any]) -> str:
        rng = self.rng
        low = key.lower()
        if ("name" in low or "object" in low or "parent" in low or "target" in low) and self.objects:
            if rng.random() < 0.8:
                return rng.choice(self.objects)
        if "file" in low or "path" in low:
            return rng.choice(["fuzz/a.blend", "fuzz/b.glb", "fuzz/c.png", "scene.blend", "out.obj", "x.stl"])
        if "color" in low or "colour" in low:
            return rng.choice(["#cc2222", "#fff", "#00ff0080"])
        text = rng.choice(["Cube", "part", "Fuzz", "hello", "Sphere", "M"])
        max_len = schema.get("maxLength")
        return text[:max_len] if isinstance(max_len, int) else text

    # --- hostile values --------------------------------------------------------------------
    def hostile(self, kind: str, schema: dict[str, Any], key: str) -> Any:
        rng = self.rng
        if kind == "wrong_type":
            return rng.choice([{"x": 1}, [1, "a", None], "not-a-number", 3.5, True, None, -7, ""])
        if kind == "non_finite":
            value = rng.choice(NON_FINITE)
            if schema.get("type") == "array" or "minItems" in schema:
                return [value, 0.0, 0.0]
            return value
        if kind == "huge":
            return rng.choice(["x" * self.huge, "ab " * (self.huge // 3), [0.0] * (self.huge // 3)])
        if kind == "traversal":
            return rng.choice(TRAVERSALS)
        if kind == "absurd":
            return rng.choice([*ABSURD_INTS, 1e308, -1e308, 1e-320, [1e308, 1e308, 1e308]])
        if kind == "control":
            return rng.choice(CONTROL)
        return None

    def next_call(self) -> Call:
        rng = self.rng
        tool = rng.choice(self.tools)
        schema = tool.input_schema or {}
        props: dict[str, Any] = schema.get("properties", {})
        required = list(schema.get("required", []))
        args = {k: self.plausible(props[k], schema, k) for k in required if k in props}
        for k in props:
            if k not in args and rng.random() < 0.4:
                args[k] = self.plausible(props[k], schema, k)
        kind = rng.choices(KINDS, weights=[14, 14, 8, 14, 14, 12, 6, 18])[0]
        if kind == "valid":
            return Call(tool.name, args, kind)
        if kind == "unknown_key" or not props:
            args[rng.choice(["colour", "radius_mm", "__proto__", "x" * 80, "name\x00"])] = 1
            return Call(tool.name, args, "unknown_key")
        target = rng.choice(sorted(props))
        args[target] = self.hostile(kind, props[target], target)
        return Call(tool.name, args, kind, target)

    def calls(self, count: int) -> Iterable[Call]:
        for _ in range(count):
            yield self.next_call()


_CODE = re.compile(r"\[([a-z_]+)\]")


def error_code(error: str | None) -> str | None:
    match = _CODE.search(error or "")
    return match.group(1) if match else None


def check(call: Call, result: ToolResult, forbidden: Iterable[str]) -> list[Finding]:
    """What is wrong with ``result``: an internal error, an oversized error, a leaked path."""
    found: list[Finding] = []
    error = result.error or ""
    if not result.ok:
        if len(error) > MAX_ERROR_CHARS:
            found.append(Finding(call, "error_too_long", f"{len(error):,} characters"))
        code = error_code(error)
        if code == "blender_operation_failed" and call.kind != "valid":
            found.append(Finding(call, "internal_error", error[:300]))
        if "Traceback" in error:
            found.append(Finding(call, "traceback", error[:300]))
    text = error if not result.ok else repr(result.result)[:2_000_000]
    found.extend(Finding(call, "absolute_path", secret) for secret in forbidden if secret and secret in text)
    return found


def describe(call: Call) -> str:
    """The call in one short line (for a failure message)."""
    shown = {k: (repr(v)[:60] + "..." if len(repr(v)) > 60 else v) for k, v in call.args.items()}
    return f"{call.tool}({shown}) [{call.kind}:{call.field}]"
