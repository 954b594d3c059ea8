"""The real-model conversations the cassettes hold, written once for the recorder and the replay.

Each scenario is a coroutine that drives the product exactly as the replay test does; the
recorder (:mod:`fakes.record`) runs it against the relay (a capable model answering through
``../shared/tools/llm_relay.py``) and compiles the relay folder into ``tests/cassettes``; the
test runs the same coroutine against :class:`fakes.cassette.ReplayServer`. A re-recording is
one command: ``cd tests && ../.venv/bin/python -m fakes.record make http://127.0.0.1:8781/v1
/work/relay/make`` (see :mod:`fakes.record`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fakes.cassette import role_of, text_of
from prompt2mesh.agent.runner import RunRequest, run_make
from prompt2mesh.config import Settings
from prompt2mesh.roles.interface import ToolRunner

MAKE_PROMPT = "Create a decorated Christmas tree"

RECORD_SCREENSHOT_SIZE = 512
"""Screenshots the model judged while recording (the default size: big enough to judge)."""
REPLAY_SCREENSHOT_SIZE = 96
"""Screenshots while replaying: the recorded answers do not look at them, and small is fast."""


def model_settings(
    base_url: str, data_dir: Path, *, screenshot_size: int, timeout_s: float = 120.0, **more: Any
) -> Settings:
    """The settings every recording is made (and replayed) with: a short plan, one refinement at most."""
    return Settings(
        **more,
        provider="openai_compatible",
        model="relay",
        base_url=base_url,
        min_plan_steps=3,
        max_plan_steps=4,
        max_refinements=1,
        screenshot_size=screenshot_size,
        data_dir=data_dir,
        retry_delays_s=(),
        model_timeout_s=timeout_s,
    )


@dataclass
class Place:
    """Where a scenario's files go: the agent side, and the worker-side prefix of its artifacts."""

    out_dir: Path
    prefix: str
    run_id: str | None = None


MAKE_STRICTNESS = {"critical_pass_score": 8}
"""The make's critic passes its first steps at 8, not 7: recorded at the default, the model's
critic passed every step of this prompt at 7-8 (its honest judgement), and the cassette must
hold a real refinement."""


def make_settings(
    base_url: str, data_dir: Path, *, screenshot_size: int, timeout_s: float = 120.0
) -> Settings:
    """:func:`model_settings` with :data:`MAKE_STRICTNESS`."""
    return model_settings(
        base_url, data_dir, screenshot_size=screenshot_size, timeout_s=timeout_s, **MAKE_STRICTNESS
    )


TREE_EDITS = ["make the star bigger and gold", "add a red gift box under the tree"]
"""Two commands on the made tree (issue 10's), judged by the model looking at the result."""

EDIT_JUDGE_RECORD_SIZE = 384
"""The edit judge's screenshot while recording (EditSession's default)."""


def tree_edit_session(runner: ToolRunner, settings: Settings, folder: Path, prefix: str, size: int) -> Any:
    """An edit session on the made tree: the model translates and judges (it sees the result)."""
    from prompt2mesh.agent.editing.factory import make_evaluator, make_translator
    from prompt2mesh.agent.editing.pipeline import EditSession, SessionFiles

    return EditSession(
        runner,
        SessionFiles(folder=folder, prefix=prefix),
        make_translator(settings, runner),
        evaluator=make_evaluator(settings, runner),
        screenshot_size=size,
    )


async def make_tree(runner: ToolRunner, settings: Settings, place: Place) -> dict[str, Any]:
    """A make of :data:`MAKE_PROMPT` (a fresh plan: never one from the cache)."""
    request = RunRequest(
        prompt=MAKE_PROMPT,
        out_dir=place.out_dir,
        artifact_prefix=place.prefix,
        run_id=place.run_id,
        fresh_plan=True,
    )
    return await run_make(request, settings, runner)


# --- resume after a kill: the product is a real `prompt2mesh make` process, SIGKILLed -------

RESUME_PROMPT = "A wooden chair"
RESUME_RUN_ID = "killed-chair"


