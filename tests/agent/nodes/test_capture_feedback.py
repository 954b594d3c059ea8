"""capture_feedback: which picture the critic gets. A critic that looks as a person does gets
a quick render of a lighting step; one that reads flat colours gets the fast screenshot."""

from __future__ import annotations

from typing import Any

from fakes.chat import plan
from prompt2mesh.agent.runner import run_make
from prompt2mesh.agent.trace import read_events
from prompt2mesh.roles.offline import make_offline_roles

LIGHT_STEP = {
    "action": "Light the scene",
    "description": "Three-point lighting.",
    "tools": ["setup_lighting"],
    "rationale": "",
    "expected_outcome": "",
}


def pictures_by_step(out_dir: Any) -> dict[int, set[str]]:
    shots: dict[int, set[str]] = {}
    for e in read_events(out_dir / "trace.jsonl"):
        if e["type"] == "tool_call" and e["tool"] in ("render_image", "get_viewport_screenshot"):
            if isinstance(e["step"], int) and e["step"] > 0:
                shots.setdefault(e["step"], set()).add(e["tool"])
    return shots


async def test_a_vision_critic_judges_a_lighting_step_from_a_render(
    runner, settings, request_for, roles_for, kit
) -> None:
    blocks = [f"Build block {i}" for i in range(1, 5)]
    executor = [t for i in range(1, 5) for t in kit.executor_turns(kit.block(i))]
    executor += kit.executor_turns(("setup_lighting", {"preset": "three_point"}))
    model = kit.script(plans=[plan(*blocks, LIGHT_STEP)], executor=executor)
    request = request_for()
    report = await run_make(request, settings, runner, roles=roles_for(model))

    assert report["status"] == "completed", report["error"]
    shots = pictures_by_step(request.out_dir)
    assert shots[5] == {"render_image"}
    assert all(shots[i] == {"get_viewport_screenshot"} for i in range(1, 5))
    # In the scene's aspect (1920 x 1080, what frame_camera framed for), not a square.
    [render] = [
        e
        for e in read_events(request.out_dir / "trace.jsonl")
        if e["type"] == "tool_call" and e["tool"] == "render_image"
    ]
    size = settings.screenshot_size
    assert (render["args"]["width"], render["args"]["height"]) == (size, round(size * 1080 / 1920))


async def test_the_offline_critic_reads_the_screenshot_of_a_lighting_step_not_a_slow_render(
    runner, settings, request_for
) -> None:
    request = request_for("A red cube on a blue table")
    report = await run_make(request, settings, runner, roles=make_offline_roles())

    assert report["status"] == "completed", report["error"]
    lighting = [s["number"] for s in report["plan"] if "setup_lighting" in s["tools"]]
    assert lighting, report["plan"]
    shots = pictures_by_step(request.out_dir)
    assert all(shots[n] == {"get_viewport_screenshot"} for n in lighting)