def cli_env(
    base_url: str, data_dir: Path, *, screenshot_size: int, timeout_s: float = 120.0
) -> dict[str, str]:
    """:func:`model_settings` as the environment of a ``prompt2mesh`` process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("P2M_")}
    env.update(
        P2M_PROVIDER="openai_compatible",
        P2M_MODEL="relay",
        P2M_BASE_URL=base_url,
        P2M_MIN_PLAN_STEPS="3",
        P2M_MAX_PLAN_STEPS="4",
        P2M_MAX_REFINEMENTS="1",
        P2M_SCREENSHOT_SIZE=str(screenshot_size),
        P2M_DATA_DIR=str(data_dir),
        P2M_RETRY_DELAYS_S="[]",
        P2M_MODEL_TIMEOUT_S=str(timeout_s),
        P2M_PLAN_CACHE="false",
    )
    return env


def is_kill_point(body: dict[str, Any]) -> bool:
    """The request the make is killed at: the executor's first turn of step 2 (step 1 was accepted
    and saved, nothing of step 2 exists yet)."""
    messages = body.get("messages") or []
    user = [text_of(m.get("content")) for m in messages if m.get("role") == "user"]
    return role_of(body) == "executor" and bool(user) and user[0].startswith("Step 2 of")


def start_make(env: dict[str, str], out_dir: Path) -> subprocess.Popen[str]:
    """``prompt2mesh make RESUME_PROMPT`` as a person starts it (its own process and worker)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prompt2mesh",
            "make",
            RESUME_PROMPT,
            "--out",
            str(out_dir),
            "--run-id",
            RESUME_RUN_ID,
            "--fresh-plan",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill(process: subprocess.Popen[str]) -> int:
    """SIGKILL, as the OOM killer or a pulled plug would: no handler runs. Returns the exit code."""
    process.send_signal(signal.SIGKILL)
    return process.wait(timeout=30)


def resume(env: dict[str, str], timeout_s: float) -> subprocess.CompletedProcess[str]:
    """``prompt2mesh resume RESUME_RUN_ID`` in a new process (a new worker opens the saved scene)."""
    return subprocess.run(
        [sys.executable, "-m", "prompt2mesh", "resume", RESUME_RUN_ID],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )


# --- edits: natural commands on a fixed room, one session per list --------------------------

EDIT_SCREENSHOT_SIZE = 96
"""No model looks at an edit's screenshot (the translator reads the scene as text, the
measuring evaluator judges), so the recording and the replay use the same small size."""

ROOM_MATERIALS: list[dict[str, Any]] = [
    {"name": "Oak", "color": "#8a5a32", "roughness": 0.6},
    {"name": "Blue_Ceramic", "color": "#3a5fa8", "roughness": 0.3},
    {"name": "Brass", "color": "#b5a642", "metallic": 1.0, "roughness": 0.3},
    {"name": "Linen", "color": "#f2ead8", "roughness": 0.9},
    {"name": "Cardboard", "color": "#b08a5a", "roughness": 0.8},
    {"name": "Red_Cover", "color": "#a02020", "roughness": 0.7},
]


def _legs(parent: str, prefix: str, x: float, y: float, height: float, radius: float) -> list[dict[str, Any]]:
    return [
        {
            "kind": "cylinder",
            "name": f"{prefix}_Leg_{i + 1}",
            "parent": parent,
            "radius": radius,
            "depth": height,
            "location": [sx * x, sy * y, height / 2],
            "material": "Oak",
        }
        for i, (sx, sy) in enumerate([(-1, -1), (1, -1), (-1, 1), (1, 1)])
    ]


ROOM_OBJECTS: list[dict[str, Any]] = [
    # A table (oak, 1.2 x 0.7 m, 0.75 m high) at the origin, a chair in front of it (same oak),
    # a blue vase on the table, a brass floor lamp, a cardboard box and a book on the floor.
    {"empty": "Table", "location": [0, 0, 0]},
    {
        "kind": "cube",
        "name": "Table_Top",
        "parent": "Table",
        "size": 1,
        "scale": [1.2, 0.7, 0.05],
        "location": [0, 0, 0.725],
        "material": "Oak",
    },
    *_legs("Table", "Table", 0.55, 0.3, 0.7, 0.03),
    {"empty": "Chair", "location": [0, -0.75, 0]},
    {
        "kind": "cube",
        "name": "Chair_Seat",
        "parent": "Chair",
        "size": 1,
        "scale": [0.45, 0.45, 0.05],
        "location": [0, 0, 0.45],
        "material": "Oak",
    },
    *_legs("Chair", "Chair", 0.19, 0.19, 0.425, 0.02),
    {
        "kind": "cube",
        "name": "Chair_Back",
        "parent": "Chair",
        "size": 1,
        "scale": [0.45, 0.04, 0.5],
        "location": [0, -0.205, 0.725],
        "material": "Oak",
    },
    {
        "kind": "cylinder",
        "name": "Vase",
        "radius": 0.07,
        "depth": 0.22,
        "location": [0.3, 0.1, 0.86],
        "material": "Blue_Ceramic",
    },
    {"empty": "Floor_Lamp", "location": [1.3, 0.5, 0]},
    {
        "kind": "cylinder",
        "name": "Lamp_Base",
        "parent": "Floor_Lamp",
        "radius": 0.15,
        "depth": 0.03,
        "location": [0, 0, 0.015],
        "material": "Brass",
    },
    {
        "kind": "cylinder",
        "name": "Lamp_Pole",
        "parent": "Floor_Lamp",
        "radius": 0.015,
        "depth": 1.5,
        "location": [0, 0, 0.78],
        "material": "Brass",
    },
    {
        "kind": "cone",
        "name": "Lamp_Shade",
        "parent": "Floor_Lamp",
        "radius": 0.22,
        "radius_top": 0.12,
        "depth": 0.25,
        "location": [0, 0, 1.6],
        "material": "Linen",
    },
    {
        "kind": "cube",
        "name": "Storage_Box",
        "size": 0.4,
        "location": [-1.3, 0.3, 0.2],
        "material": "Cardboard",
    },
    {
        "kind": "cube",
        "name": "Book",
        "size": 1,
        "scale": [0.22, 0.15, 0.04],
        "location": [-1.2, -0.7, 0.02],
        "material": "Red_Cover",
    },
]


async def build_room(runner: ToolRunner) -> None:
    """The scene every edit session starts from, built by plain tool calls (no model, no recipe
    that could change under the cassette)."""
    calls: list[tuple[str, dict[str, Any]]] = [("new_scene", {})]
    calls += [("create_material", m) for m in ROOM_MATERIALS]
    for obj in ROOM_OBJECTS:
        if "empty" in obj:
            calls.append(("create_empty", {"name": obj["empty"], "location": obj["location"]}))
        else:
            calls.append(("create_primitive", obj))
    calls.append(("frame_camera", {}))
    for tool, args in calls:
        result = await runner.call(tool, args)
        if not result.ok:
            raise RuntimeError(f"building the room: {tool}({args}) failed: {result.error}")


EDIT_SESSIONS: dict[str, list[str]] = {
    # What a person would type, in order; the model decides which action each one is.
    "room_edits": [
        "how big is the table?",
        "make the table 20% bigger",
        "move the storage box half a metre to the right",
        "put the book on the table",
        "put the floor lamp next to the chair",
        "turn the chair around so it faces away from the table",
        "paint the chair white",
        "make the vase out of glass",
        "make the vase look smoother",
        "actually, give the vase its hard facets back",
        "round off the corners of the storage box",
        "add a small red ball on the floor in front of the table",
        "get rid of the book",
        "make a copy of the chair",
        "replace the storage box with a barrel",
        "undo that",
        "zoom in on the vase",
    ],
}


def edit_session(runner: ToolRunner, settings: Settings, folder: Path, prefix: str) -> Any:
    """An edit session on the room: the model translates, the measuring evaluator judges."""
    from prompt2mesh.agent.editing.factory import make_translator
    from prompt2mesh.agent.editing.pipeline import EditSession, SessionFiles

    return EditSession(
        runner,
        SessionFiles(folder=folder, prefix=prefix),
        make_translator(settings, runner),
        screenshot_size=EDIT_SCREENSHOT_SIZE,
    )
